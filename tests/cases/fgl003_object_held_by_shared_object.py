# The module-level store holds its index: the index is shared as the store is.
from flask import Flask, request

app = Flask(__name__)


class Index:
    def __init__(self):
        self.names = []

    def insert(self, name):
        self.names.append(name)  # expect: FGL003


class Store:
    def __init__(self):
        self.index = Index()

    def add(self, name):
        self.index.insert(name)


store = Store()


@app.post("/pets")
def add_pet():
    store.add(request.form["name"])
    return "", 201
