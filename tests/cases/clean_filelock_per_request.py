from filelock import FileLock
from flask import Flask

app = Flask(__name__)
exports = {}


@app.post("/exports/<name>")
def start_export(name):
    # Made per request, but the lock is the file: every request (and process) waits on it.
    with FileLock("/tmp/exports.lock", timeout=10):
        exports[name] = "running"
    return {"state": exports[name]}


@app.delete("/exports/<name>")
def cancel_export(name):
    lock = FileLock("/tmp/exports.lock")
    with lock:
        exports.pop(name, None)
    return "", 204
