"""Manager proxies with the manager's lock around the read-modify-write.

The lock lives in the manager process, so it excludes the other worker
processes too: GET /count equals the number of POSTs whichever worker answers.
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
counts_lock = manager.counts_lock()


@app.route("/hit", methods=["POST"])
def hit():
    with counts_lock:
        seen = counts["total"]
        time.sleep(0.01)  # stands in for a slow call between the read and the write
        counts["total"] = seen + 1
    return jsonify(total=seen + 1, pid=os.getpid())


@app.route("/count")
def count():
    return jsonify(total=counts["total"], pid=os.getpid())
