import redis
from flask import Flask

app = Flask(__name__)
r = redis.Redis.from_url("redis://localhost:6379/0")
JOBS = {}


@app.post("/jobs/<job_id>")
def start_job(job_id):
    with r.lock("jobs", timeout=30):
        JOBS[job_id] = "running"  # expect: FGL011
    return {"job": job_id}


@app.get("/jobs/<job_id>")
def job_state(job_id):
    return {"state": JOBS.get(job_id, "unknown")}
