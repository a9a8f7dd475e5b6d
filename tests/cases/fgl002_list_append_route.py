import time

from flask import Flask

app = Flask(__name__)
heartbeats = []


@app.post("/heartbeat")
def heartbeat():
    heartbeats.append(time.time())  # expect: FGL002
    return {"beats": len(heartbeats)}
