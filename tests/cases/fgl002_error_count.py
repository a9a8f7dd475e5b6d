# Counting errors is a read-modify-write, in an except block or not.
from flask import Flask

app = Flask(__name__)
failures = {}


@app.route("/check/<folder>")
def check_folder(folder):
    try:
        open(folder).close()
    except OSError:
        failures[folder] = failures.get(folder, 0) + 1  # expect: FGL002
        return {"ok": False}
    return {"ok": True}
