import os

from flask import Flask

app = Flask(__name__)


@app.post("/admin/maintenance")
def enable_maintenance():
    os.environ["MAINTENANCE_MODE"] = "1"  # expect: FGL002
    return "", 204


@app.route("/status")
def status():
    return {"maintenance": os.environ.get("MAINTENANCE_MODE") == "1"}
