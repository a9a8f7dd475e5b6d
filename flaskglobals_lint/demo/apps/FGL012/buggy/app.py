"""FGL012 buggy: Flask-Limiter with its default in-memory storage under two gunicorn workers.

Each worker process counts only the requests it served, so the limit of 10 per minute lets a
client through up to twice as often.  Remedy: keep the counters in Redis (storage_uri).
"""
import os
import time

from flask import Flask, jsonify
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app,  # expect: FGL012
                  default_limits=["10 per minute"], strategy="moving-window")


@app.route("/quote")
def quote():
    time.sleep(0.05)  # stands in for the expensive work the limit protects
    return jsonify(quote="Simple is better than complex.", pid=os.getpid())
