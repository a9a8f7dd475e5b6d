from filelock import FileLock
from flask import Flask

app = Flask(__name__)
reports = {"generated": 0}


@app.post("/reports")
def generate_report():
    # The file lock makes the workers take turns, but each still counts in its own dict.
    with FileLock("/tmp/reports.lock"):
        reports["generated"] += 1  # expect: FGL011
    return {"generated": reports["generated"]}
