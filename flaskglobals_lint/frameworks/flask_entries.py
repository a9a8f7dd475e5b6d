"""Flask's doors into request time: which functions Flask calls per request, found in the program.

Views (``@app.route``, ``add_url_rule``, class-based views, flask-restful/restx
resources), hooks, Flask-SocketIO handlers and namespaces, and the entry
decorators the user configures.  The names come from ``frameworks.flask``.
Flask-SocketIO stays in this pass: its handlers are found in the same walk as
the routes, so the entries keep the order the call-graph walk depends on.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..facts.model import Decorator, FunctionFacts, ModuleFacts, Registration
from ..program.symbols import (
    BindingSym, ClassSym, EntryKind, EntryPoint, ExternalSym, FunctionKey, FunctionSym, Symbol, Symbols,
)
from . import flask as fm
from .adapter import product_modules


def route_label(methods: Sequence[str], url: Optional[str]) -> str:
    """``route GET|POST /drafts`` (no URL when it is not known)."""
    return f"route {'|'.join(methods)} {url or ''}".rstrip()


class FlaskAdapter:
    """Flask's adapter (a ``FrameworkAdapter``): finds the entry points of one program."""

    def __init__(self, symbols: Symbols, entry_point_decorators: Sequence[str] = ()) -> None:
        self.symbols = symbols
        self.entry_point_decorators = tuple(entry_point_decorators)

    def view_kind(self, sym: ClassSym) -> Optional[frozenset[str]]:
        """The request methods of a class-based view, or None if it is not one."""
        for base in self.symbols.external_bases(sym):
            if base in fm.VIEW_BASES:
                return fm.VIEW_BASES[base]
        return None

    def is_socketio_namespace(self, sym: ClassSym) -> bool:
        return bool(self.symbols.external_bases(sym) & fm.SOCKETIO_NAMESPACE_BASES)

    def is_view_class(self, sym: ClassSym) -> bool:
        """A class Flask (or Flask-SocketIO) instantiates to serve requests, by its bases."""
        return self.view_kind(sym) is not None or self.is_socketio_namespace(sym)

    def init_every_request(self, sym: ClassSym) -> bool:
        for cls in self.symbols.mro(sym):
            facts = self.symbols.klass(cls)
            if facts is not None and facts.init_every_request is not None:
                return facts.init_every_request
        return True

    # --------------------------------------------------------- entry points
    def find_entries(self) -> list[EntryPoint]:
        entries: dict[FunctionKey, EntryPoint] = {}
        view_classes: dict[ClassSym, str] = {}
        custom = set(self.entry_point_decorators)
        for module, facts in product_modules(self.symbols):
            self.entries_from_functions(module, facts, custom, entries)
            self.find_view_classes(module, facts, view_classes)
            for reg in facts.registrations:
                self.entries_from_registration(module, reg, entries, view_classes)
        # After functions and registrations: an entry found there keeps its label.
        for sym, label in view_classes.items():
            self.entries_from_view_class(sym, label, entries)
        return list(entries.values())

    def entries_from_functions(self, module: str, facts: ModuleFacts, custom: set[str],
                               entries: dict[FunctionKey, EntryPoint]) -> None:
        for fn in facts.functions.values():
            key = FunctionKey(module, fn.qualname)
            entry = self.entry_from_decorators(module, key, fn, custom)
            if entry is not None:
                entries.setdefault(key, entry)

    def entry_from_decorators(self, module: str, key: FunctionKey, fn: FunctionFacts,
                              custom: set[str]) -> Optional[EntryPoint]:
        """The entry point the function's first entry-point decorator makes of it, if any."""
        for dec in fn.decorators:
            entry = self.entry_from_decorator(module, key, fn, dec, custom)
            if entry is not None:
                return entry
        return None

    def find_view_classes(self, module: str, facts: ModuleFacts, view_classes: dict[ClassSym, str]) -> None:
        """Add the module's class-based views (routed by decorator, or by their bases) with their labels."""
        for cls in facts.classes.values():
            sym = ClassSym(module, cls.qualname)
            for dec in cls.decorators:
                if dec.name[-1] in fm.ROUTE_DECORATORS and len(dec.name) > 1:
                    view_classes.setdefault(sym, f"route {dec.first_arg}" if dec.first_arg else "route")
            if sym not in view_classes and self.is_view_class(sym) and cls.methods:
                view_classes[sym] = ""

    def entry_from_decorator(self, module: str, key: FunctionKey, fn: FunctionFacts,
                             dec: Decorator, custom: set[str]) -> Optional[EntryPoint]:
        dotted_name = ".".join(dec.name)
        if custom and self.is_custom_decorator(module, dec.name, custom):
            return EntryPoint(key, "custom", f"@{dotted_name} handler", tainted_params=True)
        if len(dec.name) < 2:
            return None
        receiver = dec.name[:-1]
        if receiver[-1] == "cli" or self.is_foreign_receiver(module, receiver):
            return None
        return self.entry_from_flask_decorator(module, key, fn, dec)

    def is_custom_decorator(self, module: str, name: tuple[str, ...], custom: set[str]) -> bool:
        """``@endpoint`` for ``entry-point-decorators = ["myapp.api.endpoint"]``: as written, by its
        last name, or by what it resolves to (a library's qualified name, or a project function's
        module and name; a module known by a longer name, ``src.myapp.api``, matches too)."""
        if ".".join(name) in custom or name[-1] in custom or self.symbols.qualified(module, name) in custom:
            return True
        sym, rest = self.symbols.resolve_dotted(module, name)
        if not isinstance(sym, FunctionSym) or rest:
            return False
        full = f"{sym.module}.{sym.qualname}"
        return any(full == wanted or full.endswith("." + wanted) for wanted in custom)

    def entry_from_flask_decorator(self, module: str, key: FunctionKey, fn: FunctionFacts,
                                   dec: Decorator) -> Optional[EntryPoint]:
        """``@<app, blueprint or socketio>.<name>``: a route, an endpoint, a hook or a SocketIO event."""
        last = dec.name[-1]
        if last in fm.ROUTE_DECORATORS and (dec.called or last == "route"):
            if fn.class_name:
                return None  # a method decorated inside a class: flask-classful style, not a Flask route
            methods = dec.methods or ((last.upper(),) if last != "route" else ("GET",))
            return EntryPoint(key, "route", route_label(methods, dec.first_arg), tainted_params=True)
        if last in fm.ENDPOINT_DECORATORS and dec.called:
            return EntryPoint(key, "route", f"endpoint {dec.first_arg or fn.name}", tainted_params=True)
        if last in fm.HOOK_DECORATORS:
            return EntryPoint(key, "hook", f"{last} hook")
        if last in fm.SOCKETIO_DECORATORS and self.is_socketio(module, dec.name[:-1]):
            event = dec.first_arg or fn.name
            return EntryPoint(key, "socketio", f"SocketIO event '{event}'", tainted_params=True)
        return None

    def is_foreign_receiver(self, module: str, receiver: tuple[str, ...]) -> bool:
        """True when the decorator's object is plainly not a Flask app or blueprint."""
        sym, rest = self.symbols.resolve_dotted(module, receiver)
        if isinstance(sym, BindingSym) and not rest:
            b = self.symbols.binding(sym)
            if b.kind == "call":
                q = self.symbols.qualified(sym.module, b.ctor)
                if q and q.split(".")[0] in fm.FOREIGN_FRAMEWORKS:
                    return True
        if isinstance(sym, ExternalSym) and sym.qualname.split(".")[0] in fm.FOREIGN_FRAMEWORKS:
            return True
        return False

    def is_socketio(self, module: str, receiver: tuple[str, ...]) -> bool:
        if receiver[-1].lower() in fm.SOCKETIO_NAMES:
            # Often a parameter: ``def register_events(socketio): @socketio.on(...)``.
            return True
        sym, rest = self.symbols.resolve_dotted(module, receiver)
        if isinstance(sym, BindingSym) and not rest:
            b = self.symbols.binding(sym)
            if b.kind == "call":
                return self.symbols.qualified(sym.module, b.ctor) in fm.SOCKETIO_CONSTRUCTORS
        return False

    def resolve_target(self, module: str, scope: str, target: tuple[str, ...]) -> Optional[Symbol]:
        """A function or class named in a registration, seen from ``scope``."""
        if scope and len(target) == 1:
            local = self.resolve_local(module, scope, target[0])
            if local is not None:
                return local
        sym, rest = self.symbols.resolve_dotted(module, target)
        if rest and isinstance(sym, ClassSym) and len(rest) == 1:
            method = self.symbols.find_method(sym, rest[0])
            return FunctionSym(method.module, method.qualname) if method else None
        return sym if not rest else None

    def resolve_local(self, module: str, scope: str, name: str) -> Optional[Symbol]:
        """A handler defined in the function ``scope`` (a factory) or an enclosing one, or a class local to it."""
        facts = self.symbols.modules[module]
        current = scope
        while current:
            fn = facts.functions.get(current)
            if fn is None:
                break
            nested = next((n for n in fn.nested if n.rsplit(".", 1)[-1] == name), None)
            if nested is not None:
                return ClassSym(module, nested) if nested in facts.classes else FunctionSym(module, nested)
            current = fn.parent
        local_class = f"{scope}.{name}"
        return ClassSym(module, local_class) if local_class in facts.classes else None

    def entries_from_registration(self, module: str, reg: Registration, entries: dict[FunctionKey, EntryPoint],
                                  view_classes: dict[ClassSym, str]) -> None:
        if reg.receiver and reg.receiver[-1] == "cli":
            return
        sym = self.resolve_target(module, reg.scope, reg.target)
        if isinstance(sym, ClassSym):
            if reg.method in ("add_url_rule", "add_resource", "on_namespace"):
                label = f"route {reg.url}" if reg.url else ""
                view_classes.setdefault(sym, label)
            return
        if not isinstance(sym, FunctionSym):
            return
        if reg.made:
            # A view factory runs once, at registration: the views it returns serve the requests.
            factory = self.symbols.function(FunctionKey(sym.module, sym.qualname))
            for made in factory.returned_defs if factory is not None else ():
                self.entry_from_registered(reg, FunctionKey(sym.module, made), entries, f"{sym.qualname}()")
            return
        self.entry_from_registered(reg, FunctionKey(sym.module, sym.qualname), entries)

    def entry_from_registered(self, reg: Registration, key: FunctionKey, entries: dict[FunctionKey, EntryPoint],
                              factory: str = "") -> None:
        """The entry a registration makes of a function (``factory``: the call that made it)."""
        made_by = f" (made by {factory})" if factory else ""
        if reg.method == "add_url_rule":
            label = route_label(reg.methods or ("GET",), reg.url)
            entries.setdefault(key, EntryPoint(key, "route", label + made_by, tainted_params=True))
        elif reg.method == "on_event":
            entries.setdefault(key, EntryPoint(key, "socketio", "SocketIO event handler" + made_by,
                                               tainted_params=True))
        else:
            entries.setdefault(key, EntryPoint(key, "hook", f"{reg.method} hook{made_by}"))

    def entries_from_view_class(self, sym: ClassSym, label: str, entries: dict[FunctionKey, EntryPoint]) -> None:
        facts = self.symbols.klass(sym)
        if facts is None:
            return
        namespace = self.is_socketio_namespace(sym)
        shared = self.shared_instance(sym, facts.name, namespace)
        kind: EntryKind = "socketio" if namespace else "view"
        where = label or ("SocketIO namespace" if namespace else "view")
        for name in self.entry_methods(sym, namespace):
            key = self.symbols.find_method(sym, name)
            if key is None:
                continue
            entries.setdefault(key, EntryPoint(
                key, kind, f"{where} {facts.name}.{name}", tainted_params=True, shared_instance=shared))

    def shared_instance(self, sym: ClassSym, name: str, namespace: bool) -> str:
        """What ``self`` is when one instance serves every request, or ''."""
        if namespace:
            return f"the one {name} instance Flask-SocketIO keeps"
        if not self.init_every_request(sym):
            return f"the one {name} instance (init_every_request = False)"
        return ""

    def entry_methods(self, sym: ClassSym, namespace: bool) -> list[str]:
        """The names of the methods (own or inherited) that serve requests, sorted."""
        methods = self.view_kind(sym)
        names: set[str] = set()
        for cls in self.symbols.mro(sym):
            cls_facts = self.symbols.klass(cls)
            if cls_facts is not None:
                names |= set(cls_facts.methods)
        return [name for name in sorted(names) if is_entry_method(name, namespace, methods)]


def is_entry_method(name: str, namespace: bool, methods: Optional[frozenset[str]]) -> bool:
    """Whether a method of a view class serves requests; ``methods`` is what its base says (``view_kind``)."""
    if namespace:
        return name.startswith("on_")  # Flask-SocketIO dispatches the event 'x' to on_x
    if methods:
        return name in methods
    # No known base (a class registered by hand), or flask-classful (empty: every public method too).
    return name in fm.HTTP_METHODS or name == "dispatch_request" or (
        methods is not None and not name.startswith("_"))
