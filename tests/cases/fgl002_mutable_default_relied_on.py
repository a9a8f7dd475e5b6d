# Neighbour of clean_mutable_default_always_overridden: one request-time caller leaves the
# default in place, so every such request writes into the one shared dict.
from flask import Flask, request

app = Flask(__name__)


def enqueue(query, user_id, metadata={}):
    metadata["queue"] = request.args.get("queue", "default")  # expect: FGL002
    return {"query": query, "user": user_id, "meta": dict(metadata)}


@app.post("/query")
def run_query():
    return enqueue(request.form["q"], 1, metadata={"user": "me"})


@app.post("/query/again")
def rerun():
    return enqueue("select 1", 2)
