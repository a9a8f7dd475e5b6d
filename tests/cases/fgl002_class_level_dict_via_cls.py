from flask import Flask

app = Flask(__name__)


class RateLimiter:
    hits = {}
    limit = 100

    @classmethod
    def allow(cls, client_id):
        cls.hits[client_id] = cls.hits.get(client_id, 0) + 1  # expect[r]: FGL002 FGL003
        return cls.hits[client_id] <= cls.limit


@app.route("/api/search")
def search():
    if not RateLimiter.allow("anonymous"):  # expect[r]: FGL002 FGL003
        return {"error": "rate limited"}, 429
    return {"results": []}
