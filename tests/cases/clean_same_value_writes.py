# Every request stores the same value in the same place, and no other request reads it
# to decide anything: concurrent writers agree, nothing is lost or leaked.
import os
import subprocess
import sys

from flask import Flask

app = Flask(__name__)
DEFAULT_FILTER = {"size": 10000}


@app.post("/terminal")
def terminal():
    os.environ["TERM"] = "xterm"
    os.environ["PYTHONHOME"] = os.path.dirname(sys.executable)
    subprocess.run(["true"], check=False)
    return "", 204


@app.get("/export")
def export():
    query = DEFAULT_FILTER
    query["size"] = 10000
    return dict(query)


@app.get("/run")
def run():
    if not os.environ.get("PYTHONIOENCODING"):
        os.environ["PYTHONIOENCODING"] = "UTF-8"
    return "ok"
