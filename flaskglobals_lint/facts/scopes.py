"""The walk's scope model and its deferred resolution, in the manner of pyflakes.

While the statements are walked, each function scope collects what it binds
and, as written, what it writes and calls (``RawAccess``, ``RawCall``).  Only
once the whole module has been seen is it known which names a function binds
locally, so ``Resolver`` classifies every root name afterwards and turns the
raw records into the ``Access`` and ``Call`` facts.
"""
from __future__ import annotations

import builtins
from dataclasses import dataclass, field, replace
from typing import Optional, TypeVar, Union

from ..frameworks import stdlib
from .model import (
    Access, AccessKind, Call, ClassFacts, FunctionFacts, LockUse, ModuleFacts, Ref, Root, Span, Test,
)

# A reference before scope resolution: root name as written, path of steps.
RawRef = tuple[str, tuple[str, ...]]
InternedT = TypeVar("InternedT", Root, Ref, Span)
_BUILTINS = frozenset(dir(builtins))
NO_TAINT: frozenset[str] = frozenset()


@dataclass
class ExprInfo:
    """What an expression reads: names, references, whether it awaits."""

    names: set[str] = field(default_factory=set)
    refs: list[RawRef] = field(default_factory=list)
    awaits: bool = False
    # Reads of one literal key: (container, key as written, the step read: ``[]`` or ``.get``).
    keyed: list[tuple[RawRef, str, str]] = field(default_factory=list)
    # Where the value comes from (``request``, ``param:NAME``), at the point read.
    taint: frozenset[str] = NO_TAINT


@dataclass
class TestRead:
    """State a condition inspects (``if k in CACHE``): what a later write is checked against."""

    ref: RawRef
    key: Optional[str]
    locks: tuple[LockUse, ...]
    index: int
    span: Span
    taken: bool = False


@dataclass
class RawAccess:
    """A write as written, before its root is classified (becomes an ``Access``)."""

    kind: AccessKind
    ref: RawRef
    detail: str
    span: Span
    text: str
    locks: tuple[LockUse, ...]
    index: int
    augmented: bool = False
    value: ExprInfo = field(default_factory=ExprInfo)
    key: Optional[str] = None
    constant_value: bool = False
    computed_value: bool = False
    key_taint: frozenset[str] = NO_TAINT
    value_text: str = ""
    empty_container: bool = False
    made_by: tuple[int, ...] = ()
    on_failure: bool = False
    value_is_key: bool = False
    filters_itself: bool = False
    stored: str = ""
    made_with: tuple[str, ...] = ()
    settles: bool = False
    entry: str = ""
    defaults: bool = False
    guards: tuple[tuple[str, str, str], ...] = ()
    error_record: bool = False


@dataclass
class RawCall:
    """A call as written, before its callee is classified (becomes a ``Call``)."""

    callee: RawRef
    span: Span
    locks: tuple[LockUse, ...]
    args: list[tuple[Optional[RawRef], ExprInfo]]
    kwargs: list[tuple[str, Optional[RawRef], ExprInfo]]
    index: int = 0
    # See ``Call.fills``.
    fills: tuple[str, ...] = ("*",)
    in_test: bool = False
    guards: tuple[tuple[str, str, str], ...] = ()
    arg_consts: tuple[str, ...] = ()
    kwarg_consts: tuple[tuple[str, str], ...] = ()


@dataclass
class FunctionScope:
    """One function's names, aliases and locks held, and its raw records, while it is walked."""

    facts: FunctionFacts
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    local_names: set[str] = field(default_factory=set)
    aliases: dict[str, RawRef] = field(default_factory=dict)
    # alias name -> where the keys that selected it come from
    alias_key_taint: dict[str, frozenset[str]] = field(default_factory=dict)
    # alias name -> the key it was taken by (``hit = CACHE.get(k)``: ``k``)
    alias_keys: dict[str, str] = field(default_factory=dict)
    # Alias -> the entry its path goes through (``values.entry_key``).
    alias_entries: dict[str, str] = field(default_factory=dict)
    tainted: dict[str, frozenset[str]] = field(default_factory=dict)
    # locals bound to a deterministic value (``venv = os.path.dirname(sys.executable)``), by its text
    deterministic: dict[str, str] = field(default_factory=dict)
    # locals bound to a computed value (``v = render(k)``, ``v = {n: slug(n) for n in k}``), or to a
    # container the function filled only with such values (``news = {}; news[k] = parse(k)``), each
    # with the statements whose calls made it (see ``Access.made_by``)
    computed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # locals bound to a filter of some state (``kept = [e for e in X if ok(e)]``): local -> ``X``'s code
    filters: dict[str, str] = field(default_factory=dict)
    # locals bound to a value a random call made (``key = token_hex()``)
    random_locals: set[str] = field(default_factory=set)
    # locals bound to the requester's own connection id (``sid = request.sid``)
    connection_ids: set[str] = field(default_factory=set)
    # local name -> (references it was computed from, statement index)
    derived: dict[str, tuple[list[RawRef], int]] = field(default_factory=dict)
    # What return statements read (``FunctionFacts.returns_reads``), before resolution.
    return_reads: list[RawRef] = field(default_factory=list)
    # What return statements give back as is (``FunctionFacts.returns_objects``), before resolution.
    returned_refs: list[RawRef] = field(default_factory=list)
    # Where each ``derived`` value was computed: its line and the lock acquisitions held there.
    derived_where: dict[str, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    local_ctors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Locals bound to a filter of a container's own elements (``task = [t for t in tasks if ...]``):
    # a subscript of the local (``task[0]``) is an element of the container.
    element_aliases: dict[str, RawRef] = field(default_factory=dict)
    # local name -> the argument naming the lock it was bound to (``lock = FileLock(path)``)
    lock_names: dict[str, str] = field(default_factory=dict)
    local_defs: dict[str, str] = field(default_factory=dict)
    locks: list[LockUse] = field(default_factory=list)
    acquisitions: int = 0
    # ``except`` blocks the walk is in
    handlers: int = 0
    index: int = 0
    awaits: list[tuple[int, int]] = field(default_factory=list)
    test_reads: list[TestRead] = field(default_factory=list)
    reads: list[tuple[RawRef, str]] = field(default_factory=list)
    accesses: list[RawAccess] = field(default_factory=list)
    calls: list[RawCall] = field(default_factory=list)
    # Calls with no callee to name (``f()()``): see ``FunctionFacts.other_calls``.
    other_calls: list[tuple[int, int, str]] = field(default_factory=list)
    self_name: str = ""
    cls_name: str = ""
    # Locals bound to the instance's class (``cls = type(self)``, ``self.__class__``): ``cls``.
    class_aliases: set[str] = field(default_factory=set)
    # The tests of parameters the walk is under, innermost last; the parameters assigned in the
    # body (a test of one says nothing of what the caller passed).
    guards: list[tuple[str, str, str]] = field(default_factory=list)
    rebound_params: set[str] = field(default_factory=set)
    # The names the enclosing ``except ... as name`` blocks bind, innermost last.
    caught: list[str] = field(default_factory=list)


# The last names of the calls that may start work concurrently (``frameworks.stdlib``).
_STARTS = frozenset(stdlib.THREAD_START_NAMES) | frozenset(stdlib.THREAD_START_METHODS)


def hands_out(ctor: tuple[str, ...]) -> bool:
    """Whether the call ``ctor`` may hand out an existing object (``cls.get_instance()``,
    ``get_storage()``): any call but a class's (``User()``, by its CapWords name), which makes one."""
    return bool(ctor) and not ctor[-1][:1].isupper()


@dataclass
class ClassScope:
    facts: ClassFacts


Scope = Union[None, FunctionScope, ClassScope]


def related(a: RawRef, b: RawRef) -> bool:
    """Two references name the same state or one contains the other."""
    if a[0] != b[0]:
        return False
    n = min(len(a[1]), len(b[1]))
    return a[1][:n] == b[1][:n]


class Resolver:
    """Turns the finished scopes of one module into its functions' facts."""

    def __init__(self, facts: ModuleFacts, function_scopes: dict[str, FunctionScope], star_import: bool) -> None:
        self.facts = facts
        self.function_scopes = function_scopes
        self.star_import = star_import
        self.interned: dict[object, object] = {}

    def run(self) -> None:
        for scope in self.function_scopes.values():
            self.resolve_function(scope)
        self.prune()

    def prune(self) -> None:
        """Drop what no later stage can use: a large project's facts must fit in memory.

        Local bindings matter only to the closures of a function; a function
        that writes nothing, calls nothing and wraps nothing cannot lead to a
        finding.
        """
        for qualname, facts in list(self.facts.functions.items()):
            if not facts.nested:
                facts.bindings = {}
            if not (facts.accesses or facts.calls or facts.fresh_locks or facts.nested or facts.decorators
                    or facts.mutable_defaults or facts.self_attrs or facts.other_calls or facts.returns_reads):
                del self.facts.functions[qualname]

    def is_builtin(self, name: str) -> bool:
        """A name no statement of this module binds, so it can only be a builtin."""
        facts = self.facts
        return (not self.star_import and name in _BUILTINS and name not in facts.bindings
                and name not in facts.imports)

    def intern(self, value: InternedT) -> InternedT:
        """One object per distinct Root/Ref: facts repeat the same few names thousands of times."""
        return self.interned.setdefault(value, value)  # type: ignore[return-value]

    def root_of(self, scope: FunctionScope, name: str) -> Optional[Root]:
        facts = scope.facts
        if name in scope.global_names:
            return Root("global", name)
        if name in scope.nonlocal_names:
            owner = self.closure_owner(scope, name)
            return Root("closure", name, owner) if owner else None
        if name in scope.local_names:
            if name == scope.self_name:
                return Root("self", name, facts.class_name)
            if name == scope.cls_name or (name in scope.class_aliases and facts.class_name):
                return Root("cls", name, facts.class_name)
            if name in facts.params:
                return Root("param", name, facts.qualname)
            return None
        owner = self.closure_owner(scope, name)
        if owner:
            return Root("closure", name, owner)
        return Root("global", name)

    def closure_owner(self, scope: FunctionScope, name: str) -> str:
        parent = scope.facts.parent
        while parent:
            outer = self.function_scopes.get(parent)
            if outer is None:
                return ""
            if name in outer.global_names:
                return ""
            if name in outer.local_names and name not in outer.nonlocal_names:
                return parent
            parent = outer.facts.parent
        return ""

    def made_by(self, scope: FunctionScope, ctor: tuple[str, ...]) -> Root:
        """The object the call ``ctor`` made or handed out, as a root: ``cls.get_instance`` in a
        method is the class's own ``WorkerThread.get_instance``."""
        if len(ctor) > 1 and scope.facts.class_name and (
                ctor[0] in (scope.self_name, scope.cls_name) or ctor[0] in scope.class_aliases):
            ctor = (scope.facts.class_name,) + ctor[1:]
        return self.intern(Root("new", ".".join(ctor)))

    def resolve_ref(self, scope: FunctionScope, raw: RawRef) -> Optional[Ref]:
        root = self.root_of(scope, raw[0])
        if root is None:
            return None
        return self.intern(Ref(self.intern(root), raw[1]))

    def resolve_lock(self, scope: FunctionScope, use: LockUse) -> LockUse:
        if use.lock.root.kind != "raw":
            return use
        root = self.root_of(scope, use.lock.root.name)
        if root is None:
            # A plain local: a lock made per call, unless we cannot tell.
            ctor = scope.local_ctors.get(use.lock.root.name, ())
            if use.lock.path and not use.made and hands_out(ctor):
                # ``ins = cls.get_instance(); with ins.lock:``: a lock of what the call hands out.
                return replace(use, lock=Ref(self.made_by(scope, ctor), use.lock.path))
            if len(ctor) >= 2 and scope.local_ctors.get(ctor[0]) and self.root_of(scope, ctor[0]) is None:
                # ``lock = r.lock("jobs")`` with ``r`` made here too: what made ``r``, then the call.
                ctor = scope.local_ctors[ctor[0]] + ("()",) + ctor[1:]
            root = Root("local", use.lock.root.name, ".".join(ctor))
        return replace(use, lock=Ref(root, use.lock.path))

    def resolve_function(self, scope: FunctionScope) -> None:
        facts = scope.facts
        lock_cache: dict[int, LockUse] = {}

        def locks(uses: tuple[LockUse, ...]) -> tuple[LockUse, ...]:
            out = []
            for use in uses:
                if use.acquisition not in lock_cache:
                    lock_cache[use.acquisition] = self.resolve_lock(scope, use)
                out.append(lock_cache[use.acquisition])
            return tuple(out)

        facts.fresh_locks = [self.resolve_lock(scope, u) for u in facts.fresh_locks]
        for raw in scope.accesses:
            ref = self.resolve_ref(scope, raw.ref)
            if ref is None and raw.ref[0].endswith("()") and scope.local_ctors.get(raw.ref[0]):
                # ``ins = cls.get_instance(); ins.num += 1`` (``recorder._handed_out``)
                ref = Ref(self.made_by(scope, scope.local_ctors[raw.ref[0]]), raw.ref[1])
            if ref is None:
                continue
            held = locks(raw.locks)
            access = Access(
                kind=raw.kind, target=ref, detail=raw.detail, span=raw.span, text=raw.text,
                locks=held, augmented=raw.augmented,
                read_modify_write=raw.augmented or self.reads_itself(scope, raw),
                taint=raw.value.taint, constant_value=raw.constant_value,
                computed_value=raw.computed_value, key_taint=raw.key_taint, value_text=raw.value_text,
                empty_container=raw.empty_container, made_by=raw.made_by, on_failure=raw.on_failure,
                value_is_key=raw.value_is_key, filters_itself=raw.filters_itself, stored=raw.stored,
                made_with=raw.made_with, settles=raw.settles, entry=raw.entry, defaults=raw.defaults,
                index=raw.index, key=raw.key, derived_from=self.derived_from(scope, raw),
                derived_where=tuple(where for _, _, where in self.derivations(scope, raw)),
                guards=self.guards(scope, raw.guards), error_record=raw.error_record,
            )
            facts.accesses.append(access)
        # Tests matter only relative to this function's writes, and to the objects whose methods
        # it calls (``if CACHE.is_valid(): ...; CACHE.store(v)``: ``resolve.refreshed_after_test``).
        # And to the work it starts (``if not RUNNING: Thread(target=work).start()``, where ``work``
        # sets ``RUNNING``: ``resolve.started_after_test``).
        receivers = {(c.callee[0], c.callee[1][:-1]) for c in scope.calls if c.callee[1]}
        starts = any((c.callee[1][-1][1:] if c.callee[1] else c.callee[0]) in _STARTS for c in scope.calls)
        facts.tests = tuple(
            Test(ref, t.key, t.index, t.span, locks(t.locks), t.taken)
            for t in scope.test_reads
            if (facts.accesses or starts
                or any(t.ref[0] == name and t.ref[1][:len(path)] == path for name, path in receivers))
            and (ref := self.resolve_ref(scope, t.ref)) is not None)
        if facts.accesses:
            # Awaits matter only relative to this function's writes.
            facts.awaits = tuple(scope.awaits)
        facts.reads = self.resolve_reads(scope)
        facts.returns_objects = tuple(dict.fromkeys(
            ref for raw in scope.returned_refs if (ref := self.resolve_ref(scope, raw)) is not None
            and ref.root.kind in ("global", "cls") and all(step.startswith(".") for step in ref.path)))
        facts.returns_reads = tuple(dict.fromkeys(
            ref for raw in scope.return_reads if (ref := self.resolve_ref(scope, raw)) is not None
            and ref.root.kind in ("global", "self", "cls")))
        other_calls = list(scope.other_calls)
        for call in scope.calls:
            local_function = ""
            if not call.callee[1] and call.callee[0] in scope.local_defs:
                local_function = scope.local_defs[call.callee[0]]
            elif not call.callee[1]:
                local_function = self.closure_function(scope, call.callee[0])
            callee = self.resolve_ref(scope, call.callee)
            if callee is not None and callee.root.kind == "global" and self.is_builtin(callee.root.name):
                # ``len(x)``, ``str(y)``: nothing of the project runs
                other_calls.append((call.index, call.span.line, callee.root.name))
                continue
            if callee is None and len(call.callee[1]) == 1 and scope.local_ctors.get(call.callee[0]):
                # ``svc = Service(); svc.run()``: a method of an object made here.
                callee = Ref(self.made_by(scope, scope.local_ctors[call.callee[0]]), call.callee[1])
            if callee is None and not local_function:
                other_calls.append((call.index, call.span.line, (call.callee[1] or (call.callee[0],))[-1].lstrip(".")))
                continue
            if callee is None:
                callee = Ref(Root("local", call.callee[0]), call.callee[1])
            args = tuple(self.resolve_ref(scope, r) if r else None for r, _ in call.args)
            # What the arguments read of the receiver itself (``c.set(c.total + 1)``).
            own = tuple(ref for info in [i for _, i in call.args] + [i for _, _, i in call.kwargs]
                        for raw in info.refs if call.callee[1] and raw[0] == call.callee[0]
                        and (ref := self.resolve_ref(scope, raw)) is not None)
            arg_taint = tuple(info.taint for _, info in call.args)
            facts.calls.append(Call(
                callee=callee, span=call.span, locks=locks(call.locks),
                # Empty when nothing shared or tainted is passed: the common case, stored small.
                args=args if any(args) else (),
                arg_taint=arg_taint if any(arg_taint) else (),
                kwargs=tuple((k, self.resolve_ref(scope, r) if r else None, info.taint)
                             for k, r, info in call.kwargs if r or info.taint),
                local_function=local_function, index=call.index, fills=call.fills, reads_receiver=own,
                in_test=call.in_test, guards=self.guards(scope, call.guards), arg_consts=call.arg_consts,
                kwarg_consts=call.kwarg_consts,
            ))
        facts.other_calls = tuple(call for call in other_calls if call[2] not in stdlib.NON_YIELDING_CALLS)

    @staticmethod
    def guards(scope: FunctionScope, found: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, str], ...]:
        """The guards that still say what the caller passed: not on a parameter the body assigns."""
        return tuple(g for g in found if g[0] not in scope.rebound_params)

    def resolve_reads(self, scope: FunctionScope) -> tuple[tuple[Ref, str], ...]:
        """The function's reads of module, class and instance state, each once (``FunctionFacts.reads``)."""
        reads: dict[tuple[Ref, str], None] = {}
        for raw_read, key in scope.reads:
            read = self.resolve_ref(scope, (raw_read[0], raw_read[1][:2]))
            if read is not None and read.root.kind in ("global", "self", "cls"):
                reads[(read, key)] = None
        return tuple(reads)

    def closure_function(self, scope: FunctionScope, name: str) -> str:
        owner = self.closure_owner(scope, name)
        if owner:
            return self.function_scopes[owner].local_defs.get(name, "")
        return ""

    def reads_itself(self, scope: FunctionScope, raw: RawAccess) -> bool:
        target = raw.ref
        if any(related(ref, target) for ref in raw.value.refs):
            return True
        for name in raw.value.names:
            derived = scope.derived.get(name)
            if derived and derived[1] < raw.index and any(related(ref, target) for ref in derived[0]):
                return True
        return False

    def derived_from(self, scope: FunctionScope, raw: RawAccess) -> tuple[tuple[int, tuple[Ref, ...]], ...]:
        """For each local name the value reads: where it was computed and from which shared state."""
        return tuple((at, refs) for at, refs, _ in self.derivations(scope, raw))

    def derivations(self, scope: FunctionScope,
                    raw: RawAccess) -> list[tuple[int, tuple[Ref, ...], tuple[int, tuple[int, ...]]]]:
        out = []
        for name in raw.value.names:
            derived = scope.derived.get(name)
            if not derived:
                continue
            refs = tuple(ref for r in derived[0] if (ref := self.resolve_ref(scope, r)) is not None)
            if refs:
                out.append((derived[1], refs, scope.derived_where.get(name, (0, ()))))
        return out
