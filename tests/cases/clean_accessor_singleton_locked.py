# The storage object an accessor hands out takes its own lock, and a second accessor makes a
# new object per call: nothing shared is changed unprotected.
import threading

from flask import Flask, request

app = Flask(__name__)


class MemoryStorage:
    def __init__(self):
        self.counts = {}
        self._lock = threading.Lock()

    def incr(self, key):
        with self._lock:
            self.counts[key] = self.counts.get(key, 0) + 1


_storage = MemoryStorage()


def get_storage():
    return _storage


def scratch():
    return MemoryStorage()


@app.post("/hit")
def hit():
    get_storage().incr(request.remote_addr)
    scratch().counts["x"] = 1
    return "ok"
