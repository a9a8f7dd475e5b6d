"""A view closure returned by a factory and registered with add_url_rule: the factory runs
once, so what the closure captures is shared by every request to that URL."""
from flask import Flask, jsonify

app = Flask(__name__)


def make_counter(name):
    hits = {"n": 0}

    def view():
        hits["n"] += 1  # expect: FGL002
        return jsonify(name=name, hits=hits["n"])
    return view


app.add_url_rule("/a", "a", view_func=make_counter("a"))
