# The predicate is asked under the same lock as the write, or it reads other state, or the
# check is repeated under the lock: the decision cannot go stale.
import threading

from flask import Flask, abort

app = Flask(__name__)
users = set()
banned = {"root"}
users_lock = threading.Lock()


def name_free(name):
    return name not in users


def allowed(name):
    return name not in banned


@app.post("/users/<name>")
def register(name):
    with users_lock:
        if not name_free(name):
            abort(409)
        users.add(name)
    return "", 201


@app.post("/users/<name>/checked")
def register_checked(name):
    if not allowed(name):
        abort(403)
    with users_lock:
        users.add(name)
    return "", 201


@app.post("/users/<name>/twice")
def register_twice(name):
    if not name_free(name):
        abort(409)
    with users_lock:
        if name in users:
            abort(409)
        users.add(name)
    return "", 201
