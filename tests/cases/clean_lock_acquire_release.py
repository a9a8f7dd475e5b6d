import threading

from flask import Flask

app = Flask(__name__)
sequence = {"next": 1}
sequence_lock = threading.Lock()


@app.post("/sequence")
def next_value():
    sequence_lock.acquire()
    try:
        value = sequence["next"]
        sequence["next"] = value + 1
    finally:
        sequence_lock.release()
    return {"value": value}
