# A value made by a call from request data (a thread, a record looked up by id) is not
# the requester's data; the request's own payload stored as is still leaks.
import threading

from flask import Flask, request

app = Flask(__name__)
WORKERS = []
LAST = {}


def work(n):
    return n


@app.post("/start")
def start():
    WORKERS.append(threading.Thread(target=work, args=(request.json["n"],)))  # expect: FGL002
    return "ok"


@app.post("/note")
def note():
    LAST["text"] = request.json["text"]  # expect: FGL002
    return "ok"
