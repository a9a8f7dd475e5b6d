"""A factory-made view that keeps what it changes in locals: nothing shared."""
from flask import Flask, jsonify, request

app = Flask(__name__)


def make_echo(prefix):
    def view():
        seen = []
        seen.append(request.args.get("q", ""))
        return jsonify(prefix=prefix, seen=seen)
    return view


app.add_url_rule("/echo", "echo", view_func=make_echo("echo"))
