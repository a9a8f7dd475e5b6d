from flask import Flask

app = Flask(__name__)
JOBS = [
    {"id": 1, "status": "queued"},
    {"id": 2, "status": "running"},
]


@app.post("/jobs/<int:job_id>/cancel")
def cancel_job(job_id):
    for job in JOBS:
        if job["id"] == job_id:
            job["status"] = "cancelled"  # expect: FGL002
            return {"id": job_id, "status": "cancelled"}
    return {"error": "no such job"}, 404
