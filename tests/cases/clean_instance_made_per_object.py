# Each Recorder makes its own Buffer in __init__, and each request makes its own Recorder:
# the buffer is not shared even though its class is that of a shared-looking attribute.
from flask import Flask, request

app = Flask(__name__)


class Buffer:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)


class Recorder:
    def __init__(self):
        self.buffer = Buffer()

    def record(self, item):
        self.buffer.push(item)
        return len(self.buffer.items)


@app.post("/record")
def record():
    return {"n": Recorder().record(request.form["item"])}
