# The singleton a classmethod hands out is changed under its own lock, and another classmethod
# makes a new object per call (``fresh()``): a request changes nothing shared unprotected.
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

    @classmethod
    def fresh(cls):
        return cls()

    def __init__(self):
        self.num = 0
        self.lock = threading.Lock()

    @classmethod
    def add(cls, task):
        ins = cls.get_instance()
        with ins.lock:
            ins.num += 1
            return ins.num


@app.post("/upload")
def upload():
    TaskQueue.add(request.form["name"])
    scratch = TaskQueue.fresh()
    scratch.num += 1
    return "queued"
