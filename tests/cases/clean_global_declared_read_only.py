from flask import Flask

app = Flask(__name__)
MAINTENANCE = False


@app.before_request
def check_maintenance():
    global MAINTENANCE
    if MAINTENANCE:
        return {"error": "down for maintenance"}, 503
