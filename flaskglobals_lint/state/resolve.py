"""Which request-time writes touch state shared between requests, what kind of state it is, and
which locks really protect them: the pass that turns the call graph into the state model."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..facts.model import Access, Binding, FunctionFacts, LockUse, ModuleFacts, Ref
from ..frameworks import stdlib
from ..frameworks.stdlib import LockIdentity, LockType
from ..frameworks import flask as fm
from ..frameworks.flask_entries import FlaskEntryPoints
from ..program.callgraph import Context, Project, Reach
from ..program.symbols import BindingSym, ClassSym, ExternalSym, FunctionKey, ModuleSym
from .model import Analysis, HeldLock, SharedState, Write, short_lock_name

LOCKISH_NAME = re.compile(r"(?:^|_)(?:r?lock|mutex|sem|semaphore|guard)$|lock$", re.IGNORECASE)


class StateModel:
    """Resolves the targets of writes and the locks around them."""

    def __init__(self, project: Project, entries: FlaskEntryPoints, settings: object) -> None:
        self.project = project
        self.entries = entries
        self.lock_names = set(getattr(settings, "lock_names", ()) or ())
        # Every shared lock judged so far, by identity: what a write's locks are.
        self.held_locks: dict[str, HeldLock] = {}
        self._reached_functions: set[FunctionKey] = set()

    # ---------------------------------------------------------- bindings
    def binding_kind(self, module: str, binding: Binding) -> str:
        if binding.kind in ("container", "scalar", "class", "function"):
            return binding.kind
        if binding.kind != "call" or not binding.ctor:
            return "other"
        ctor = binding.ctor
        if self.lock_made_by(module, ctor)[0] is not None:
            return "lock"
        if "()" in ctor:
            head = ctor[: ctor.index("()")]
            return "proxy" if self.project.qualified(module, head) in stdlib.MANAGER_CONSTRUCTORS else "other"
        q = self.project.qualified(module, ctor)
        if q in stdlib.CONTAINER_CONSTRUCTORS:
            return "container"
        if q in stdlib.MANAGER_CONSTRUCTORS:
            return "manager"
        if q in fm.APP_CONSTRUCTORS:
            return "app"
        if q in stdlib.CLIENT_CONSTRUCTORS:
            return "client"
        made = self.project.class_of_ctor(module, ctor)
        if made is not None:
            return "manager" if self.project.external_bases(made) & stdlib.MANAGER_BASES else "instance"
        if len(ctor) >= 2:
            owner, rest = self.project.resolve_dotted(module, ctor[:-1])
            if isinstance(owner, BindingSym) and not rest:
                if self.binding_kind(owner.module, self.project.binding(owner)) == "manager":
                    return "proxy"
        return "other"

    def local_binding_kind(self, module: str, fn: FunctionFacts, name: str) -> str:
        binding = fn.bindings.get(name)
        if binding is None:
            return "other"
        expanded = self.local_ctor(fn, binding)
        if expanded != binding.ctor:
            kind = self.binding_kind(module, replace(binding, ctor=expanded))
            if kind in ("lock", "proxy"):
                return kind
        return self.binding_kind(module, binding)

    @staticmethod
    def local_ctor(fn: FunctionFacts, binding: Binding) -> tuple[str, ...]:
        """``m.Lock`` with ``m = Manager()`` bound in ``fn`` too -> ``Manager.().Lock``."""
        ctor = binding.ctor
        if binding.kind == "call" and len(ctor) >= 2 and ctor[0] in fn.bindings:
            owner = fn.bindings[ctor[0]]
            if owner.kind == "call" and owner.ctor:
                return owner.ctor + ("()",) + ctor[1:]
        return ctor

    # -------------------------------------------------------------- locks
    # What a lock is comes from the catalogue (stdlib.LOCKS) and nothing else;
    # the names in ``lock-names`` and lock-like names are trusted as locks of unknown type.
    def makers(self, module: str, ctor: tuple[str, ...]) -> frozenset[str]:
        """What made an object built by calling ``ctor`` (as written in ``module``): the callable's
        qualified name and, for a project class, its bases outside the project."""
        if not ctor or "()" in ctor:
            return frozenset()
        out = set()
        q = self.project.qualified(module, ctor)
        if q:
            out.add(q)
        made = self.project.class_of_ctor(module, ctor)
        if made is not None:
            out |= self.project.external_bases(made)
        return frozenset(out)

    def object_made_by(self, module: str, names: tuple[str, ...]) -> Optional[tuple[frozenset[str], str]]:
        """What made the module-level or class-level object ``names`` denotes, and its identity."""
        sym, rest = self.project.resolve_dotted(module, names)
        if isinstance(sym, BindingSym) and not rest:
            binding = self.project.binding(sym)
            makers = self.makers(sym.module, binding.ctor) if binding.kind == "call" else frozenset()
            return makers, f"{sym.module}.{sym.name}"
        if isinstance(sym, ClassSym) and len(rest) == 1:
            found = self.project.class_attr(sym, rest[0])
            if found is not None:
                binding = found[1]
                makers = self.makers(found[0].module, binding.ctor) if binding.kind == "call" else frozenset()
                return makers, f"{found[0].module}.{found[0].qualname}.{rest[0]}"
        return None

    def lock_made_by(self, module: str, ctor: tuple[str, ...]) -> tuple[Optional[LockType], Optional[str]]:
        """The catalogue's type of what calling ``ctor`` (as written in ``module``) returns, if it is a
        lock; for a lock made by a method of a shared object, also that object's identity."""
        if not ctor or ctor[-1] not in stdlib.LOCKS.call_names:
            return None, None
        if "()" in ctor:  # ``Manager().Lock()``: a method of an object made by this very call
            cut = ctor.index("()")
            if len(ctor) != cut + 2:
                return None, None
            return stdlib.LOCKS.method(self.makers(module, ctor[:cut]), ctor[-1]), None
        found = stdlib.LOCKS.constructor(self.project.qualified(module, ctor))
        if found is not None or len(ctor) < 2:
            return found, None
        owner = self.object_made_by(module, ctor[:-1])
        if owner is None:
            return None, None
        return stdlib.LOCKS.method(owner[0], ctor[-1]), owner[1]

    def attr_ctor(self, module: str, class_qualname: str, attr: str) -> Optional[tuple[str, tuple[str, ...]]]:
        """Where and by which call the class attribute or ``self.attr`` of a project class is made."""
        cls = ClassSym(module, class_qualname)
        found = self.project.class_attr(cls, attr)
        if found is not None and found[1].kind == "call":
            return found[0].module, found[1].ctor
        ctor = self.project.instance_attr_ctor(cls, attr)
        return (module, ctor) if ctor else None

    def attr_lock_type(self, module: str, class_qualname: str, attr: str) -> Optional[LockType]:
        made = self.attr_ctor(module, class_qualname, attr)
        if made is None:
            return None
        where, ctor = made
        if len(ctor) == 3 and ctor[0] == "self":
            # ``self._lock = self.manager.Lock()``: a method of another attribute of the instance.
            owner = self.attr_ctor(module, class_qualname, ctor[1])
            return stdlib.LOCKS.method(self.makers(*owner) if owner else (), ctor[2])
        return self.lock_made_by(where, ctor)[0]

    def called_lock(self, module: str, use: LockUse) -> tuple[Optional[LockType], Optional[str], bool]:
        """For a lock made by the call at ``use``: its type, the identity of the object whose method made
        it, and whether that object is itself made per call."""
        root, path = use.lock.root, use.lock.path
        if not all(p.startswith(".") for p in path):
            return None, None, False
        attrs = tuple(p[1:] for p in path)
        if root.kind == "global":
            lock_type, owner = self.lock_made_by(module, (root.name,) + attrs)
            return lock_type, owner, False
        if not attrs:
            return None, None, False
        method = attrs[-1]
        if root.kind in ("self", "cls") and len(attrs) == 2:
            made = self.attr_ctor(module, root.owner, attrs[0])
            lock_type = stdlib.LOCKS.method(self.makers(*made) if made else (), method)
            return lock_type, f"{module}.{root.owner}.{root.name}.{attrs[0]}", False
        if root.kind == "closure" and len(attrs) == 1:
            owner_fn = self.project.modules[module].functions.get(root.owner)
            made_by = owner_fn.bindings.get(root.name) if owner_fn is not None else None
            if made_by is None or made_by.kind != "call":
                return None, None, False
            per_call = FunctionKey(module, root.owner) in self._reached_functions
            lock_type = stdlib.LOCKS.method(self.makers(module, made_by.ctor), method)
            return lock_type, f"{module}.{root.owner}.{root.name}", per_call
        if root.kind == "local" and len(attrs) == 1 and root.owner:
            return stdlib.LOCKS.method(self.makers(module, tuple(root.owner.split("."))), method), None, True
        return None, None, False

    def typed_lock(self, module: str, fn: FunctionFacts, use: LockUse, lock_type: LockType,
                   owner: Optional[str], per_call: bool) -> tuple[Optional[HeldLock], bool]:
        """A lock of a catalogue type that is made each time ``use`` runs (or the local it names is bound)."""
        if lock_type.identity is LockIdentity.NAME:
            # The same name is the same lock, whoever makes it and however often.
            if use.name:
                return self.shared(f"{lock_type.qualname}:{use.name}", lock_type, use.name), False
            return self.shared(f"{module}.{fn.qualname}:{use.lock.text()}", lock_type), False
        if lock_type.identity is LockIdentity.OWNER and owner is not None and not per_call:
            return self.shared(owner, lock_type), False
        return None, True  # one lock per call: it excludes nothing

    def shared(self, identity: str, lock_type: Optional[LockType], name: str = "") -> Optional[HeldLock]:
        """A lock shared between requests; None for one that holders share (a reader lock)."""
        if lock_type is not None and not lock_type.exclusive:
            return None
        held = HeldLock(identity, name or short_lock_name(identity), lock_type)
        known = self.held_locks.get(identity)
        if known is None or (known.type is None and lock_type is not None):
            self.held_locks[identity] = held
        return held

    def judge_lock(self, module: str, fn: FunctionFacts, use: LockUse) -> tuple[Optional[HeldLock], bool]:
        """The shared lock ``use`` holds (None if it protects nothing shared), and whether it is a lock
        made per call, which excludes nothing (FGL008)."""
        root, path = use.lock.root, use.lock.path
        if use.made:
            lock_type, owner, per_call = self.called_lock(module, use)
            if lock_type is None:
                return None, False
            return self.typed_lock(module, fn, use, lock_type, owner, per_call)
        if root.kind == "local":
            ctor = tuple(root.owner.split(".")) if root.owner and not path else ()
            lock_type, owner = self.lock_made_by(module, ctor)
            if lock_type is None:
                return None, False
            return self.typed_lock(module, fn, use, lock_type, owner, owner is None)
        attr_names = [p[1:] for p in path if p.startswith(".")]
        last = attr_names[-1] if attr_names else root.name
        lockish = bool(LOCKISH_NAME.search(last)) or last in self.lock_names
        if root.kind == "global":
            sym, rest = self.project.resolve_dotted(module, (root.name,) + tuple(attr_names))
            if isinstance(sym, BindingSym) and not rest:
                binding = self.project.binding(sym)
                lock_type = self.lock_made_by(sym.module, binding.ctor)[0] if binding.kind == "call" else None
                if lock_type is not None or lockish:
                    return self.shared(f"{sym.module}.{sym.name}", lock_type), False
                return None, False
            if isinstance(sym, ClassSym) and len(rest) == 1:
                found = self.project.class_attr(sym, rest[0])
                if found is None:
                    return None, False
                binding = found[1]
                lock_type = self.lock_made_by(found[0].module, binding.ctor)[0] if binding.kind == "call" else None
                if lock_type is not None or lockish:
                    return self.shared(f"{found[0].module}.{found[0].qualname}.{rest[0]}", lock_type), False
                return None, False
            if lockish and sym is not None:
                return self.shared(f"{module}:{use.lock.text()}", None), False
            return None, False
        if root.kind == "closure":
            owner_fn = self.project.modules[module].functions.get(root.owner)
            if owner_fn is None:
                return None, False
            bound = owner_fn.bindings.get(root.name)
            lock_type = None
            if bound is not None and bound.kind == "call":
                lock_type = self.lock_made_by(module, self.local_ctor(owner_fn, bound))[0]
            identity = f"{module}.{root.owner}.{root.name}"
            if lock_type is not None and lock_type.identity is LockIdentity.NAME and not path:
                return self.shared(identity, lock_type), False  # made per request: still one name
            if FunctionKey(module, root.owner) in self._reached_functions:
                return None, False  # a closure of request-time code: made per request
            if lock_type is not None or (lockish and not path):
                return self.shared(identity, lock_type), False
            return None, False
        if root.kind in ("self", "cls"):
            lock_type = self.attr_lock_type(module, root.owner, attr_names[0]) if attr_names else None
            if lockish or lock_type is not None:
                return self.shared(f"{module}.{root.owner}.{use.lock.text()}", lock_type), False
            return None, False
        if root.kind == "param" and (lockish or not path):
            # A lock handed in by the caller: trust it (we cannot tell).
            return self.shared(f"{module}.{fn.qualname}:{use.lock.text()}", None), False
        return None, False

    def lock_identity(self, module: str, fn: FunctionFacts, use: LockUse, context: Context) -> Optional[str]:
        """A name for the shared lock ``use`` holds, or None if it protects nothing shared."""
        held = self.judge_lock(module, fn, use)[0]
        return held.identity if held is not None else None

    def class_key(self, module: str, binding: Binding) -> str:
        if binding.kind != "call":
            return ""
        cls = self.project.class_of_ctor(module, binding.ctor)
        return f"{cls.module}:{cls.qualname}" if cls else ""

    def known_attr(self, class_key: str, attr: str) -> bool:
        """Whether instances of the class hold ``attr`` as data (set on self, or a class attribute)."""
        module, qualname = class_key.split(":", 1)
        cls = ClassSym(module, qualname)
        return self.project.instance_attr_ctor(cls, attr) is not None or self.project.class_attr(cls, attr) is not None

    # -------------------------------------------------------------- state
    def analyse(self, analysis: Analysis) -> None:
        project = self.project
        # A closure of request-time code is made per request, and so is a lock it holds.
        self._reached_functions = {key for key, _ in project.reached}
        project.propagate_locks(self.lock_identity)
        seen: set[tuple[str, int, int, str]] = set()
        for (key, _), reach in project.reached.items():
            module = project.modules[key.module]
            fn = module.functions.get(key.qualname)
            if fn is None:
                continue
            for use in fn.fresh_locks:
                if self.judge_lock(key.module, fn, use)[1]:
                    analysis.fresh_locks.append((module, fn, use, reach))
            for access in fn.accesses:
                write = self.classify(key.module, module, fn, access, reach)
                if write is None:
                    continue
                ident = (module.path, access.span.line, access.span.column, access.text)
                if ident in seen:
                    continue
                seen.add(ident)
                analysis.writes.append(write)

    def classify(self, module_key: str, module: ModuleFacts, fn: FunctionFacts, access: Access,
                 reach: Reach) -> Optional[Write]:
        resolved = self.resolve(module_key, fn, access, reach)
        if resolved is None:
            return None
        state, operation = resolved
        if operation == "proxy" and not (access.read_modify_write or access.check_outside_lock):
            return None
        if operation == "config" and access.detail == "setdefault" and access.constant_value:
            return None  # ``config.setdefault("X", 5)``: idempotent
        locks = set(reach.held or ())
        fresh = False
        for use in access.locks:
            held, made_per_call = self.judge_lock(module_key, fn, use)
            if held is not None:
                locks.add(held.identity)
            elif made_per_call:
                fresh = True
        return Write(access, module, fn, reach, state, operation, frozenset(locks), fresh,
                     reach.is_tainted(access.taint), reach.is_tainted(access.key_taint),
                     held=tuple(self.held_locks.get(lock) or HeldLock(lock, short_lock_name(lock))
                                for lock in sorted(locks)))

    def resolve(self, module: str, fn: FunctionFacts, access: Access, reach: Reach,
                depth: int = 0) -> Optional[tuple[SharedState, str]]:
        """The shared state a write changes and the kind of change, or None if not shared."""
        root, path = access.target.root, access.target.path
        context = reach.context
        kind = access.kind
        if root.kind == "global":
            return self.resolve_global(module, fn, access)
        if root.kind == "closure":
            owner = self.project.modules[module].functions.get(root.owner)
            if owner is None or FunctionKey(module, root.owner) in self._reached_functions:
                return None  # a closure of request-time code: per request
            binding = owner.bindings.get(root.name)
            state_kind = self.local_binding_kind(module, owner, root.name) if binding else "other"
            state = SharedState(
                key=f"{module}.{root.owner}.{root.name}", name=root.name, kind=state_kind, where="closure",
                path=self.project.modules[module].path, line=binding.span.line if binding else owner.span.line,
                of_class=self.class_key(module, binding) if binding else "")
            if kind == "rebind":
                return state, "rebind"
            return self.operation(state, path, kind, module)
        if root.kind == "param":
            for name, span in fn.mutable_defaults:
                if name == root.name:
                    state = SharedState(
                        key=f"{module}.{fn.qualname}:{name}", name=f"default of {name}", kind="container",
                        where="default", path=self.project.modules[module].path, line=span.line)
                    return self.operation(state, path, kind, module)
            return self.resolve_argument(access, reach, depth)
        if root.kind in ("self", "cls"):
            return self.resolve_self(module, fn, access, context)
        return None

    def resolve_argument(self, access: Access, reach: Reach, depth: int) -> Optional[tuple[SharedState, str]]:
        """A parameter bound to shared state by a request-time caller: ``add(EVENTS)``."""
        if depth > 8 or access.kind == "rebind":
            return None
        for caller, argument in reach.arguments.get(access.target.root.name, ())[:4]:
            caller_fn = self.project.function(caller.key)
            if caller_fn is None:
                continue
            target = Ref(argument.root, argument.path + access.target.path)
            result = self.resolve(caller.key.module, caller_fn, replace(access, target=target), caller, depth + 1)
            if result is not None:
                return result
        return None

    def resolve_global(self, module: str, fn: FunctionFacts, access: Access) -> Optional[tuple[SharedState, str]]:
        root, path = access.target.root, access.target.path
        project = self.project
        facts = project.modules[module]
        if access.kind == "rebind":
            binding = facts.bindings.get(root.name)
            kind = self.binding_kind(module, binding) if binding else "scalar"
            state = SharedState(f"{module}.{root.name}", root.name, kind, "module", facts.path,
                                binding.span.line if binding else 0)
            return state, "rebind"
        sym = project.resolve_name(module, root.name)
        if isinstance(sym, ExternalSym):
            return self.resolve_external(module, sym.qualname, path, access)
        names = [root.name]
        steps = list(path)
        while steps and steps[0].startswith("."):
            names.append(steps.pop(0)[1:])
        sym, rest_names = project.resolve_dotted(module, tuple(names))
        rest = tuple("." + n for n in rest_names) + tuple(steps)
        if isinstance(sym, BindingSym):
            binding = project.binding(sym)
            kind = self.binding_kind(sym.module, binding)
            mod = project.modules[sym.module]
            if kind in ("lock", "manager", "function"):
                return None
            state = SharedState(f"{sym.module}.{sym.name}", sym.name, kind, "module", mod.path,
                                binding.span.line, of_class=self.class_key(sym.module, binding))
            if not rest and access.kind == "attr":
                # ``settings.MODE = ...`` on a project module: a global rebind from outside.
                return state, "rebind"
            return self.operation(state, rest, access.kind, sym.module)
        if isinstance(sym, ModuleSym) and access.kind == "attr" and not rest:
            name = names[-1]
            target = project.modules.get(sym.name)
            mod_path = target.path if target else sym.name
            state = SharedState(f"{sym.name}.{name}", name, "scalar", "module", mod_path, 0)
            return state, "rebind"
        if isinstance(sym, ClassSym):
            cls = project.klass(sym)
            if cls is None or not rest or not rest[0].startswith("."):
                return None
            return self.class_level(sym, rest, access.kind, module)
        if isinstance(sym, ExternalSym):
            return self.resolve_external(module, sym.qualname, rest, access)
        return None

    def resolve_external(self, module: str, qualname: str, path: tuple[str, ...],
                         access: Access) -> Optional[tuple[SharedState, str]]:
        """Process-wide state of the standard library, and the app behind ``current_app``."""
        full = qualname
        rest = list(path)
        while True:
            if full in stdlib.PROCESS_STATE:
                if access.kind in ("item", "del", "method"):
                    return SharedState(full, full, "process", "process", "", 0), "container"
                return None
            if full in fm.APP_PROXIES:
                app = SharedState(f"{module}:current_app", "current_app", "app", "module", "", 0)
                return self.app_config(app, tuple(rest), access, access.kind)
            if not rest or not rest[0].startswith("."):
                return None
            full = f"{full}{rest.pop(0)}"

    def class_level(self, sym: ClassSym, rest: tuple[str, ...], kind: str,
                    module: str) -> Optional[tuple[SharedState, str]]:
        project = self.project
        cls = project.klass(sym)
        assert cls is not None
        attr = rest[0][1:]
        found = project.class_attr(sym, attr)
        owner = found[0] if found else sym
        owner_facts = project.klass(owner) or cls
        binding = found[1] if found else None
        attr_kind = self.binding_kind(owner.module, binding) if binding else "other"
        if attr_kind in ("lock", "function", "class"):
            return None
        if any(base.split(".")[0] in stdlib.PER_INSTANCE_DEFAULT_PACKAGES for base in project.external_bases(sym)):
            return None  # a model field: each instance gets its own copy of the default
        view = self.entries.view_kind(sym) is not None or self.entries.is_socketio_namespace(sym)
        state = SharedState(
            f"{owner.module}.{owner.qualname}.{attr}", f"{owner_facts.name}.{attr}", attr_kind, "class",
            project.modules[owner.module].path, binding.span.line if binding else owner_facts.span.line,
            view_class=view)
        tail = rest[1:]
        if not tail and kind == "attr":
            return state, "view" if view else "object"
        operation = self.operation(state, tail, kind, owner.module)
        if operation is not None and view:
            return operation[0], "view"
        return operation

    def resolve_self(self, module: str, fn: FunctionFacts, access: Access,
                     context: Context) -> Optional[tuple[SharedState, str]]:
        project = self.project
        root, path = access.target.root, access.target.path
        if not fn.class_name or not path or not path[0].startswith("."):
            return None
        cls = ClassSym(module, fn.class_name)
        attr = path[0][1:]
        instance_ctor = project.instance_attr_ctor(cls, attr)
        class_attr = project.class_attr(cls, attr)
        if root.kind == "cls" or (class_attr is not None and instance_ctor is None
                                  and not (access.kind == "attr" and len(path) == 1)):
            if class_attr is not None or root.kind == "cls":
                result = self.class_level(cls, path, access.kind, module)
                if result is not None:
                    return result
        if root.kind != "self" or context.shared_self is None:
            return None
        origin = context.shared_self
        name = f"{origin.description}.{attr}" if origin.kind == "instance" else f"self.{attr}"
        state = SharedState(
            f"{origin.module}:{origin.description}.{attr}", name,
            "instance", "instance", project.modules[origin.module].path, origin.line,
            view_class=origin.kind == "view")
        direct = access.kind == "attr" and len(path) == 1
        if not direct and instance_ctor is None and class_attr is None:
            return None  # ``self.payload[...]``: a property or method result, not known state
        return state, "view" if origin.kind == "view" else "object"

    def operation(self, state: SharedState, rest: tuple[str, ...], kind: str,
                  module: str) -> Optional[tuple[SharedState, str]]:
        """What a write at ``rest`` below ``state`` does to it."""
        if state.kind in ("container", "process"):
            if kind == "attr" and not rest:
                return None
            return state, "container"
        if state.kind == "proxy":
            return state, "proxy"
        if state.kind == "instance":
            if not rest and kind == "method":
                return None  # ``obj.clear()`` is a method of the object: followed by the call graph
            if not rest or not rest[0].startswith("."):
                return state, "object"
            direct = kind == "attr" and len(rest) == 1
            if not direct and state.of_class and not self.known_attr(state.of_class, rest[0][1:]):
                return None  # ``obj.payload[...]``: a property or method result, not known state
            return state, "object"
        if state.kind == "client":
            attrs = [p[1:] for p in rest if p.startswith(".")]
            if attrs and attrs[0] in stdlib.CLIENT_CONFIG_ATTRS:
                return state, "client"
            return None
        if state.kind == "app":
            return self.app_config(state, rest, None, kind)
        if state.kind == "scalar" and kind == "attr":
            return None
        return None

    def app_config(self, state: SharedState, rest: tuple[str, ...], access: Optional[Access],
                   kind: str = "") -> Optional[tuple[SharedState, str]]:
        attrs = [p[1:] for p in rest if p.startswith(".")]
        if not attrs or attrs[0] not in fm.APP_CONFIG_ATTRS:
            return None
        name = f"{state.name}.{attrs[0]}"
        return SharedState(f"{state.key}.{attrs[0]}", name, "app", "module", state.path, state.line), "config"


def analyse(project: Project, entries: FlaskEntryPoints, settings: object, processes: int = 1,
            processes_reason: str = "") -> Analysis:
    """The state model of a walked project (``project.walk`` has run)."""
    analysis = Analysis(project, processes=processes, processes_reason=processes_reason,
                        strict=bool(getattr(settings, "strict", False)))
    StateModel(project, entries, settings).analyse(analysis)
    analysis.finish()
    return analysis
