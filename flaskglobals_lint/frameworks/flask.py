"""Flask and its ecosystem (Blueprints, flask-restful/restx, Flask-SocketIO, Flask-Login): what the
engine knows about them, as names.  Which functions Flask calls per request, which objects are
per-request context-locals, what the app object and its configuration are."""
from __future__ import annotations

import re
from typing import Sequence

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
# Flask-SocketIO's ``emit(event, data, broadcast=True)`` / ``send(data, broadcast=True)``: the data
# goes to every connected client.
BROADCAST_CALLS = frozenset({"emit", "send"})

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
# The requester's own connection id (a Socket.IO session id): a slot keyed by it
# belongs to one client, and Socket.IO's sticky sessions keep that client on one worker.
CONNECTION_IDS = frozenset({"flask.request.sid", "flask_socketio.request.sid"})
# Per-request (or per-app-context) proxies, by their qualified names.
CONTEXT_LOCALS = TAINT_SOURCES | frozenset({
    "flask.current_app", "flask.request_ctx", "flask.app_ctx", "quart.current_app", "quart.websocket",
    "flask_socketio.request", "flask_login.current_user",
})

# The app object; its ``config`` is shared by every request.
APP_CONSTRUCTORS = frozenset({"flask.Flask", "quart.Quart", "connexion.App", "connexion.FlaskApp"})
APP_PROXIES = frozenset({"flask.current_app", "quart.current_app"})
APP_CONFIG_ATTRS = frozenset({"config", "secret_key", "debug", "testing", "permanent_session_lifetime"})


def loadable_config_key(key: str) -> bool:
    """Whether Flask's loaders (``from_object``, ``from_pyfile``, ``from_mapping``, ``from_envvar``,
    ``from_prefixed_env``) can put this key in ``app.config``: they take only uppercase keys, so
    ``app.config["_cache"]`` holds only what the code itself stores there."""
    return key.isupper()


# Objects from these packages have ``route``/``get``/``on`` decorators that are not Flask's.
# Quart is left out on purpose: it runs every request on one event loop, so the
# thread races these rules describe do not happen there.
FOREIGN_FRAMEWORKS = frozenset({
    "fastapi", "starlette", "sanic", "aiohttp", "bottle", "typer", "celery", "click", "pytest", "functools",
    "quart",
})


def prepass_pattern(extra_names: Sequence[str] = ()) -> re.Pattern[bytes]:
    """Bytes that show a file may hold request-time code: Flask imports, route and hook decorators, registrations."""
    hooks = sorted(ROUTE_DECORATORS | HOOK_DECORATORS | SOCKETIO_DECORATORS | ENDPOINT_DECORATORS)
    calls = sorted(set(REGISTRATIONS) | HOOK_REGISTRATIONS)
    alternatives = [
        rb"flask|socketio|werkzeug",  # matched case-insensitively below
        rb"@[\w.]*\.(?:" + "|".join(hooks).encode() + rb")\b",
        rb"\.(?:" + "|".join(calls).encode() + rb")\s*\(",
    ]
    alternatives.extend(re.escape(name.rsplit(".", 1)[-1].encode()) for name in extra_names)
    return re.compile(b"(?i:" + alternatives[0] + b")|" + b"|".join(alternatives[1:]))
