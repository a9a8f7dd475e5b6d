"""Which lock a ``LockUse`` holds and whether it protects anything shared between requests.

Kept apart from what-is-shared resolution (``resolve``): what a lock is comes
from the catalogue (``stdlib.LOCKS``) and nothing else, and only this module reads it.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..facts.model import Binding, FunctionFacts, LockUse, Root
from ..frameworks import stdlib
from ..frameworks.stdlib import LockIdentity, LockType
from ..program.callgraph import Context, Project
from ..program.symbols import BindingSym, ClassSym, FunctionKey, Symbol
from .model import HeldLock, short_lock_name
from .objects import method_self

LOCKISH_NAME = re.compile(r"(?:^|_)(?:r?lock|mutex|sem|semaphore|guard)$|lock$", re.IGNORECASE)

# What ``judge_lock`` decides: the shared lock held (or None), and whether it is made per call.
Judgement = tuple[Optional[HeldLock], bool]


def local_ctor(fn: FunctionFacts, binding: Binding) -> tuple[str, ...]:
    """``m.Lock`` with ``m = Manager()`` bound in ``fn`` too -> ``Manager.().Lock``."""
    ctor = binding.ctor
    if binding.kind == "call" and len(ctor) >= 2 and ctor[0] in fn.bindings:
        owner = fn.bindings[ctor[0]]
        if owner.kind == "call" and owner.ctor:
            return owner.ctor + ("()",) + ctor[1:]
    return ctor


class LockJudge:
    """Judges the locks around writes; the names in ``lock-names`` and lock-like names are trusted
    as locks of unknown type."""

    def __init__(self, project: Project, lock_names: Iterable[str] = ()) -> None:
        self.project = project
        self.lock_names = set(lock_names)
        # Every shared lock judged so far, by identity: what a write's locks are.
        self.held_locks: dict[str, HeldLock] = {}
        # The functions request-time code reaches: a lock their closures make is made per request.
        self.reached_functions: set[FunctionKey] = set()

    # ----------------------------------------------------------- lock types
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

    def static_binding(self, sym: Optional[Symbol], rest: tuple[str, ...]) -> Optional[tuple[str, Binding, str]]:
        """The module-level binding, or class attribute, that a resolved name denotes: the module it is
        bound in, the binding, and its identity as a lock."""
        if isinstance(sym, BindingSym) and not rest:
            return sym.module, self.project.binding(sym), f"{sym.module}.{sym.name}"
        if isinstance(sym, ClassSym) and len(rest) == 1:
            found = self.project.class_attr(sym, rest[0])
            if found is not None:
                return found[0].module, found[1], f"{found[0].module}.{found[0].qualname}.{rest[0]}"
        return None

    def object_made_by(self, module: str, names: tuple[str, ...]) -> Optional[tuple[frozenset[str], str]]:
        """What made the module-level or class-level object ``names`` denotes, and its identity."""
        found = self.static_binding(*self.project.resolve_dotted(module, names))
        if found is None:
            return None
        where, binding, identity = found
        return (self.makers(where, binding.ctor) if binding.kind == "call" else frozenset()), identity

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
            per_call = FunctionKey(module, root.owner) in self.reached_functions
            lock_type = stdlib.LOCKS.method(self.makers(module, made_by.ctor), method)
            return lock_type, f"{module}.{root.owner}.{root.name}", per_call
        if root.kind == "local" and len(attrs) == 1 and root.owner:
            return stdlib.LOCKS.method(self.makers(module, tuple(root.owner.split("."))), method), None, True
        return None, None, False

    # ----------------------------------------------------------- judgement
    def typed_lock(self, module: str, fn: FunctionFacts, use: LockUse, lock_type: LockType,
                   owner: Optional[str], per_call: bool) -> Judgement:
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

    def judge_lock(self, module: str, fn: FunctionFacts, use: LockUse) -> Judgement:
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
            return self.global_lock(module, use, tuple(attr_names), lockish), False
        if root.kind == "new":
            return self.handed_out_lock(module, use, tuple(attr_names), lockish), False
        if root.kind == "closure":
            owner_fn = self.project.modules[module].functions.get(root.owner)
            if owner_fn is None or not method_self(owner_fn, root.name):
                return self.closure_lock(module, use, lockish), False
            root = Root("self", root.name, owner_fn.class_name)  # a route declared in a method: its ``self``
        if root.kind in ("self", "cls"):
            lock_type = self.attr_lock_type(module, root.owner, attr_names[0]) if attr_names else None
            if lockish or lock_type is not None:
                return self.shared(f"{module}.{root.owner}.{use.lock.text()}", lock_type), False
            return None, False
        if root.kind == "param" and (lockish or not path):
            # A lock handed in by the caller: trust it (we cannot tell).
            return self.shared(f"{module}.{fn.qualname}:{use.lock.text()}", None), False
        return None, False

    def global_lock(self, module: str, use: LockUse, attr_names: tuple[str, ...],
                    lockish: bool) -> Optional[HeldLock]:
        """A module-level lock, or a class attribute reached through its class."""
        sym, rest = self.project.resolve_dotted(module, (use.lock.root.name,) + attr_names)
        found = self.static_binding(sym, rest)
        if found is not None:
            where, binding, identity = found
            lock_type = self.lock_made_by(where, binding.ctor)[0] if binding.kind == "call" else None
            return self.shared(identity, lock_type) if lock_type is not None or lockish else None
        if isinstance(sym, ClassSym) and len(rest) == 1:
            return None  # an attribute the class does not bind
        if lockish and sym is not None:
            return self.shared(f"{module}:{use.lock.text()}", None)
        return None

    def handed_out_lock(self, module: str, use: LockUse, attr_names: tuple[str, ...],
                        lockish: bool) -> Optional[HeldLock]:
        """``ins = cls.get_instance(); with ins.lock:``: the lock of the one object an accessor hands
        out, the same lock its own methods take as ``self.lock``."""
        for obj in self.project.instances.singletons(module, use.lock.root.name) if attr_names else ():
            lock_type = self.attr_lock_type(obj.cls.module, obj.cls.qualname, attr_names[0])
            if lockish or lock_type is not None:
                return self.shared(f"{obj.cls.module}.{obj.cls.qualname}.self.{'.'.join(attr_names)}", lock_type)
        return None

    def closure_lock(self, module: str, use: LockUse, lockish: bool) -> Optional[HeldLock]:
        """A lock bound in an enclosing function: shared unless that function runs per request."""
        root, path = use.lock.root, use.lock.path
        owner_fn = self.project.modules[module].functions.get(root.owner)
        if owner_fn is None:
            return None
        bound = owner_fn.bindings.get(root.name)
        lock_type = None
        if bound is not None and bound.kind == "call":
            lock_type = self.lock_made_by(module, local_ctor(owner_fn, bound))[0]
        identity = f"{module}.{root.owner}.{root.name}"
        if lock_type is not None and lock_type.identity is LockIdentity.NAME and not path:
            return self.shared(identity, lock_type)  # made per request: still one name
        if FunctionKey(module, root.owner) in self.reached_functions:
            return None  # a closure of request-time code: made per request
        if lock_type is not None or (lockish and not path):
            return self.shared(identity, lock_type)
        return None

    def lock_identity(self, module: str, fn: FunctionFacts, use: LockUse, context: Context) -> Optional[str]:
        """A name for the shared lock ``use`` holds, or None if it protects nothing shared
        (what ``Project.propagate_locks`` asks)."""
        held = self.judge_lock(module, fn, use)[0]
        return held.identity if held is not None else None
