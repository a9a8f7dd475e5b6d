import threading

from flask import Flask

app = Flask(__name__)
_templates = {}
_templates_lock = threading.Lock()


def compile_template(name):
    return f"<compiled {name}>"


def get_template(name):
    if name not in _templates:
        with _templates_lock:
            if name not in _templates:
                _templates[name] = compile_template(name)
    return _templates[name]


@app.route("/render/<name>")
def render(name):
    return get_template(name)
