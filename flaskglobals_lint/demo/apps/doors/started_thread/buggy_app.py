"""Work started by a request (buggy): each POST starts a thread that counts into a global.

The threads run next to each other and to every request, so their read-modify-writes of the
counter interleave and updates are lost.  Remedy: a module-level lock around the update.
"""
import threading
import time

from flask import Flask, jsonify

app = Flask(__name__)
scanned = {"files": 0}


def scan_upload():
    seen = scanned["files"]
    time.sleep(0.01)  # stands in for scanning the upload between the read and the write
    scanned["files"] = seen + 1  # expect: FGL002


@app.route("/scan", methods=["POST"])
def scan():
    threading.Thread(target=scan_upload).start()
    return jsonify(started=True), 202


@app.route("/scanned")
def count():
    return jsonify(files=scanned["files"])
