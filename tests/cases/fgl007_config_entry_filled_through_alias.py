# Filled through a local alias in another view: the removal races with the fill.
from flask import Flask, current_app, request

app = Flask(__name__)


@app.route("/remember")
def remember():
    seen = current_app.config.setdefault("_seen", {})
    seen[request.args["k"]] = True  # expect: FGL007
    return "ok"


@app.route("/forget")
def forget():
    current_app.config["_seen"].clear()  # expect: FGL007
    return "ok"
