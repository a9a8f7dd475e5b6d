import threading

from flask import Flask

app = Flask(__name__)


class Reservations:
    _lock = threading.Lock()
    held = {}

    @classmethod
    def hold(cls, sku):
        with cls._lock:
            cls.held[sku] = cls.held.get(sku, 0) + 1
            return cls.held[sku]


@app.post("/hold/<sku>")
def hold(sku):
    return {"held": Reservations.hold(sku)}
