"""Manager proxies without their lock: each operation is atomic, the read-modify-write is not.

``counts["total"] = seen + 1`` is two messages to the manager (a read, then a
write); two workers that read the same value both store ``seen + 1``.
Remedy: hold the manager's lock around the read-modify-write (see ../fixed).
"""
import os
import sys
import time

from flask import Flask, jsonify

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from counter_manager import AUTHKEY, CounterManager  # noqa: E402

app = Flask(__name__)
manager = CounterManager(address=("127.0.0.1", int(os.environ["FGL_MANAGER_PORT"])), authkey=AUTHKEY)
manager.connect()
counts = manager.counts()


@app.route("/hit", methods=["POST"])
def hit():
    seen = counts["total"]
    time.sleep(0.01)  # stands in for a slow call between the read and the write
    counts["total"] = seen + 1  # expect: FGL002
    return jsonify(total=seen + 1, pid=os.getpid())


@app.route("/count")
def count():
    return jsonify(total=counts["total"], pid=os.getpid())
