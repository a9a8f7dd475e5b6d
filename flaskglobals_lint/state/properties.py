"""Properties of a write derived from its function's neutral facts.

The facts record what a function does as written: its writes (``Access``),
the reads its conditions make (``FunctionFacts.tests``) and its awaits.  What
the rules and the state model ask of a write — was the state tested outside
the lock, re-tested under it, is it memoization, lazy initialisation, a value
gone stale across an await — is computed here, from those facts alone.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from ..facts.model import Access, Call, FunctionFacts, Ref, Span, Test


def related(a: Ref, b: Ref) -> bool:
    """Two references name the same state or one contains the other."""
    if a.root != b.root:
        return False
    n = min(len(a.path), len(b.path))
    return a.path[:n] == b.path[:n]


def earlier_tests(fn: FunctionFacts, access: Access) -> list[Test]:
    """The tests of the written state (or state containing it) made up to the write's statement."""
    return [t for t in fn.tests if t.index <= access.index and related(t.ref, access.target)]


def check_outside_lock(fn: FunctionFacts, access: Access) -> Optional[Span]:
    """Span of the first earlier test of the same state not made under the innermost lock held here."""
    inner = access.locks[-1].acquisition if access.locks else None
    for t in earlier_tests(fn, access):
        if inner is None or inner not in {u.acquisition for u in t.locks}:
            return t.span
    return None


def read_outside_lock(fn: FunctionFacts, access: Access) -> Optional[int]:
    """Line where the stored value was computed from the same state outside the innermost lock
    held for this write (``pet = {"id": len(PETS) + 1}`` then ``with lock: PETS.append(pet)``)."""
    if not access.locks:
        return None
    inner = access.locks[-1].acquisition
    for (_, refs), (line, held) in zip(access.derived_from, access.derived_where):
        if line and inner not in held and any(related(ref, access.target) for ref in refs):
            return line
    return None


def rechecked_under_lock(fn: FunctionFacts, access: Access) -> bool:
    """The same state was tested under the (innermost) lock held for this write, before it."""
    if not access.locks:
        return False
    inner = access.locks[-1].acquisition
    return any(inner in {u.acquisition for u in t.locks} for t in earlier_tests(fn, access))


def memoizing(fn: FunctionFacts, access: Access) -> bool:
    """``C[k] = v`` (or ``S.add(k)``) after a miss check of the same key: ``k in C`` / ``C.get(k)``."""
    if access.kind not in ("item", "method") or access.key is None or (
            access.kind == "method" and access.detail != "add"):
        return False
    return any(t.key == access.key and t.ref == access.target for t in earlier_tests(fn, access))


def lazy_entry(fn: FunctionFacts, access: Access) -> bool:
    """``if k not in C: C[k] = []``: an empty container created after a miss check of its key."""
    return access.kind == "item" and access.empty_container and memoizing(fn, access)


def fills_of_entry(fn: FunctionFacts, access: Access) -> list[Access]:
    """The later writes of this function that change the entry ``access`` stores
    (``C[k] = []`` then ``C[k].append(x)``).  A read-modify-write of the entry's content
    (``C[k][j] += 1``) loses updates even when the entry exists: a problem of its own."""
    entry = access.target.path + ("[]",)
    return [b for b in fn.accesses if b.index > access.index and b.target.root == access.target.root
            and b.target.path[:len(entry)] == entry and not b.read_modify_write]


def memo_taken(fn: FunctionFacts, access: Access) -> bool:
    """The miss check before this memoizing write took the entry's value once (``hit = C.get(k)``),
    so the function never indexes an entry another request may have dropped meanwhile."""
    tests = [t for t in earlier_tests(fn, access) if t.key == access.key and t.ref == access.target]
    return bool(tests) and all(t.taken for t in tests)


def lazy_init(fn: FunctionFacts, access: Access) -> bool:
    """``x = ...`` / ``cls.x = ...`` after ``if x is None`` / ``if not x``, or ``x = x or []``:
    lazy initialisation."""
    if access.kind not in ("rebind", "attr") or access.read_modify_write and not access.defaults:
        return False
    if any(call.index >= access.index and call.callee.root == access.target.root
           and call.callee.path[:-1] == access.target.path and call.callee.path for call in fn.calls):
        return False  # ``x = Thread(); x.start()``: the object is used at once, so racing inits both act
    return access.defaults or any(t.ref == access.target for t in earlier_tests(fn, access))


def stale_after_await(fn: FunctionFacts, access: Access) -> int:
    """Line of an ``await`` between a read of the written state and this write of a value computed
    from that read, or 0."""
    stale = 0
    for computed_at, refs in access.derived_from:
        if not any(related(ref, access.target) for ref in refs):
            continue
        for index, line in fn.awaits:
            if computed_at < index <= access.index:
                stale = line
                break
    return stale


def read_at(fn: FunctionFacts, access: Access) -> Optional[int]:
    """Statement index where the write's decision reads the state: its first earlier test, or the
    write itself for a read-modify-write; None for a blind write."""
    tests = earlier_tests(fn, access)
    if tests:
        return min(t.index for t in tests)
    if access.read_modify_write or any(related(ref, access.target) for _, refs in access.derived_from
                                       for ref in refs):
        return min([access.index] + [at for at, refs in access.derived_from
                                      if any(related(ref, access.target) for ref in refs)])
    return None


def yield_point(fn: FunctionFacts, access: Access,
                may_yield: Callable[[Call], bool]) -> Optional[tuple[int, str]]:
    """The first call between the read of the written state and the write that may let another
    greenlet run (``may_yield``: I/O, a sleep, an emit, a project function that does; or one of
    ``FunctionFacts.other_calls``), as its line and what it calls: where a
    cooperative worker can switch requests."""
    start = read_at(fn, access)
    if start is None:
        return None
    points = [(call.index, call.span.line, call.callee.text()) for call in fn.calls
              if start <= call.index <= access.index and may_yield(call)]
    points += [(index, line, name) for index, line, name in fn.other_calls if start <= index <= access.index]
    return min(points)[1:] if points else None


def lazy_guarded(fn: FunctionFacts, access: Access) -> bool:
    """The write is made only after this function tested the same place (``if not os.environ.get(K):
    os.environ[K] = ...``, ``if x is None: x = ...``)."""
    return any(t.ref == access.target and (access.kind != "item" or t.key == access.key)
               for t in earlier_tests(fn, access))


def count_that_decides(methods: Iterable[FunctionFacts], access: Access) -> bool:
    """``self.responses += 1`` where some method of the class tests ``self.responses`` (``if
    self.responses == self.players:``): a count that decides.  Many clients converge on such a count
    (every player answers, every player joins), and a lost increment means the test is never true.
    The state model asks it of writes through an element of a shared container
    (``games[code].submit()``), where most other writes are steps of a protocol one client drives,
    one after another.  ``methods``: the class's methods."""
    if access.kind != "attr" or not access.read_modify_write or len(access.target.path) != 1:
        return False
    attr = access.target.path
    return any(t.ref.root.kind == "self" and t.ref.path == attr for fn in methods for t in fn.tests)
