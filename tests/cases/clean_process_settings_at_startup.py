# Settings made once at startup, and a generator of the request's own.
import random
import socket

from flask import Flask, request

app = Flask(__name__)


def create_app():
    socket.setdefaulttimeout(10)
    random.seed(42)
    return app


@app.route("/quiz")
def quiz():
    rng = random.Random(request.args["seed"])
    return str(rng.randint(1, 10))
