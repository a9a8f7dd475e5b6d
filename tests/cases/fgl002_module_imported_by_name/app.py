# A plugin module imported by its literal name inside the view is the project's own module:
# its shared state is changed at request time like any other import's.
import importlib

from flask import Flask

app = Flask(__name__)


@app.post("/report/<kind>")
def report(kind):
    plugin = importlib.import_module("report_plugins.daily")
    plugin.record(kind)
    return "", 204
