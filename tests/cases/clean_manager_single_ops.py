import multiprocessing
import time

from flask import Flask

app = Flask(__name__)
manager = multiprocessing.Manager()
heartbeats = manager.dict()


@app.post("/workers/<name>/heartbeat")
def heartbeat(name):
    heartbeats[name] = time.time()
    return {"workers": len(heartbeats)}


@app.delete("/workers/<name>")
def forget_worker(name):
    heartbeats.pop(name, None)
    return "", 204
