# Handlers and stores picked from a module-level registry by the request: calling the element
# runs each function (or class) the registry holds, and their writes are request-time writes.
from flask import Flask, request

app = Flask(__name__)
events = []
totals = {}
made = []


def on_add(data):
    events.append(data)  # expect: FGL002


def on_count(data):
    totals[data] = totals.get(data, 0) + 1  # expect: FGL002


class FaissStore:
    def __init__(self, name):
        made.append(name)  # expect: FGL002


HANDLERS = {"add": on_add, "count": on_count}
STORES = {"faiss": FaissStore}


@app.post("/event/<kind>")
def event(kind):
    handler = HANDLERS[kind]
    handler(request.json)
    return "ok"


@app.post("/count/<kind>")
def count(kind):
    HANDLERS.get(kind)(request.json["key"])
    return "ok"


@app.route("/search")
def search():
    store = STORES[request.args["store"]](request.args["name"])
    return str(store)
