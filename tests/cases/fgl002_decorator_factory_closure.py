import functools

from flask import Flask

app = Flask(__name__)


def remember_calls(limit):
    calls = []

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            calls.append(fn.__name__)  # expect: FGL002
            del calls[:-limit]  # expect: FGL002
            return fn(*args, **kwargs)

        return wrapper

    return decorate


@app.get("/report")
@remember_calls(10)
def report():
    return "ok"
