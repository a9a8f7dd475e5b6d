import time

from flask import Flask

import store

app = Flask(__name__)


@app.post("/signup")
def signup():
    store.EVENTS.append({"type": "signup", "at": time.time()})  # expect: FGL002
    return {"events": len(store.EVENTS)}, 201


@app.route("/events")
def events():
    return {"events": store.EVENTS[-20:]}
