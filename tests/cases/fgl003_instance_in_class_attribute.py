# One CameraEvent made in the class body serves every viewer: the viewers' requests count
# themselves in the same object, and lose each other's updates.
import threading

from flask import Flask

app = Flask(__name__)


class CameraEvent:
    def __init__(self):
        self.event = threading.Event()
        self.waiting = 0

    def wait(self):
        self.waiting += 1  # expect: FGL003
        return self.event.wait(1)


class BaseCamera:
    event = CameraEvent()

    def frame(self):
        self.event.wait()
        return b"frame"


@app.get("/feed")
def feed():
    BaseCamera.event.wait()
    return BaseCamera().frame()
