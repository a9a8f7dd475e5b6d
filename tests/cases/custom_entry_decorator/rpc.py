"""A house-made RPC layer whose handlers Flask calls per request."""
from flask import Flask

app = Flask(__name__)
HANDLERS = {}
CALLS = []


def rpc_method(fn):
    HANDLERS[fn.__name__] = fn
    return fn


@rpc_method
def ping():
    CALLS.append("ping")  # expect: FGL002
    return "pong"
