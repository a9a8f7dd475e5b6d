"""A thread started at import time and a route both write the same counter: two sides race."""
import threading
import time

from flask import Flask

app = Flask(__name__)
stats = {"polls": 0}


def poll():
    while True:
        stats["polls"] += 1  # expect: FGL002
        time.sleep(5)


threading.Thread(target=poll, daemon=True).start()


@app.post("/reset")
def reset():
    stats["polls"] = 0  # expect: FGL002
    return "ok"
