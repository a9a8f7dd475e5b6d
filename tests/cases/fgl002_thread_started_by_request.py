# Work started from a request runs next to every other request: a thread, a pool, a background task.
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, request

app = Flask(__name__)
executor = ThreadPoolExecutor(2)
errors = {}
results = []


def scan_host(name):
    errors[name] = "unreachable"  # expect: FGL002


def collect(value):
    results.append(value)  # expect: FGL002


@app.post("/scan")
def scan():
    threading.Thread(target=scan_host, args=(request.form["host"],), daemon=True).start()
    executor.submit(collect, request.form["host"])
    return "started", 202
