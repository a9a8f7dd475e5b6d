import threading

from flask import Flask

app = Flask(__name__)
signups = {"total": 0}
signups_lock = threading.Lock()


@app.post("/signups")
def record_signup():
    with signups_lock:
        signups["total"] += 1  # expect: FGL011
    return {"total": signups["total"]}
