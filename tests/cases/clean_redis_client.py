import redis
from flask import Flask, request

app = Flask(__name__)
store = redis.Redis.from_url("redis://localhost:6379/0")


@app.post("/articles/<int:article_id>/view")
def count_view(article_id):
    views = store.incr(f"views:{article_id}")
    store.zadd("trending", {str(article_id): views})
    store.hset(f"last_viewer:{article_id}", mapping={"ip": request.remote_addr})
    return {"views": views}
