"""Defects that came from the engine's shape: rule precedence, lock scoping, rebinding."""
from __future__ import annotations

from flaskglobals_lint import lint_source
from flaskglobals_lint.settings import Settings

CART = '''\
import threading
from flask import Flask
app = Flask(__name__)
CART = []
CART_LOCK = threading.Lock()

@app.post("/add/<item>")
def add(item):
    with CART_LOCK:
        CART.append(item)
    return "ok"

@app.post("/clear")
def clear():
    CART.clear()
    return "ok"
'''


def found(source: str, settings: Settings | None = None) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_source(source, settings=settings)]


def test_an_unlocked_write_next_to_locked_ones_is_fgl009() -> None:
    assert found(CART) == [(15, "FGL009")]


def test_with_fgl009_ignored_the_unlocked_write_is_still_reported() -> None:
    assert found(CART, Settings(ignore=("FGL009",))) == [(15, "FGL002")]


def test_with_only_fgl002_selected_the_unlocked_write_is_still_reported() -> None:
    assert found(CART, Settings(select=("FGL002",))) == [(15, "FGL002")]


CLOSURE_LOCK = '''\
import threading
from flask import Flask
app = Flask(__name__)
ITEMS = []

def helper():
    ITEMS.append(1)

@app.route("/")
def view():
    lk = threading.Lock()
    def inner():
        with lk:
            helper()
    inner()
    return "ok"
'''


def test_a_lock_made_per_request_in_a_closure_does_not_protect_a_helper() -> None:
    assert (7, "FGL002") in found(CLOSURE_LOCK)


def test_a_lock_made_once_in_a_factory_closure_still_protects_a_helper() -> None:
    source = '''\
import threading
from flask import Flask
ITEMS = []

def helper():
    ITEMS.append(1)

def create_app():
    app = Flask(__name__)
    lk = threading.Lock()
    @app.route("/")
    def view():
        with lk:
            helper()
        return "ok"
    return app
'''
    assert found(source) == []


def test_with_as_rebinds_a_tainted_name() -> None:
    source = '''\
from flask import Flask, request
app = Flask(__name__)
LOG = []

@app.route("/")
def view():
    x = request.args["q"]
    with open("/etc/motd") as x:
        LOG.append(x.read())
    return "ok"
'''
    assert found(source) == [(9, "FGL002")]


def test_except_as_rebinds_a_tainted_name() -> None:
    source = '''\
from flask import Flask, request
app = Flask(__name__)
LOG = []

@app.route("/")
def view():
    e = request.args["q"]
    try:
        pass
    except ValueError as e:
        LOG.append(e)
    return "ok"
'''
    assert found(source) == [(11, "FGL002")]


def test_a_tainted_name_still_leaks_when_it_is_not_rebound() -> None:
    source = '''\
from flask import Flask, request
app = Flask(__name__)
LOG = []

@app.route("/")
def view():
    x = request.args["q"]
    LOG.append(x)
    return "ok"
'''
    assert found(source) == [(8, "FGL002")]
