# Neighbour of clean_hasattr_lazy_init: the lazily made list is used at once, so a racing init
# drops the list the other request appended to.  (The append itself, on a class attribute the
# class body never declares, is not followed yet: a recall gap.)
from flask import Flask, request

app = Flask(__name__)


class Audit:
    @classmethod
    def record(cls, event):
        if not hasattr(cls, "_events"):
            cls._events = []  # expect: FGL003
        cls._events.append(event)


@app.post("/audit")
def audit():
    Audit.record(request.form["event"])
    return "", 204
