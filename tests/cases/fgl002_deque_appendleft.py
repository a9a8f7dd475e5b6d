import time
from collections import deque

from flask import Flask

app = Flask(__name__)
recent_misses = deque(maxlen=100)


@app.errorhandler(404)
def not_found(exc):
    recent_misses.appendleft(time.time())  # expect: FGL002
    return {"error": "not found"}, 404
