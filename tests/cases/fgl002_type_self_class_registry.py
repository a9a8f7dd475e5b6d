# ``cls = type(self)`` is the class: its registry is shared by every request.
from flask import Flask

app = Flask(__name__)


class Session:
    live = {}

    def __init__(self, key):
        self.key = key
        cls = type(self)
        cls.live[key] = self  # expect: FGL002

    def close(self):
        self.__class__.live.pop(self.key, None)


@app.route("/open/<key>")
def open_session(key):
    Session(key)
    return "ok"
