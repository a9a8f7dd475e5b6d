"""Work started by a request (fixed): the started threads update the counter under one lock."""
import threading
import time

from flask import Flask, jsonify

app = Flask(__name__)
scanned = {"files": 0}
scanned_lock = threading.Lock()


def scan_upload():
    with scanned_lock:
        seen = scanned["files"]
        time.sleep(0.01)  # the same work as in the buggy app, now inside the lock
        scanned["files"] = seen + 1


@app.route("/scan", methods=["POST"])
def scan():
    threading.Thread(target=scan_upload).start()
    return jsonify(started=True), 202


@app.route("/scanned")
def count():
    with scanned_lock:
        return jsonify(files=scanned["files"])
