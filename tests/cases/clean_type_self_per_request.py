# ``type(self)`` used to make a new object, and the class registry changed under a lock.
import threading

from flask import Flask

app = Flask(__name__)


class Node:
    registry = {}
    registry_lock = threading.Lock()

    def __init__(self, name):
        self.name = name
        self.children = []

    def child(self, name):
        cls = type(self)
        made = cls(name)
        made.children.append(self.name)
        with cls.registry_lock:
            cls.registry[name] = made
        return made


@app.route("/tree/<name>")
def tree(name):
    return Node("root").child(name).name
