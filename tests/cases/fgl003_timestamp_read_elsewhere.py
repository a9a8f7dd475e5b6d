# Neighbour of clean_ttl_cache_and_timestamp: another request reads the timestamp and
# acts on it, so which worker or thread wrote it last matters.
import time

from flask import Flask

app = Flask(__name__)


class Camera:
    last_access = 0


@app.get("/frame")
def frame():
    Camera.last_access = time.time()  # expect: FGL003
    return b"frame"


@app.get("/idle")
def idle():
    if time.time() - Camera.last_access > 10:
        return "idle"
    return "busy"
