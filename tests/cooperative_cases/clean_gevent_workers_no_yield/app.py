# On gevent workers a request switches only at I/O: with no yield point between the
# read and the write, the read-modify-write and the check-then-act cannot interleave.
from flask import Flask, request

app = Flask(__name__)
HITS = {"n": 0}
ONLINE = {}


@app.post("/hit")
def hit():
    HITS["n"] += 1
    return str(HITS["n"])


@app.post("/leave/<name>")
def leave(name):
    if name in ONLINE:
        ONLINE.pop(name)
    return "ok"


@app.post("/say")
def say():
    ONLINE[request.args["name"]] = True
    return "ok"
