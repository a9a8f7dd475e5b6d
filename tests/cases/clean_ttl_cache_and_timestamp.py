# A time-to-live cache (the entry is tested through a local taken by its key) and a
# last-seen timestamp nobody else reads: racing requests only recompute or store "now".
import time

from flask import Flask

app = Flask(__name__)
_CACHE = {}
TTL = 60


def fetch(key):
    return {"key": key}


class Camera:
    last_access = 0

    def frame(self):
        Camera.last_access = time.time()
        return b"frame"


@app.get("/feed/<key>")
def feed(key):
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit and now - hit[0] < TTL:
        return hit[1]
    _CACHE[key] = (now, fetch(key))
    return _CACHE[key][1]


@app.get("/frame")
def frame():
    return Camera().frame()
