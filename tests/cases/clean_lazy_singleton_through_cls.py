# A lazy singleton through cls: two racing first requests build two equivalent
# objects and one wins; nothing a request stored is lost.
from flask import Flask

app = Flask(__name__)


class Registry:
    _instance = None

    def __init__(self):
        self.names = ("a", "b")

    @classmethod
    def get(cls):
        if cls._instance is None:
            cls._instance = Registry()
        return cls._instance


@app.get("/names")
def names():
    return list(Registry.get().names)
