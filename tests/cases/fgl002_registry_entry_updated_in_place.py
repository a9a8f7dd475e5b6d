# Neighbour of clean_registry_with_lazy_entry_attr: the entry's label comes from the request, so
# one user's label replaces another's in the shared registry.
from flask import Flask, request

app = Flask(__name__)


class Module:
    registry = {}

    def __init__(self, name):
        self.name = name
        self.label = None
        if name not in Module.registry:
            Module.registry[name] = self  # expect: FGL002


@app.post("/modules/<name>")
def relabel(name):
    Module(name)
    m = Module.registry[name]
    if m.label is None:
        m.label = request.form["label"]  # expect: FGL002
    return {"label": m.label}
