import functools

from flask import Flask, request

app = Flask(__name__)
HITS = {}


def rate_limited(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ip = request.remote_addr
        HITS[ip] = HITS.get(ip, 0) + 1  # expect: FGL002
        return fn(*args, **kwargs)

    return wrapper


@app.route("/")
@rate_limited
def index():
    return "ok"
