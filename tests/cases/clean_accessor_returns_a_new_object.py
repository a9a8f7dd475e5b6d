# A factory that returns a new object per call, and an accessor of a module-level value that
# is not an object of a project class: nothing shared is changed through them.
from flask import Flask, request

app = Flask(__name__)


class Tally:
    def __init__(self):
        self.counts = {}

    def incr(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


LIMIT = 10


def new_tally():
    return Tally()


def get_limit():
    return LIMIT


@app.post("/tally")
def tally():
    return {"n": new_tally().incr(request.remote_addr), "limit": get_limit()}
