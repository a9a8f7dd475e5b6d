# setdefault is an atomic get-or-create: the first empty store wins for every request.
from flask import Flask, current_app

app = Flask(__name__)


def app_store():
    return current_app.config.setdefault("_app_local_store", {})


@app.get("/store")
def store():
    return {"keys": sorted(app_store())}
