"""FGL012 fixed: the limiter's counters live in Redis, which every gunicorn worker shares.

Whichever worker answers, the client gets exactly 10 requests a minute (a moving window: a fixed
one would let a burst that straddles the minute through twice).  The server comes from
$FGL_REDIS_URL.
"""
import os
import time

from flask import Flask, jsonify
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, default_limits=["10 per minute"], strategy="moving-window",
                  storage_uri=os.environ.get("FGL_REDIS_URL", "redis://127.0.0.1:6379/0"))


@app.route("/quote")
def quote():
    time.sleep(0.05)  # the same work as in the buggy app
    return jsonify(quote="Simple is better than complex.", pid=os.getpid())
