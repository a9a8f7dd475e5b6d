# A registry of module objects filled on first use, whose entries get a default label lazily:
# the label is the entry's own key, so racing requests register and label alike.
from flask import Flask

app = Flask(__name__)


class Module:
    registry = {}

    def __init__(self, name, label=None):
        self.name = name
        self.label = label
        if name not in Module.registry:
            Module.registry[name] = self

    @classmethod
    def get(cls, name):
        if name in Module.registry:
            m = Module.registry[name]
            if m.label is None:
                m.label = name
            return m
        return Module(name)


@app.get("/modules/<name>")
def module(name):
    return {"label": Module.get(name).label}
