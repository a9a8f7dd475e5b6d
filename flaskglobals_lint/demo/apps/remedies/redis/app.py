"""Remedy for FGL011: the counter lives in Redis and ``INCR`` is atomic there.

Every gunicorn worker talks to the same Redis server, so whichever worker
answers, GET /count equals the number of POSTs.  The server comes from
$FGL_REDIS_URL.
"""
import os
import time

import redis
from flask import Flask, jsonify

app = Flask(__name__)
store = redis.Redis.from_url(os.environ.get("FGL_REDIS_URL", "redis://127.0.0.1:6379/0"))


@app.route("/hit", methods=["POST"])
def hit():
    time.sleep(0.01)  # the same slow call as in the buggy app; INCR needs no read-then-write
    total = store.incr("hits")
    return jsonify(total=total, pid=os.getpid())


@app.route("/count")
def count():
    return jsonify(total=int(store.get("hits") or 0), pid=os.getpid())
