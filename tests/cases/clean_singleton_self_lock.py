import threading

from flask import Flask

app = Flask(__name__)


class IdGenerator:
    def __init__(self, start=1):
        self._lock = threading.Lock()
        self._next = start

    def next_id(self):
        with self._lock:
            value = self._next
            self._next += 1
            return value


order_ids = IdGenerator(start=1000)


@app.post("/orders")
def create_order():
    return {"id": order_ids.next_id()}, 201
