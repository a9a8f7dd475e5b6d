# The lock held while starting a thread does not cover what the thread does.
import threading

from flask import Flask

app = Flask(__name__)
_lock = threading.Lock()
pending = []


def drain():
    pending.clear()  # expect: FGL009


@app.post("/drain")
def start_drain():
    with _lock:
        pending.append("job")
        threading.Thread(target=drain).start()
    return "ok"
