from flask import Flask

app = Flask(__name__)
last_teardown_error = None


@app.teardown_request
def remember_error(exc):
    global last_teardown_error
    if exc is not None:
        last_teardown_error = repr(exc)  # expect: FGL001


@app.route("/debug/last-error")
def last_error():
    return {"error": last_teardown_error}
