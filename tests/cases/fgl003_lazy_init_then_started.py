# Neighbour of clean_lazy_singleton_through_cls: the lazily made object is started at
# once, so two racing first requests start two camera threads.
import threading

from flask import Flask

app = Flask(__name__)


def capture():
    pass


class Camera:
    thread = None

    def __init__(self):
        if Camera.thread is None:
            Camera.thread = threading.Thread(target=capture)  # expect: FGL003
            Camera.thread.start()


@app.get("/feed")
def feed():
    Camera()
    return "ok"
