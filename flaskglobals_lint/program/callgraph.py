"""The call graph from the entry points: which functions run at request time, reached how, with
which request data and which locks every caller holds.  A pure function of the symbols and the
entry points; the state model reads its result."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Sequence

from ..facts.model import Call, FunctionFacts, LockUse, ModuleFacts, Ref, Root
from .constants import Constants, merged, passed, satisfiable
from .instances import SharedInstances
from .symbols import BindingSym, ClassSym, EntryPoint, FunctionKey, FunctionSym, Symbol, Symbols, global_names
from .threads import Started, started_function


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
    # The accessor that handed it out (``get_storage``), as the call names it; '' when none.
    via: str = ""
    # One of the objects a shared container holds (``games[code]``): see ``SharedInstances``.
    element: bool = False


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
    # Parameters some request-time call leaves to their default (all, for an entry point).
    defaulted: set[str] = field(default_factory=set)
    # Where each step of ``chain`` is, (path, line): the entry's def, then each call site.
    sites: tuple[tuple[str, int], ...] = ()
    # The constants each parameter can hold here (``program.constants``); a parameter not in it
    # can hold anything.
    constants: Constants = field(default_factory=dict)

    def is_tainted(self, taint: frozenset[str]) -> bool:
        """Whether a value with these sources carries request data in this reach."""
        return "request" in taint or any(t.startswith("param:") and t[6:] in self.tainted_params for t in taint)


class Project(Symbols):
    """The symbol table and, once ``walk`` has run, what runs at request time."""

    def __init__(self, modules: list[ModuleFacts], outside: frozenset[str] = frozenset(),
                 pinned: frozenset[str] = frozenset()) -> None:
        super().__init__(modules, outside, pinned)
        self.reached: dict[tuple[FunctionKey, Context], Reach] = {}
        self.entries: list[EntryPoint] = []
        self._callers: Optional[dict[tuple[FunctionKey, Context], list[tuple[Reach, Call]]]] = None
        self.instances = SharedInstances(self)
        self.started: dict[int, Started] = {}  # id(call) -> what it starts concurrently

    # -------------------------------------------------------- reachability
    def walk(self, entries: Sequence[EntryPoint]) -> None:
        """Breadth-first from the entries; records a ``Reach`` per (function, context).

        Pure reachability (with request data and argument bindings): which locks callers hold is
        a second pass, ``propagate_locks``, because whether a lock is shared depends on what runs
        per request.  Request-time entries go first: what a request reaches keeps that reach, and
        a background thread's root is added only where no request got to.
        """
        queue: deque[tuple[FunctionKey, Context]] = deque()
        self.edges: dict[tuple[FunctionKey, Context], list[tuple[Call, tuple[FunctionKey, Context]]]] = {}
        self.roots: list[tuple[FunctionKey, Context]] = []
        seen_edges: set[tuple[int, tuple[FunctionKey, Context]]] = set()
        self.entries = list(entries)
        self._callers = None
        steps = 0
        for request_time in (True, False):
            roots = [self.add_root(e) for e in self.entries if e.request_time == request_time]
            queue.extend(root for root in roots if root is not None)
            while queue and steps < 200_000:
                steps += 1
                queue.extend(self.visit(queue.popleft(), seen_edges))

    def callers(self, key: tuple[FunctionKey, Context]) -> list[tuple[Reach, Call]]:
        """The request-time functions that call ``key`` (after ``walk``), each with its call."""
        if self._callers is None:
            self._callers = {}
            for caller, calls in self.edges.items():
                for call, callee in calls:
                    self._callers.setdefault(callee, []).append((self.reached[caller], call))
        return self._callers.get(key, [])

    def add_root(self, entry: EntryPoint) -> Optional[tuple[FunctionKey, Context]]:
        """Record the entry's function as reached from itself; None if unknown or already a root."""
        fn = self.function(entry.function)
        if fn is None:
            return None
        context = _entry_context(entry, fn)
        key = (entry.function, context)
        if key in self.reached:
            return None
        reach = Reach(entry.function, context, entry, (f"{fn.name}()",), held=frozenset(), defaulted=set(fn.params),
                      origin=(path := self.modules[entry.function.module].path), sites=((path, fn.span.line),))
        if entry.tainted_params:
            # Its parameters are filled from the URL or the payload (all but ``self`` of a method).
            reach.tainted_params = set(fn.params[1:] if fn.class_name and fn.kind == "method" else fn.params)
        self.reached[key] = reach
        self.roots.append(key)
        return key

    def visit(self, key: tuple[FunctionKey, Context],
              seen_edges: set[tuple[int, tuple[FunctionKey, Context]]]) -> list[tuple[FunctionKey, Context]]:
        """Follow the calls of one reached function; returns the callees to visit (again), in call order."""
        reach = self.reached[key]
        fn = self.function(reach.key)
        if fn is None:
            return []
        todo: list[tuple[FunctionKey, Context]] = []
        for call, target, context in self.callees(reach.key, fn, reach.context):
            callee = self.function(target)
            if callee is None or not satisfiable(call.guards, reach.constants):
                continue  # not a project function, or a call no request-time caller makes run
            next_key = (target, context)
            if not reach.entry.request_time and _request_time(self.reached.get(next_key)):
                continue  # a background thread's arguments and locks leave a request's run as it was
            if (id(call), next_key) not in seen_edges:
                seen_edges.add((id(call), next_key))
                self.edges.setdefault(key, []).append((call, next_key))
            if self.reach_callee(call, callee, reach, next_key):
                todo.append(next_key)
        return todo

    def reach_callee(self, call: Call, callee: FunctionFacts, caller: Reach,
                     key: tuple[FunctionKey, Context]) -> bool:
        """Record that ``caller`` makes ``call`` to ``callee``; True when that is news: the callee is
        reached for the first time, more of its parameters now carry request data, or can hold more
        constants (what its guarded code runs for)."""
        tainted, started = self.tainted_args(call, callee, caller), self.started.get(id(call))
        constants = {} if started else passed(call, callee, self.parameters(callee))
        existing = self.reached.get(key)
        if existing is None:
            step = _chain_step(call, callee, key[1].shared_self)
            chain = caller.chain + ((started.text,) if started else ()) + (step,)
            sites = caller.sites + ((self.modules[caller.key.module].path, call.span.line),) * (2 if started else 1)
            existing = self.reached[key] = Reach(key[0], key[1], caller.entry, chain, None, tainted,
                                                 origin=caller.origin, sites=sites, constants=constants)
            self.bind_arguments(call, callee, caller, existing)
            return True
        self.bind_arguments(call, callee, caller, existing)
        wider = merged(existing.constants, constants)
        news = wider != existing.constants or not tainted <= existing.tainted_params
        existing.constants = wider
        existing.tainted_params |= tainted
        return news

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
                taken = set() if (started := id(call) in self.started) else set(base)  # a thread holds none
                for use in () if started else call.locks:
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

    def defaulted_params(self, call: Call, callee: FunctionFacts) -> set[str]:
        """The parameters ``call`` leaves to their default (all of them when it passes ``*args``)."""
        params = self.parameters(callee)
        if "*" in call.fills:
            return set(params)
        named = set(call.fills[1:])
        return {p for p in params[int(call.fills[0]):] if p not in named}

    def bind_arguments(self, call: Call, callee: FunctionFacts, caller: Reach, reach: Reach) -> None:
        """What the call's arguments bind the callee's parameters to, and which it leaves to their
        default; nothing for a started function (its arguments travel in ``args=(...)``)."""
        if id(call) in self.started:
            return
        reach.defaulted |= self.defaulted_params(call, callee)
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
        if id(call) in self.started:  # its arguments travel in ``args=(...)``: request data there reaches all
            passed = list(call.arg_taint[1:]) + [taint for _, _, taint in call.kwargs]
            return set(params) if any(reach.is_tainted(taint) for taint in passed) else set()
        out: set[str] = set()
        for index, taint in enumerate(call.arg_taint):
            if index < len(params) and reach.is_tainted(taint):
                out.add(params[index])
        for name, _, taint in call.kwargs:
            if name in params and reach.is_tainted(taint):
                out.add(name)
        return out

    # ------------------------------------------------------------- callees
    def callees(self, key: FunctionKey, fn: FunctionFacts,
                context: Context) -> Iterator[tuple[Call, FunctionKey, Context]]:
        """The project functions ``fn`` (run in ``context``) calls, each with the context it runs in."""
        module = key.module
        for call in fn.calls:
            if id(call) not in self.started and (started := started_function(self, call, fn, module, context)):
                self.started[id(call)] = started
            yield from self.callees_of_call(call, module, context)
        # Project decorators on a request-time function: the wrapper they return runs per request too.
        for dec in fn.decorators:
            for wrapper in self.decorator_wrappers(dec, module):
                yield Call(Ref(Root("global", dec.name[0])), fn.span), wrapper, Context()

    def callees_of_call(self, call: Call, module: str,
                        context: Context) -> Iterator[tuple[Call, FunctionKey, Context]]:
        if call.local_function:
            yield call, FunctionKey(module, call.local_function), Context()
            return
        started = self.started.get(id(call))
        if started is not None:
            yield call, started.function, started.context
            return
        root, path = call.callee.root, call.callee.path
        found: Optional[tuple[FunctionKey, Context]] = None
        if root.kind == "global":
            names = global_names(root, path)
            if names:
                sym, rest = self.resolve_dotted(module, names)
                found = self.target_of_symbol(sym, rest)
        else:
            method = method_step(path)
            found = self.method_of_root(module, root, method, context) if method is not None else None
        if found is not None:
            yield call, found[0], found[1]
        elif len(path) >= 2 and path[-1].startswith("."):
            yield from self.method_of_shared_receiver(call, module, context)
        elif root.kind == "global" and path == ("[]",):
            # ``STORES[name](...)``: each class or function of the registry.
            for sym, rest in self.instances.registry(module, root.name):
                if (target := self.target_of_symbol(sym, rest)) is not None:
                    yield call, target[0], target[1]
        elif root.kind == "new" and (method := method_step(path)) is not None:
            # ``get_storage().incr(k)``: the method runs on the one object the accessor hands out.
            for obj in self.instances.singletons(module, root.name):
                if (key := self.find_method(obj.cls, method)) is not None:
                    yield call, key, Context(InstanceOrigin(obj.description, obj.module, obj.line, via=root.name))

    def method_of_shared_receiver(self, call: Call, module: str,
                                  context: Context) -> Iterator[tuple[Call, FunctionKey, Context]]:
        """``BaseCamera.event.wait()``, ``self.engine.run()`` on a shared ``self``: the method runs
        with ``self`` bound to that shared object (``SharedInstances``)."""
        origin = context.shared_self
        shared_self = (origin.description, origin.module, origin.line) \
            if origin is not None and origin.kind in ("instance", "view") else None
        root, path = call.callee.root, call.callee.path
        for obj in self.instances.receivers(module, root, path[:-1], shared_self):
            target = self.find_method(obj.cls, path[-1][1:])
            if target is not None:
                yield call, target, Context(InstanceOrigin(obj.description, obj.module, obj.line, element=obj.element))

    def target_of_symbol(self, sym: Optional[Symbol],
                         rest: tuple[str, ...]) -> Optional[tuple[FunctionKey, Context]]:
        """What calling ``sym`` (followed by the attributes ``rest``) runs: ``f()``, ``C()``, ``C.m()``, ``obj.m()``."""
        if isinstance(sym, FunctionSym) and not rest:
            return FunctionKey(sym.module, sym.qualname), Context()
        if isinstance(sym, ClassSym) and len(rest) <= 1:
            # ``C()`` runs ``C.__init__``.
            return self.method_of_class(sym, rest[0] if rest else "__init__", Context())
        if isinstance(sym, BindingSym) and len(rest) == 1:
            return self.method_of_global_instance(sym, rest[0])
        return None

    def method_of_root(self, module: str, root: Root, method: str,
                       context: Context) -> Optional[tuple[FunctionKey, Context]]:
        """What ``<root>.method()`` runs, for a root that is not a module-level name."""
        if root.kind == "new":
            return self.method_of_class(self.class_of_ctor(module, tuple(root.name.split("."))), method, Context())
        if root.kind in ("self", "cls"):
            # ``self.m()`` keeps running on the same (maybe shared) object; ``cls.m()`` has no instance.
            same = context if root.kind == "self" else Context()
            return self.method_of_class(ClassSym(module, root.owner), method, same)
        if root.kind == "closure":
            return self.method_of_closure_instance(module, root, method)
        return None

    def method_of_class(self, cls: Optional[ClassSym], method: str,
                        context: Context) -> Optional[tuple[FunctionKey, Context]]:
        target = self.find_method(cls, method) if cls is not None else None
        return (target, context) if target is not None else None

    def method_of_global_instance(self, sym: BindingSym, method: str) -> Optional[tuple[FunctionKey, Context]]:
        """``obj.m()`` on a module-level ``obj = C(...)``: runs with ``self`` bound to that one shared object."""
        binding = self.binding(sym)
        if binding.kind != "call":
            return None
        origin = InstanceOrigin(sym.name, sym.module, binding.span.line)
        return self.method_of_class(self.class_of_ctor(sym.module, binding.ctor), method, Context(origin))

    def method_of_closure_instance(self, module: str, root: Root,
                                   method: str) -> Optional[tuple[FunctionKey, Context]]:
        """``obj.m()`` on ``obj = C(...)`` made in an enclosing function: shared by every call of the closure."""
        owner = self.modules[module].functions.get(root.owner)
        binding = owner.bindings.get(root.name) if owner else None
        if owner is None or binding is None or binding.kind != "call":
            return None
        origin = InstanceOrigin(f"{root.name} (made in {owner.name}())", module, binding.span.line)
        return self.method_of_class(self.class_of_ctor(module, binding.ctor), method, Context(origin))

def _chain_step(call: Call, callee: FunctionFacts, origin: Optional[InstanceOrigin]) -> str:
    """How the chain shows a call: ``Game()`` for ``__init__``, ``get_storage().incr()`` on what an
    accessor handed out, ``games[...].submit()`` on a registry's element, else ``submit()``."""
    if callee.name == "__init__" and callee.class_name:
        return f"{callee.class_name}()"
    if origin is not None and origin.via and call.callee.root.kind == "new":
        return f"{origin.via}().{callee.name}()"
    if origin is not None and origin.element:
        return f"{origin.description}.{callee.name}()"
    return f"{callee.name}()"


def method_step(path: tuple[str, ...]) -> Optional[str]:
    """The method name of a callee path that is one attribute step (``.m``), else None."""
    return path[0][1:] if len(path) == 1 and path[0].startswith(".") else None


def _request_time(reach: Optional[Reach]) -> bool:
    return reach is not None and reach.entry.request_time


def _entry_context(entry: EntryPoint, fn: FunctionFacts) -> Context:
    """How an entry runs: on the one view instance a framework keeps, on the module-level instance
    a background thread was started on, or plainly."""
    if entry.shared_instance:
        return Context(InstanceOrigin(entry.shared_instance, entry.function.module, fn.span.line, kind="view"))
    if entry.instance[0]:
        return Context(InstanceOrigin(*entry.instance))
    return Context()
