"""The project-wide pass: link modules, resolve names across imports, find the
entry points Flask calls per request, and walk the call graph from them.

Input is a list of ``ModuleFacts`` (one per file, made independently); output
is a ``Project`` that knows, for every function, whether and how it runs at
request time: from which entry point, through which calls, with which locks
already held by its callers, and whether ``self`` is an object shared by all
requests.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Union

from . import flask_model as fm
from .facts.model import (
    Binding, Call, ClassFacts, Decorator, FunctionFacts, LockUse, ModuleFacts, Ref, Root,
)


# ------------------------------------------------------------------ symbols
@dataclass(frozen=True)
class ModuleSym:
    name: str


@dataclass(frozen=True)
class BindingSym:
    module: str
    name: str


@dataclass(frozen=True)
class FunctionSym:
    module: str
    qualname: str


@dataclass(frozen=True)
class ClassSym:
    module: str
    qualname: str


@dataclass(frozen=True)
class ExternalSym:
    """A name from outside the project (or a builtin): ``collections.Counter``."""

    qualname: str


Symbol = Union[ModuleSym, BindingSym, FunctionSym, ClassSym, ExternalSym]


@dataclass(frozen=True)
class FunctionKey:
    module: str
    qualname: str


@dataclass(frozen=True)
class EntryPoint:
    """A function Flask calls for a request (a view, a hook, a handler)."""

    function: FunctionKey
    kind: str  # route | hook | view | socketio | custom
    label: str  # "route POST /drafts", "before_request hook"
    # Parameters filled from the URL or the client's payload.
    tainted_params: bool = False
    # ``self`` is one instance shared by all requests (init_every_request = False, SocketIO Namespace).
    shared_instance: str = ""


@dataclass(frozen=True)
class Context:
    """How a function is being run: with ``self`` bound to shared state or not."""

    shared_self: Optional["InstanceOrigin"] = None


@dataclass(frozen=True)
class InstanceOrigin:
    """A shared object that ``self`` is bound to, and where it was made."""

    description: str  # "sequence" / "view instance of CommentAPI"
    module: str
    line: int
    kind: str = "instance"  # instance | view


@dataclass
class Reach:
    """How one (function, context) is reached at request time."""

    key: FunctionKey
    context: Context
    entry: EntryPoint
    chain: tuple[str, ...]
    # Locks every caller holds around the call (must-hold), as lock identities.
    held: Optional[frozenset[str]] = None
    tainted_params: set[str] = field(default_factory=set)
    # Parameters bound by callers to something that is not a plain local:
    # parameter -> [(the caller's Reach, the argument as the caller names it)].
    arguments: dict[str, list[tuple["Reach", Ref]]] = field(default_factory=dict)
    # The file that holds the entry point.
    origin: str = ""

    def is_tainted(self, taint: frozenset[str]) -> bool:
        """Whether a value with these sources carries request data in this reach."""
        return "request" in taint or any(t.startswith("param:") and t[6:] in self.tainted_params for t in taint)


def is_test_module(path: str) -> bool:
    """pytest files build apps to drive them with the test client, one request at a time."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


class Project:
    def __init__(self, modules: list[ModuleFacts], settings: "object" = None,
                 outside: frozenset[str] = frozenset()) -> None:
        from .settings import Settings

        self.settings = settings if settings is not None else Settings()
        # Top-level names whose files are a copy of the standard library.
        self.outside = outside
        self.modules: dict[str, ModuleFacts] = {}
        self.duplicates: dict[str, list[ModuleFacts]] = {}
        for facts in modules:
            if facts.module in self.modules:
                self.duplicates.setdefault(facts.module, [self.modules[facts.module]]).append(facts)
                continue
            self.modules[facts.module] = facts
        # Scripts with the same module name in different folders: each file
        # still gets analysed, under a name made unique by its path.
        for name, copies in self.duplicates.items():
            for facts in copies[1:]:
                unique = f"{name}@{facts.path}"
                self.modules[unique] = facts
        self._by_path = {m.path: key for key, m in self.modules.items()}
        self.reached: dict[tuple[FunctionKey, Context], Reach] = {}
        self.entries: list[EntryPoint] = []

    # -------------------------------------------------------------- lookup
    def module_key(self, facts: ModuleFacts) -> str:
        return self._by_path.get(facts.path, facts.module)

    def function(self, key: FunctionKey) -> Optional[FunctionFacts]:
        module = self.modules.get(key.module)
        return module.functions.get(key.qualname) if module else None

    def klass(self, sym: ClassSym) -> Optional[ClassFacts]:
        module = self.modules.get(sym.module)
        return module.classes.get(sym.qualname) if module else None

    def resolve_module(self, name: str) -> Optional[str]:
        """The project module called ``name`` (a copy of the standard library is not the project)."""
        if name.split(".", 1)[0] in self.outside:
            return None
        return name if name in self.modules else None

    # ---------------------------------------------------------- resolution
    def resolve_name(self, module: str, name: str, _depth: int = 0) -> Optional[Symbol]:
        facts = self.modules.get(module)
        if facts is None or _depth > 20:
            return None
        binding = facts.bindings.get(name)
        imp = facts.imports.get(name)
        if binding is not None and (imp is None or binding.kind not in ("other",)):
            if binding.kind == "function":
                return FunctionSym(module, name)
            if binding.kind == "class":
                return ClassSym(module, name)
            return BindingSym(module, name)
        if imp is not None:
            if imp.name:
                return self.resolve_member(imp.module, imp.name, _depth + 1)
            project = self.resolve_module(imp.module)
            return ModuleSym(project) if project else ExternalSym(imp.module)
        if name in facts.classes:
            return ClassSym(module, name)
        if name in facts.functions:
            return FunctionSym(module, name)
        return ExternalSym(name)  # a builtin, or a name from a star import

    def resolve_member(self, module: str, name: str, _depth: int = 0) -> Optional[Symbol]:
        if f"{module}.{name}" in fm.CONTEXT_LOCALS:
            # ``flask.request`` stays the context-local even when Flask's own
            # source is part of the linted tree (a site-packages sweep, Flask's repo).
            return ExternalSym(f"{module}.{name}")
        project = self.resolve_module(module)
        if project is not None:
            facts = self.modules[project]
            if name in facts.bindings or name in facts.imports:
                return self.resolve_name(project, name, _depth)
            if self.resolve_module(f"{project}.{name}"):
                return ModuleSym(f"{project}.{name}")
            return None
        submodule = self.resolve_module(f"{module}.{name}")
        if submodule is not None:
            return ModuleSym(submodule)
        return ExternalSym(f"{module}.{name}" if module else name)

    def resolve_dotted(self, module: str, names: tuple[str, ...]) -> tuple[Optional[Symbol], tuple[str, ...]]:
        """Resolve ``a.b.c`` as far as symbols go; returns the symbol and the rest."""
        if not names:
            return None, ()
        sym = self.resolve_name(module, names[0])
        rest = names[1:]
        while rest and sym is not None:
            if isinstance(sym, ModuleSym):
                sym = self.resolve_member(sym.name, rest[0])
            elif isinstance(sym, ExternalSym):
                sym = ExternalSym(f"{sym.qualname}.{rest[0]}")
            else:
                break
            rest = rest[1:]
        return sym, rest

    def qualified(self, module: str, names: tuple[str, ...]) -> str:
        """The qualified name of something outside the project, or ''."""
        sym, rest = self.resolve_dotted(module, names)
        if isinstance(sym, ExternalSym) and not rest:
            return sym.qualname
        return ""

    def class_of_ctor(self, module: str, ctor: tuple[str, ...]) -> Optional[ClassSym]:
        sym, rest = self.resolve_dotted(module, ctor)
        return sym if isinstance(sym, ClassSym) and not rest else None

    def binding(self, sym: BindingSym) -> Binding:
        return self.modules[sym.module].bindings[sym.name]

    # ------------------------------------------------------------- classes
    def bases(self, sym: ClassSym) -> Iterator[Union[ClassSym, str]]:
        """The class's bases: project classes as symbols, others by qualified name."""
        facts = self.klass(sym)
        if facts is None:
            return
        for base in facts.bases:
            resolved, rest = self.resolve_dotted(sym.module, base)
            if isinstance(resolved, ClassSym) and not rest:
                yield resolved
            elif isinstance(resolved, ExternalSym) and not rest:
                yield resolved.qualname

    def mro(self, sym: ClassSym) -> list[ClassSym]:
        out: list[ClassSym] = []
        todo = [sym]
        while todo:
            current = todo.pop(0)
            if current in out or len(out) > 50:
                continue
            out.append(current)
            todo.extend(b for b in self.bases(current) if isinstance(b, ClassSym))
        return out

    def external_bases(self, sym: ClassSym) -> set[str]:
        return {b for c in self.mro(sym) for b in self.bases(c) if isinstance(b, str)}

    def find_method(self, sym: ClassSym, name: str) -> Optional[FunctionKey]:
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is not None and name in facts.methods:
                return FunctionKey(cls.module, facts.methods[name])
        return None

    def class_attr(self, sym: ClassSym, name: str) -> Optional[tuple[ClassSym, Binding]]:
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is not None and name in facts.attrs:
                return cls, facts.attrs[name]
        return None

    def instance_attr_ctor(self, sym: ClassSym, name: str) -> Optional[tuple[str, ...]]:
        """The constructor of ``self.name = ...`` in any method, if some method assigns it."""
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is None:
                continue
            for qualname in facts.methods.values():
                fn = self.modules[cls.module].functions.get(qualname)
                if fn is not None and name in fn.self_attrs:
                    return fn.self_attrs[name]
        return None

    def view_kind(self, sym: ClassSym) -> Optional[frozenset[str]]:
        """The request methods of a class-based view, or None if it is not one."""
        for base in self.external_bases(sym):
            if base in fm.VIEW_BASES:
                return fm.VIEW_BASES[base]
        return None

    def is_socketio_namespace(self, sym: ClassSym) -> bool:
        return bool(self.external_bases(sym) & fm.SOCKETIO_NAMESPACE_BASES)

    def init_every_request(self, sym: ClassSym) -> bool:
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is not None and facts.init_every_request is not None:
                return facts.init_every_request
        return True

    # --------------------------------------------------------- entry points
    def find_entries(self) -> list[EntryPoint]:
        entries: dict[FunctionKey, EntryPoint] = {}
        view_classes: dict[ClassSym, str] = {}
        custom = set(getattr(self.settings, "entry_point_decorators", ()) or ())
        for module, facts in self.modules.items():
            if is_test_module(facts.path):
                continue
            for fn in facts.functions.values():
                key = FunctionKey(module, fn.qualname)
                for dec in fn.decorators:
                    entry = self.entry_from_decorator(module, key, fn, dec, custom)
                    if entry is not None:
                        entries.setdefault(key, entry)
                        break
            for cls in facts.classes.values():
                sym = ClassSym(module, cls.qualname)
                for dec in cls.decorators:
                    if dec.name[-1] in fm.ROUTE_DECORATORS and len(dec.name) > 1:
                        view_classes.setdefault(sym, f"route {dec.first_arg}" if dec.first_arg else "route")
                if sym not in view_classes and (self.view_kind(sym) is not None or self.is_socketio_namespace(sym)):
                    if cls.methods:
                        view_classes[sym] = ""
            for reg in facts.registrations:
                self.entries_from_registration(module, reg, entries, view_classes)
        for sym, label in view_classes.items():
            self.entries_from_view_class(sym, label, entries)
        self.entries = list(entries.values())
        return self.entries

    def entry_from_decorator(self, module: str, key: FunctionKey, fn: FunctionFacts,
                             dec: Decorator, custom: set[str]) -> Optional[EntryPoint]:
        last = dec.name[-1]
        dotted_name = ".".join(dec.name)
        if custom and (dotted_name in custom or last in custom
                       or self.qualified(module, dec.name) in custom):
            return EntryPoint(key, "custom", f"@{dotted_name} handler", tainted_params=True)
        if len(dec.name) < 2:
            return None
        receiver = dec.name[:-1]
        if receiver[-1] == "cli" or self.is_foreign_receiver(module, receiver):
            return None
        if last in fm.ROUTE_DECORATORS and (dec.called or last == "route"):
            if fn.class_name:
                return None  # a method decorated inside a class: flask-classful style, not a Flask route
            methods = dec.methods or ((last.upper(),) if last != "route" else ("GET",))
            label = f"route {'|'.join(methods)} {dec.first_arg or ''}".rstrip()
            return EntryPoint(key, "route", label, tainted_params=True)
        if last in fm.ENDPOINT_DECORATORS and dec.called:
            return EntryPoint(key, "route", f"endpoint {dec.first_arg or fn.name}", tainted_params=True)
        if last in fm.HOOK_DECORATORS:
            return EntryPoint(key, "hook", f"{last} hook")
        if last in fm.SOCKETIO_DECORATORS and self.is_socketio(module, receiver):
            event = dec.first_arg or fn.name
            return EntryPoint(key, "socketio", f"SocketIO event '{event}'", tainted_params=True)
        return None

    def is_foreign_receiver(self, module: str, receiver: tuple[str, ...]) -> bool:
        """True when the decorator's object is plainly not a Flask app or blueprint."""
        sym, rest = self.resolve_dotted(module, receiver)
        if isinstance(sym, BindingSym) and not rest:
            b = self.binding(sym)
            if b.kind == "call":
                q = self.qualified(sym.module, b.ctor)
                if q and q.split(".")[0] in fm.FOREIGN_FRAMEWORKS:
                    return True
        if isinstance(sym, ExternalSym) and sym.qualname.split(".")[0] in fm.FOREIGN_FRAMEWORKS:
            return True
        return False

    def is_socketio(self, module: str, receiver: tuple[str, ...]) -> bool:
        if receiver[-1].lower() in fm.SOCKETIO_NAMES:
            # Often a parameter: ``def register_events(socketio): @socketio.on(...)``.
            return True
        sym, rest = self.resolve_dotted(module, receiver)
        if isinstance(sym, BindingSym) and not rest:
            b = self.binding(sym)
            if b.kind == "call":
                return self.qualified(sym.module, b.ctor) in fm.SOCKETIO_CONSTRUCTORS
        return False

    def resolve_target(self, module: str, scope: str, target: tuple[str, ...]) -> Optional[Symbol]:
        """A function or class named in a registration, seen from ``scope``."""
        facts = self.modules[module]
        if scope and len(target) == 1:
            # A handler defined in the same factory function (or an enclosing one).
            current = scope
            while current:
                fn = facts.functions.get(current)
                if fn is None:
                    break
                for nested in fn.nested:
                    if nested.rsplit(".", 1)[-1] == target[0]:
                        if nested in facts.classes:
                            return ClassSym(module, nested)
                        return FunctionSym(module, nested)
                current = fn.parent
            local_class = f"{scope}.{target[0]}"
            if local_class in facts.classes:
                return ClassSym(module, local_class)
        sym, rest = self.resolve_dotted(module, target)
        if rest and isinstance(sym, ClassSym) and len(rest) == 1:
            method = self.find_method(sym, rest[0])
            return FunctionSym(method.module, method.qualname) if method else None
        return sym if not rest else None

    def entries_from_registration(self, module: str, reg: "object", entries: dict[FunctionKey, EntryPoint],
                                  view_classes: dict[ClassSym, str]) -> None:
        from .facts.model import Registration

        assert isinstance(reg, Registration)
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
        key = FunctionKey(sym.module, sym.qualname)
        if reg.method == "add_url_rule":
            methods = reg.methods or ("GET",)
            label = f"route {'|'.join(methods)} {reg.url or ''}".rstrip()
            entries.setdefault(key, EntryPoint(key, "route", label, tainted_params=True))
        elif reg.method == "on_event":
            entries.setdefault(key, EntryPoint(key, "socketio", "SocketIO event handler", tainted_params=True))
        else:
            entries.setdefault(key, EntryPoint(key, "hook", f"{reg.method} hook"))

    def entries_from_view_class(self, sym: ClassSym, label: str, entries: dict[FunctionKey, EntryPoint]) -> None:
        facts = self.klass(sym)
        if facts is None:
            return
        methods = self.view_kind(sym)
        namespace = self.is_socketio_namespace(sym)
        shared = ""
        if namespace:
            shared = f"the one {facts.name} instance Flask-SocketIO keeps"
        elif not self.init_every_request(sym):
            shared = f"the one {facts.name} instance (init_every_request = False)"
        names: set[str] = set()
        for cls in self.mro(sym):
            cls_facts = self.klass(cls)
            if cls_facts is not None:
                names |= set(cls_facts.methods)
        for name in sorted(names):
            if namespace:
                wanted = name.startswith("on_")
            elif methods is None or not methods:
                wanted = name in fm.HTTP_METHODS or name == "dispatch_request" or (
                    methods is not None and not name.startswith("_"))
            else:
                wanted = name in methods
            if not wanted:
                continue
            key = self.find_method(sym, name)
            if key is None:
                continue
            where = label or ("SocketIO namespace" if namespace else "view")
            text = f"{where} {facts.name}.{name}" if not label else f"{label} {facts.name}.{name}"
            entries.setdefault(key, EntryPoint(
                key, "socketio" if namespace else "view", text, tainted_params=True, shared_instance=shared))

    # -------------------------------------------------------- reachability
    def walk(self) -> None:
        """Breadth-first from the entries; records a ``Reach`` per (function, context).

        Pure reachability (with request data and argument bindings): which
        locks callers hold is a second pass, ``propagate_locks``, because
        whether a lock is shared depends on what runs per request.
        """
        queue: deque[tuple[FunctionKey, Context]] = deque()
        self.edges: dict[tuple[FunctionKey, Context], list[tuple[Call, tuple[FunctionKey, Context]]]] = {}
        self.roots: list[tuple[FunctionKey, Context]] = []
        seen_edges: set[tuple[int, tuple[FunctionKey, Context]]] = set()
        for entry in self.find_entries():
            fn = self.function(entry.function)
            if fn is None:
                continue
            context = Context()
            if entry.shared_instance:
                context = Context(InstanceOrigin(entry.shared_instance, entry.function.module,
                                                 fn.span.line, kind="view"))
            key = (entry.function, context)
            if key in self.reached:
                continue
            reach = Reach(entry.function, context, entry, (f"{fn.name}()",), held=frozenset(),
                          origin=self.modules[entry.function.module].path)
            if entry.tainted_params:
                reach.tainted_params = set(fn.params[1:] if fn.class_name and fn.kind == "method" else fn.params)
            self.reached[key] = reach
            self.roots.append(key)
            queue.append(key)
        steps = 0
        while queue and steps < 200_000:
            steps += 1
            key = queue.popleft()
            reach = self.reached[key]
            fn = self.function(reach.key)
            if fn is None:
                continue
            for call, target, context in self.callees(reach.key, fn, reach.context):
                callee = self.function(target)
                if callee is None:
                    continue
                tainted = self.tainted_args(call, callee, reach)
                next_key = (target, context)
                if (id(call), next_key) not in seen_edges:
                    seen_edges.add((id(call), next_key))
                    self.edges.setdefault(key, []).append((call, next_key))
                existing = self.reached.get(next_key)
                if existing is None:
                    chain = reach.chain + (f"{callee.name}()",)
                    existing = self.reached[next_key] = Reach(target, context, reach.entry, chain,
                                                              None, tainted, origin=reach.origin)
                    self.bind_arguments(call, callee, reach, existing)
                    queue.append(next_key)
                    continue
                self.bind_arguments(call, callee, reach, existing)
                if not tainted <= existing.tainted_params:
                    existing.tainted_params |= tainted
                    queue.append(next_key)

    def propagate_locks(self, lock_identity: Callable[[str, FunctionFacts, LockUse, Context], Optional[str]]) -> None:
        """Set every ``Reach.held``: the shared locks that every caller holds around the call (must-hold).

        ``lock_identity(module, fn, lock_use, context)`` names the shared lock
        a ``LockUse`` holds, or None: supplied by the state model, which knows
        what a lock is and, from the finished walk, what runs per request.
        """
        held: dict[tuple[FunctionKey, Context], Optional[frozenset[str]]] = {key: None for key in self.reached}
        queue: deque[tuple[FunctionKey, Context]] = deque()
        for key in self.roots:
            held[key] = frozenset()
            queue.append(key)
        identities: dict[tuple[int, int], Optional[str]] = {}
        steps = 0
        while queue and steps < 400_000:
            steps += 1
            key = queue.popleft()
            base = held[key] or frozenset()
            reach = self.reached[key]
            fn = self.function(reach.key)
            if fn is None:
                continue
            for call, next_key in self.edges.get(key, ()):
                taken = set(base)
                for use in call.locks:
                    marker = (id(use), id(reach))
                    if marker not in identities:
                        identities[marker] = lock_identity(reach.key.module, fn, use, reach.context)
                    if identities[marker]:
                        taken.add(identities[marker])  # type: ignore[arg-type]
                old = held[next_key]
                new = frozenset(taken) if old is None else old & frozenset(taken)
                if new != old:
                    held[next_key] = new
                    queue.append(next_key)
        for key, reach in self.reached.items():
            reach.held = held[key] or frozenset()

    @staticmethod
    def parameters(callee: FunctionFacts) -> list[str]:
        """The parameters a call's arguments fill (without ``self``/``cls``)."""
        params = list(callee.params)
        return params[1:] if callee.kind in ("method", "classmethod") else params

    def bind_arguments(self, call: Call, callee: FunctionFacts, caller: Reach, reach: Reach) -> None:
        params = self.parameters(callee)
        pairs = list(zip(params, call.args)) + [(name, ref) for name, ref, _ in call.kwargs if name in params]
        for name, ref in pairs:
            if ref is None or ref.root.kind in ("new", "local"):
                continue
            bound = reach.arguments.setdefault(name, [])
            if len(bound) < 4 and all(r is not ref or c is not caller for c, r in bound):
                bound.append((caller, ref))

    def tainted_args(self, call: Call, callee: FunctionFacts, reach: Reach) -> set[str]:
        params = self.parameters(callee)
        out: set[str] = set()
        for index, taint in enumerate(call.arg_taint):
            if index < len(params) and reach.is_tainted(taint):
                out.add(params[index])
        for name, _, taint in call.kwargs:
            if name in params and reach.is_tainted(taint):
                out.add(name)
        return out

    def callees(self, key: FunctionKey, fn: FunctionFacts,
                context: Context) -> Iterator[tuple[Call, FunctionKey, Context]]:
        module = key.module
        for call in fn.calls:
            if call.local_function:
                yield call, FunctionKey(module, call.local_function), Context()
                continue
            root, path = call.callee.root, call.callee.path
            if root.kind == "global":
                yield from self.callees_of_global(call, module, (root.name,) + tuple(
                    p[1:] for p in path if p.startswith(".")) if all(p.startswith(".") for p in path) else ())
            elif root.kind == "new" and len(path) == 1 and path[0].startswith("."):
                made = self.class_of_ctor(module, tuple(root.name.split(".")))
                target = self.find_method(made, path[0][1:]) if made is not None else None
                if target is not None:
                    yield call, target, Context()
            elif root.kind in ("self", "cls") and len(path) == 1 and path[0].startswith("."):
                cls = ClassSym(module, root.owner)
                target = self.find_method(cls, path[0][1:])
                if target is not None:
                    yield call, target, context if root.kind == "self" else Context()
            elif root.kind == "closure" and len(path) == 1:
                owner = self.modules[module].functions.get(root.owner)
                binding = owner.bindings.get(root.name) if owner else None
                if owner is not None and binding is not None and binding.kind == "call":
                    made = self.class_of_ctor(module, binding.ctor)
                    if made is not None:
                        target = self.find_method(made, path[0][1:])
                        if target is not None:
                            origin = InstanceOrigin(f"{root.name} (made in {owner.name}())", module, binding.span.line)
                            yield call, target, Context(origin)
        # Project decorators on a request-time function: the wrapper they
        # return runs per request too.
        for dec in fn.decorators:
            sym, rest = self.resolve_dotted(module, dec.name)
            if isinstance(sym, FunctionSym) and not rest:
                deco = self.function(FunctionKey(sym.module, sym.qualname))
                if deco is None:
                    continue
                wrappers = list(deco.nested)
                if dec.called:
                    wrappers = [w for n in deco.nested
                                for w in (self.modules[sym.module].functions[n].nested
                                          if n in self.modules[sym.module].functions else ())]
                for wrapper in wrappers:
                    yield Call(Ref(Root("global", dec.name[0])), fn.span), FunctionKey(sym.module, wrapper), Context()

    def callees_of_global(self, call: Call, module: str,
                          names: tuple[str, ...]) -> Iterator[tuple[Call, FunctionKey, Context]]:
        if not names:
            return
        sym, rest = self.resolve_dotted(module, names)
        if isinstance(sym, FunctionSym) and not rest:
            yield call, FunctionKey(sym.module, sym.qualname), Context()
        elif isinstance(sym, ClassSym):
            if not rest:
                init = self.find_method(sym, "__init__")
                if init is not None:
                    yield call, init, Context()
            elif len(rest) == 1:
                target = self.find_method(sym, rest[0])
                if target is not None:
                    yield call, target, Context()
        elif isinstance(sym, BindingSym) and len(rest) == 1:
            binding = self.binding(sym)
            if binding.kind == "call":
                cls = self.class_of_ctor(sym.module, binding.ctor)
                if cls is not None:
                    target = self.find_method(cls, rest[0])
                    if target is not None:
                        origin = InstanceOrigin(sym.name, sym.module, binding.span.line)
                        yield call, target, Context(origin)
