# A mutable default every request-time caller overrides: each call writes its own dict, and the
# shared default object is never touched at request time.
from flask import Flask, request

app = Flask(__name__)
JOBS = []


def enqueue(query, user_id, metadata={}):
    metadata["queue"] = "default"
    return {"query": query, "user": user_id, "meta": dict(metadata)}


@app.post("/query")
def run_query():
    return enqueue(request.form["q"], 1, metadata={"user": "me"})


@app.post("/query/<int:qid>")
def rerun(qid):
    return enqueue("select 1", qid, {"query_id": qid})
