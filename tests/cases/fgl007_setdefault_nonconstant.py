import time

from flask import Flask

app = Flask(__name__)


@app.before_request
def stamp_first_request():
    app.config.setdefault("FIRST_REQUEST_AT", time.time())  # expect: FGL007


@app.route("/uptime")
def uptime():
    return {"seconds": time.time() - app.config["FIRST_REQUEST_AT"]}
