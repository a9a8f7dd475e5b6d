from flask import Flask

app = Flask(__name__)


class Maintenance:
    enabled = False


@app.before_request
def block_during_maintenance():
    if Maintenance.enabled:
        return {"error": "down for maintenance"}, 503


@app.post("/admin/maintenance/on")
def maintenance_on():
    Maintenance.enabled = True  # expect: FGL003
    return "", 204
