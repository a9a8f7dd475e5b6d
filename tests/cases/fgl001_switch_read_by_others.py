# Neighbour of clean_placeholder_filled_with_same_value: the global starts with a real value, and
# one request switches every other request's behaviour.
from flask import Flask

app = Flask(__name__)
MAINTENANCE = False


@app.before_request
def gate():
    if MAINTENANCE:
        return "down for maintenance", 503


@app.post("/admin/maintenance")
def maintenance():
    global MAINTENANCE
    MAINTENANCE = True  # expect: FGL001
    return "ok"
