# The entry is filled at import time: a request clearing it drops what every request reads.
from flask import Flask, current_app

app = Flask(__name__)
app.config["_cache"] = {"home": "<h1>home</h1>"}


@app.route("/page")
def page():
    return current_app.config["_cache"].get("home", "")


@app.route("/gc-cleanup")
def gc_cleanup():
    for key in list(current_app.config.get("_cache", {}).keys()):
        current_app.config["_cache"].pop(key, None)  # expect: FGL007
    return "ok"
