# Clearing a config entry no code of the project fills: Flask's loaders only take uppercase keys,
# so app.config["_cache"] is always empty and the removals change nothing.
from flask import Flask, current_app

app = Flask(__name__)
app.config["THEME"] = "dark"


@app.route("/gc-cleanup")
def gc_cleanup():
    for key in list(current_app.config.get("_cache", {}).keys()):
        current_app.config["_cache"].pop(key, None)
    return "ok"
