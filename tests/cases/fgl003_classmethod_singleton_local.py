# A lazy singleton a classmethod hands out (``cls._instance``), changed through a local that
# holds it: every request bumps the counter of the one object.
import threading

from flask import Flask, request

app = Flask(__name__)


class TaskQueue:
    _instance = None

    @classmethod
    def get_instance(cls):
        if cls._instance is None:
            cls._instance = TaskQueue()
        return cls._instance

    def __init__(self):
        self.num = 0
        self.tasks = []
        self.lock = threading.Lock()

    @classmethod
    def add(cls, task):
        ins = cls.get_instance()
        ins.num += 1  # expect: FGL003
        ins.tasks.append((ins.num, task))  # expect: FGL003
        return ins.num


@app.post("/upload")
def upload():
    TaskQueue.add(request.form["name"])
    return "queued"


@app.get("/count")
def count():
    queue = TaskQueue.get_instance()
    queue.num += 0  # expect: FGL003
    return str(queue.num)
