# One worker per process, started lazily by the first request.  The lazy start itself races (two
# first requests both start a worker); what the worker publishes for requests to read (the latest
# frame) is its design: it has no sibling to race with.
import threading
import time

from flask import Flask

app = Flask(__name__)


class Camera:
    thread = None
    frame = None

    def __init__(self):
        if Camera.thread is None:
            Camera.thread = threading.Thread(target=self._run, daemon=True)  # expect: FGL003
            Camera.thread.start()

    @classmethod
    def _run(cls):
        while True:
            Camera.frame = time.time()
            time.sleep(0.1)


@app.route("/frame")
def frame():
    Camera()
    return str(Camera.frame)
