# The last error per folder: racing requests that fail the same way record equivalent errors.
from flask import Flask

app = Flask(__name__)
failures = {}


def check(folder):
    try:
        open(folder).close()
    except OSError as exc:
        failures[folder] = str(exc)
        return False
    return True


@app.route("/check/<folder>")
def check_folder(folder):
    return {"ok": check(folder)}
