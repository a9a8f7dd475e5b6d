# The check is a helper predicate called outside the lock: two requests both find the name
# free, then both register it under the lock.
import threading

from flask import Flask, abort

app = Flask(__name__)
users = set()
users_lock = threading.Lock()


def name_free(name):
    return name not in users


def name_taken(name):
    taken = name in users
    return taken


@app.post("/users/<name>")
def register(name):
    if not name_free(name):
        abort(409)
    with users_lock:
        users.add(name)  # expect: FGL005
    return "", 201


@app.post("/users/<name>/again")
def register_again(name):
    if name_taken(name):
        abort(409)
    with users_lock:
        users.add(name)  # expect: FGL005
    return "", 201
