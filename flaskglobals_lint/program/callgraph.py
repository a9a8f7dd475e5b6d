"""The call graph from the entry points: which functions run at request time, reached how, with
which request data and which locks every caller holds.  A pure function of the symbols and the
entry points; the state model reads its result."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Sequence

from ..facts.model import Call, FunctionFacts, LockUse, ModuleFacts, Ref, Root
from .symbols import BindingSym, ClassSym, EntryPoint, FunctionKey, FunctionSym, Symbols


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



class Project(Symbols):
    """The symbol table and, once ``walk`` has run, what runs at request time."""

    def __init__(self, modules: list[ModuleFacts], outside: frozenset[str] = frozenset(),
                 pinned: frozenset[str] = frozenset()) -> None:
        super().__init__(modules, outside, pinned)
        self.reached: dict[tuple[FunctionKey, Context], Reach] = {}
        self.entries: list[EntryPoint] = []

    # -------------------------------------------------------- reachability
    def walk(self, entries: Sequence[EntryPoint]) -> None:
        """Breadth-first from the entries; records a ``Reach`` per (function, context).

        Pure reachability (with request data and argument bindings): which
        locks callers hold is a second pass, ``propagate_locks``, because
        whether a lock is shared depends on what runs per request.
        """
        queue: deque[tuple[FunctionKey, Context]] = deque()
        self.edges: dict[tuple[FunctionKey, Context], list[tuple[Call, tuple[FunctionKey, Context]]]] = {}
        self.roots: list[tuple[FunctionKey, Context]] = []
        seen_edges: set[tuple[int, tuple[FunctionKey, Context]]] = set()
        self.entries = list(entries)
        for entry in self.entries:
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
