import threading
import time

from flask import Flask

app = Flask(__name__)
MAX_PENDING = 50
pending_jobs = []
jobs_lock = threading.Lock()


@app.post("/jobs")
def submit_job():
    if len(pending_jobs) >= MAX_PENDING:
        return {"error": "queue full"}, 429
    with jobs_lock:
        pending_jobs.append({"submitted": time.time()})  # expect: FGL005
    return {"queued": True}, 202
