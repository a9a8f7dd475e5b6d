"""What Flask (and its ecosystem) means to the analysis: names, not behaviour.

Everything the engine knows about Flask, its extensions and the standard
library lives here, so a reader can see the whole vocabulary in one place.
"""
from __future__ import annotations

import os
import sys
import sysconfig

# Decorator attributes that make the decorated function a view.
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})
# ``@app.endpoint("name")``: the view for an endpoint whose URL rule is added elsewhere.
ENDPOINT_DECORATORS = frozenset({"endpoint"})

# Decorator attributes (on an app or blueprint) whose function runs per request.
HOOK_DECORATORS = frozenset({
    "before_request", "before_app_request", "after_request", "after_app_request",
    "teardown_request", "teardown_app_request", "teardown_appcontext",
    "errorhandler", "app_errorhandler", "context_processor", "app_context_processor",
    "url_value_preprocessor", "app_url_value_preprocessor", "url_defaults", "app_url_defaults",
    "template_filter", "app_template_filter", "template_global", "app_template_global",
    "template_test", "app_template_test",
})

# Flask-SocketIO: ``@socketio.on("event")``, ``@socketio.event``.
SOCKETIO_DECORATORS = frozenset({"on", "event", "on_error", "on_error_default"})
SOCKETIO_CONSTRUCTORS = frozenset({"flask_socketio.SocketIO"})
# What the SocketIO object is called when it is passed around as a parameter.
SOCKETIO_NAMES = frozenset({"socketio", "socket_io", "sio"})

# Calls that register request-time code: method -> (positional index, keyword) of the target.
REGISTRATIONS: dict[str, tuple[int, str]] = {
    "add_url_rule": (2, "view_func"),
    "add_resource": (0, "resource"),
    "register_error_handler": (1, "f"),
    "add_template_filter": (0, "f"),
    "add_template_global": (0, "f"),
    "add_template_test": (0, "f"),
    "on_event": (1, "handler"),
    "on_namespace": (0, "namespace_handler"),
}
# ``app.before_request(f)`` and friends, called rather than used as decorators.
HOOK_REGISTRATIONS = HOOK_DECORATORS - {"errorhandler", "app_errorhandler"}

# Class-based views: base class -> the methods that serve requests.
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
VIEW_BASES: dict[str, frozenset[str]] = {
    "flask.views.View": frozenset({"dispatch_request"}),
    "flask.views.MethodView": HTTP_METHODS | {"dispatch_request"},
    "flask_restful.Resource": HTTP_METHODS | {"dispatch_request"},
    "flask_restx.Resource": HTTP_METHODS | {"dispatch_request"},
    "flask_restplus.Resource": HTTP_METHODS | {"dispatch_request"},
    "flask_classful.FlaskView": frozenset(),  # every public method is a view
}
SOCKETIO_NAMESPACE_BASES = frozenset({"flask_socketio.Namespace"})

# Context-locals: per request (or per app context), never shared.
TAINT_SOURCES = frozenset({
    "flask.request", "flask.session", "flask.g", "flask_login.current_user",
    "flask_socketio.request", "quart.request", "quart.session", "quart.g",
})
CONTEXT_LOCAL_NAMES = frozenset({"request", "session", "g", "current_user"})
# Per-request (or per-app-context) proxies, by their qualified names.
CONTEXT_LOCALS = TAINT_SOURCES | frozenset({
    "flask.current_app", "flask.request_ctx", "flask.app_ctx", "quart.current_app", "quart.websocket",
    "flask_socketio.request", "flask_login.current_user",
})

# The app object; its ``config`` is shared by every request.
APP_CONSTRUCTORS = frozenset({"flask.Flask", "quart.Quart", "connexion.App", "connexion.FlaskApp"})
APP_PROXIES = frozenset({"flask.current_app", "quart.current_app"})
APP_CONFIG_ATTRS = frozenset({"config", "secret_key", "debug", "testing", "permanent_session_lifetime"})

# Mutable containers, by constructor.
CONTAINER_CONSTRUCTORS = frozenset({
    "list", "dict", "set", "bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
    "collections.deque", "collections.ChainMap", "collections.UserDict", "collections.UserList",
    "array.array", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "weakref.WeakSet",
})

# multiprocessing.Manager() proxies: each operation is one message to the
# manager process, so single operations are safe; compound ones are not.
MANAGER_CONSTRUCTORS = frozenset({"multiprocessing.Manager", "multiprocessing.managers.SyncManager"})
# A project class deriving from one of these is a manager too (with its own registered types).
MANAGER_BASES = frozenset({"multiprocessing.managers.SyncManager", "multiprocessing.managers.BaseManager"})
MANAGER_PROXY_METHODS = frozenset({"dict", "list", "Namespace", "Value", "Array"})
MANAGER_LOCK_METHODS = frozenset({"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"})

LOCK_CONSTRUCTORS = frozenset(
    f"{mod}.{cls}"
    for mod in ("threading", "multiprocessing", "asyncio", "gevent.lock", "eventlet.semaphore")
    for cls in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
)
LOCK_CLASS_NAMES = frozenset({"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"})

# Third-party client objects whose configuration attributes are shared by
# every request that uses the client.
CLIENT_CONSTRUCTORS = frozenset({"requests.Session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient"})
CLIENT_CONFIG_ATTRS = frozenset({"headers", "cookies", "auth", "params", "proxies", "verify", "cert", "base_url"})

# Model libraries that copy class-level defaults into each instance
# (``tags: list[str] = []`` on a pydantic model is per instance).
PER_INSTANCE_DEFAULT_PACKAGES = frozenset({
    "pydantic", "pydantic_settings", "sqlmodel", "msgspec", "attr", "attrs", "marshmallow", "odmantic",
    "beanie", "mongoengine",
})

# Process-wide state of the standard library.
PROCESS_STATE = {"os.environ": "the process environment"}

# Method names that change the container they are called on.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft", "rotate",
    "difference_update", "intersection_update", "symmetric_difference_update", "move_to_end",
    "subtract", "fromlist", "frombytes",
})
# Methods that read one element: their result is that element (an alias).
ELEMENT_METHODS = frozenset({"get", "setdefault", "pop"})

# Copies: a value built from shared state that is no longer shared.
COPY_FUNCTIONS = frozenset({"dict", "list", "set", "tuple", "sorted", "frozenset", "copy.copy", "copy.deepcopy"})

# Objects from these packages have ``route``/``get``/``on`` decorators that are not Flask's.
# Quart is left out on purpose: it runs every request on one event loop, so the
# thread races these rules describe do not happen there.
FOREIGN_FRAMEWORKS = frozenset({
    "fastapi", "starlette", "sanic", "aiohttp", "bottle", "typer", "celery", "click", "pytest", "functools",
    "quart",
})

def _stdlib_modules() -> frozenset[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python 3.9: list the standard library folder
        folder = sysconfig.get_paths()["stdlib"]
        names = {n[:-3] if n.endswith(".py") else n for n in os.listdir(folder) if n != "site-packages"}
        names |= set(sys.builtin_module_names)
    return frozenset(names)


# Top-level names of the standard library.
STDLIB_MODULES = _stdlib_modules()

# Modules whose ``import`` marks a file as part of a Flask application.
FLASK_ECOSYSTEM_PREFIXES = ("flask", "quart", "werkzeug", "connexion", "apiflask")
