# Neighbour of clean_cache_object_refreshed_after_test: the value stored through the method is
# computed from the object itself, a read-modify-write split over two functions; and a caller
# that stores the request's value without testing the object first.
from flask import Flask, request

app = Flask(__name__)


class Stats:
    def __init__(self):
        self.total = 0
        self.last = None

    def ready(self):
        return self.total >= 0

    def set_total(self, total):
        self.total = total  # expect: FGL003

    def set_last(self, last):
        self.last = last  # expect: FGL003


stats = Stats()


@app.post("/hit")
def hit():
    if stats.ready():
        stats.set_total(stats.total + 1)
    return "ok"


@app.post("/last")
def last():
    stats.set_last(request.form["who"])
    return "ok"
