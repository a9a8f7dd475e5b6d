# ``setup()`` installs the one storage object an accessor hands out: what a request changes
# through the accessor is shared by every request.
from flask import Flask, request

app = Flask(__name__)


class MemoryStorage:
    def __init__(self):
        self.counts = {}
        self.banned = set()

    def incr(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1  # expect: FGL003

    def ban(self, key):
        self.banned.add(key)  # expect: FGL003


_storage = None


def setup():
    global _storage
    _storage = MemoryStorage()


def get_storage():
    return _storage


setup()


@app.post("/hit")
def hit():
    get_storage().incr(request.remote_addr)
    return "ok"


@app.post("/ban")
def ban():
    storage = get_storage()
    storage.ban(request.remote_addr)
    return "ok"
