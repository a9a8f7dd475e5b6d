"""A thread started with the app is the only writer; requests only read what it publishes."""
import threading
import time

from flask import Flask, jsonify

app = Flask(__name__)
latest = {"value": None, "polls": 0}


def poll():
    while True:
        latest["value"] = time.time()
        latest["polls"] += 1
        time.sleep(5)


def create_app():
    threading.Thread(target=poll, daemon=True).start()
    return app


@app.get("/latest")
def get_latest():
    return jsonify(latest)
