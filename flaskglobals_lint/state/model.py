"""The state model: one ``Write`` per request-time write to shared state, already classified.

``Analysis`` is what rules read; rules only choose which writes they report
and how they word it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal, Optional

from ..diagnostics import Fix
from ..facts.model import Access, FunctionFacts, LockUse, ModuleFacts, Span, key_text, literal_key
from ..frameworks import flask as fm
from ..frameworks.stdlib import REMOVING_METHODS, LockScope, LockType
from ..program.callgraph import Project, Reach
from ..program.symbols import FunctionKey
from . import properties
from .backends import InMemoryBackend
from .yields import YieldPoints

# One step of a chain and where it is: (text, path, line).
Frame = tuple[str, str, int]

# What a binding makes, as the state model tells it: the kinds of state and of what is not state
# (``lock``, ``manager``, ``function``), which resolution leaves out of module and class state.
BindingKind = Literal["container", "scalar", "instance", "class", "function", "lock", "manager",
                      "proxy", "client", "app", "other"]
# What a shared state is: a binding's kind, or ``process`` (process-wide state of the standard library).
StateKind = Literal[BindingKind, "process"]
# Where a shared state lives.
StateWhere = Literal["module", "closure", "class", "default", "process", "instance"]
# What a write does to shared state; the rules choose theirs by it.
Operation = Literal["rebind", "container", "object", "view", "config", "proxy", "client"]


@dataclass(frozen=True)
class SharedState:
    """Something every request of a process sees.

    kind: see ``StateKind`` (a closure's state can be any binding kind);
    where: see ``StateWhere``.
    """

    key: str
    name: str
    kind: StateKind
    where: StateWhere
    path: str
    line: int
    view_class: bool = False
    # For instances of project classes: the class, as "module:qualname".
    of_class: str = ""
    # A module global bound to ``None`` where it is defined (``Binding.placeholder``).
    placeholder: bool = False

    @property
    def defined_at(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class HeldLock:
    """A lock shared between requests, as a write is made under it."""

    # Two holdings with the same identity exclude each other.
    identity: str
    # As messages name it: '_lock', 'jobs' (a Redis lock's name), '/tmp/x.lock' (a file lock's path).
    name: str
    # None: a lock known only by its name (``lock-names``, a lock-like name, a parameter).
    type: Optional[LockType] = None

    @property
    def crosses_processes(self) -> bool:
        return self.type is not None and self.type.scope is LockScope.PROCESSES


@dataclass
class Write:
    """One request-time write to shared state."""

    access: Access
    module: ModuleFacts
    function: FunctionFacts
    reach: Reach
    state: SharedState
    operation: Operation
    locks: frozenset[str] = frozenset()
    fresh_lock: bool = False
    # The stored value comes from the request.
    tainted: bool = False
    # The place written is selected by a key from the request (``d[user_id]``).
    keyed_by_request: bool = False
    # The locks of ``locks``, with their names and types, in identity order.
    held: tuple[HeldLock, ...] = ()
    # A memoizing write of a value a project function returns at random (``key = new_secret()``):
    # racing requests, and each worker, keep a different one.
    random_value: bool = False
    # A method's blind store that every caller makes after testing the object: a cache refresh
    # (see ``resolve.refreshed_after_test``).
    refreshes: bool = False
    # The write is locked, but the decision was made outside that lock by a project predicate
    # called in a condition (``if not name_free(n): abort(409)``): its line and name.
    tested_by: Optional[tuple[int, str]] = None
    # Made by work a request starts after testing this state (``resolve.started_after_test``).
    started_after: Optional[tuple[int, str, str]] = None
    # For a background thread's write: the request-time entry that writes the same state.
    races_with: str = ""

    @property
    def protected(self) -> bool:
        return bool(self.locks)

    @property
    def stores_request_data(self) -> bool:
        """The write stores the request's own data as it came, where other users' requests read it
        (what FGL004 reports, and what the rules that supersede it say)."""
        a = self.access
        if not self.tainted or a.augmented or a.read_modify_write:
            return False
        # A call's result (``Thread(...)``, ``lookup(id)``) is not the request's data; a value
        # filed under the requester's own key (``drafts[author].append(text)``) is not shared; one
        # the function itself sends to every client (``emit(..., msg, broadcast=True)``, or the
        # whole state) is public by design.
        published = self.function.published
        public = bool(a.stored) and a.stored in published or a.target.text() in published
        return not a.computed_value and not self.keyed_by_request and not public

    def lock_names(self) -> str:
        """The locks held, as the code names them: ``'_lock'`` or ``'_lock', 'other'``."""
        if self.held:
            return ", ".join(f"'{lock.name}'" for lock in self.held)
        return ", ".join(f"'{short_lock_name(lock)}'" for lock in sorted(self.locks))

    def cross_process_locks(self) -> tuple[HeldLock, ...]:
        """The locks held that exclude other processes too (a file lock, a Redis lock, a manager's)."""
        return tuple(lock for lock in self.held if lock.crosses_processes)

    @property
    def chain(self) -> tuple[str, ...]:
        return (self.reach.entry.label,) + self.reach.chain + (self.access.text,)

    @property
    def chain_text(self) -> str:
        return " -> ".join(self.chain)

    @property
    def frames(self) -> tuple[Frame, ...]:
        """The chain with where each step is: the entry, each call, and this write."""
        return chain_frames(self.reach) + ((self.access.text, self.module.path, self.access.span.line),)

    def finding(self, code: str, message: str, help: str = "", fix: Optional[Fix] = None) -> "Finding":
        """A finding at this write's statement: what and where (``message``), why and the fix (``help``)."""
        if self.races_with:
            message += f"; the background thread races with {self.races_with}, which writes it too"
        state = (self.state.name, self.state.path, self.state.line) if self.state.path else ("", "", 0)
        return Finding(code, self.module.path, self.access.span, message, self.chain, self.reach.origin,
                       subject=self.state.key, help=help, state=state, frames=self.frames, fix=fix)


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a code, a place, a message.  ``api`` turns it into a ``Diagnostic``."""

    code: str
    path: str
    span: Span
    message: str
    chain: tuple[str, ...] = ()
    # The file of the entry point whose request reaches the write.
    origin: str = ""
    # The shared state the finding is about: rules that supersede others match on it.
    subject: str = ""
    # Why it breaks and what to do instead; ``message`` says what and where.
    help: str = ""
    # The shared state's name and where it is defined (path, line), when it has a place.
    state: tuple[str, str, int] = ("", "", 0)
    # ``chain`` with locations: (text, path, line) per step; empty when not known.
    frames: tuple[Frame, ...] = ()
    # How --fix would fix it, when it can.
    fix: Optional[Fix] = None


def chain_frames(reach: Reach) -> tuple[Frame, ...]:
    """The entry point and each call of a reach, each with (text, path, line); the entry is at its def."""
    sites = reach.sites if len(reach.sites) == len(reach.chain) else (("", 0),) * len(reach.chain)
    first = sites[0] if sites else ("", 0)
    return ((reach.entry.label, *first),) + tuple((text, *site) for text, site in zip(reach.chain, sites))


@dataclass
class Analysis:
    project: Project
    writes: list[Write] = field(default_factory=list)
    fresh_locks: list[tuple[ModuleFacts, FunctionFacts, LockUse, Reach]] = field(default_factory=list)
    processes: int = 1
    processes_reason: str = ""
    strict: bool = False
    # Why requests run as greenlets of cooperative workers (gevent/eventlet), or ''.
    cooperative: str = ""
    # State key -> the literal key read (``key_text``; None: the whole state) -> the request-time
    # functions that read it (for states written with same-every-time values only; see
    # ``StateModel.readers``).
    readers: dict[str, dict[Optional[str], set[FunctionKey]]] = field(default_factory=dict)
    # Extensions that keep their limits, cache or schedule in each worker process.
    backends: list[InMemoryBackend] = field(default_factory=list)
    _yield_points: Optional[YieldPoints] = field(default=None, repr=False)

    # -------------------------------------------------------- state groups
    def by_state(self) -> dict[str, list[Write]]:
        groups: dict[str, list[Write]] = defaultdict(list)
        for write in self.writes:
            groups[write.state.key].append(write)
        return groups

    def torn_with(self, write: Write) -> list[Write]:
        """The other writes of the torn update ``write`` is reported for (``task[0]["done"] = ...``
        after ``task[0]["title"] = ...``): the lock fix holds them in the same block."""
        return self._torn.get(id(write), [])

    def benign(self, write: Write) -> bool:
        """Idempotent memoization, lazy initialisation, or a write every request makes with the same
        value (reported only in strict mode); or a fill of an entry whose lazy creation is reported
        (one finding per problem: ``if k not in C: C[k] = []; C[k].append(x)`` is one check-then-act)."""
        if id(write) in self._folded:
            return True
        if self.strict:
            return False
        return write.state.key in self._benign_states or id(write) in self._idempotent \
            or id(write) in self._lazy_entries or id(write) in self._empty_removals

    def switch_point(self, write: Write) -> Optional[tuple[int, str]]:
        """Under cooperative workers: the call between the read and the write where another request
        can run, as its line and what it calls (None: the decision and the write cannot be interleaved)."""
        if self._yield_points is None:
            self._yield_points = YieldPoints(self.project)
        points = self._yield_points
        return properties.yield_point(write.function, write.access,
                                      lambda call: points.may_yield(call, write.module.module, write.reach.context))

    def interleaves(self, write: Write) -> bool:
        """Whether another request can run between what the write read and the write.  Always, under
        threads; under cooperative workers only across a yield point (a start is one: ``Write.started_after``)."""
        return not self.cooperative or write.started_after is not None or self.switch_point(write) is not None

    def finish(self) -> None:
        """Decide, per state, what is benign and which unlocked writes FGL009 owns."""
        self.writes = list(_two_sided(self.writes, self.by_state()))
        self._benign_states: set[str] = set()
        self._idempotent: set[int] = set()
        for key, writes in self.by_state().items():
            if _benign_state(writes):
                self._benign_states.add(key)
            self._idempotent.update(self._same_value_writes(key, writes))
            # ``x = x or []``: keeps the value, or sets a constant; another writer racing with it is
            # reported at its own write.
            self._idempotent.update(id(w) for w in writes if w.access.defaults and not w.tainted)
            # ``failures[name] = str(exc)``: the last error; racing writers store equivalent records.
            self._idempotent.update(id(w) for w in writes if w.access.error_record and not w.tainted)
        filled = {entry for module in self.project.modules.values() for entry in module.filled_keys}
        self._empty_removals = {id(w) for w in self.writes if _removes_from_empty(w, filled)}
        self._folded: set[int] = set()
        self._lazy_entries: set[int] = set()
        self._fold_lazy_entries()
        # One torn update, reported at its first write: id(first) -> the writes folded into it.
        self._torn: dict[int, list[Write]] = {}
        for first, later in [*_later_field_writes(self.writes), *_later_attribute_stores(self.writes)]:
            self._torn.setdefault(id(first), []).extend(later)
            self._folded.update(id(w) for w in later)
        self._folded.update(_repeated_assignments(
            [w for w in self.writes if not self.benign(w) and not w.protected and self.interleaves(w)]))
        # id(unlocked write) -> a locked write of the same state
        self._inconsistent_writes: dict[int, Write] = {}
        for key, writes in self.by_state().items():
            if key in self._benign_states and not self.strict:
                continue
            locked = [w for w in writes if w.protected and w.operation != "config"]
            # An empty entry created lazily still replaces one filled under the lock meanwhile.
            unlocked = [w for w in writes if not w.protected and w.operation not in ("config", "proxy")
                        and self.interleaves(w) and (id(w) in self._lazy_entries or not self.benign(w))]
            if locked and unlocked:
                for w in unlocked:
                    self._inconsistent_writes[id(w)] = locked[0]
            if len(locked) > 1:
                # Writes under different locks exclude nothing from each other:
                # the sites that share no lock with the most common one are reported.
                counts: dict[str, int] = defaultdict(int)
                for w in locked:
                    for lock in w.locks:
                        counts[lock] += 1
                main = max(sorted(counts), key=lambda lock: counts[lock])
                anchor = next(w for w in locked if main in w.locks)
                for w in locked:
                    if main not in w.locks:
                        self._inconsistent_writes[id(w)] = anchor

    def _fold_lazy_entries(self) -> None:
        """``if k not in C: C[k] = []``.  Alone, racing requests replace one empty container with
        another: nothing is lost, as with ``setdefault`` (unless a fill under a lock lands in the
        window: FGL009 still reports the unlocked creation then).  When the function then fills the entry
        (``C[k].append(x)``), the loser's fill is lost: the creation is reported, and the fills are
        part of that finding, not findings of their own."""
        by_access: dict[tuple[FunctionKey, int], list[Write]] = defaultdict(list)
        for w in self.writes:
            by_access[(w.reach.key, id(w.access))].append(w)
        for w in self.writes:
            if not properties.lazy_entry(w.function, w.access):
                continue
            fills = properties.fills_of_entry(w.function, w.access)
            if not fills and not w.keyed_by_request:
                # (a key the request chose is a claim: ``if name in rooms: return 409``)
                self._lazy_entries.add(id(w))
            elif not w.protected:
                self._folded.update(id(f) for access in fills for f in by_access[(w.reach.key, id(access))]
                                    if f.locks == w.locks)

    def _same_value_writes(self, key: str, writes: list[Write]) -> Iterator[int]:
        """Ids of writes to places every request stores the same value in, that no other request-time
        function reads (or that are lazily guarded): the writers agree and nobody acts on the change."""
        slots: dict[tuple[object, ...], list[Write]] = defaultdict(list)
        for w in writes:
            slots[_slot(w)].append(w)
        writers = {w.reach.key for w in writes}
        for same in slots.values():
            if not all(_same_value_write(w) for w in same) or len({w.access.value_text for w in same}) != 1:
                continue
            slot_key = same[0].access.key
            # An item is read by its key: a copy of the whole (``dict(os.environ)``) forwards it,
            # it does not act on it.
            readers = self.readers.get(key, {}).get(key_text(slot_key) if slot_key else None, set())
            # Made only on failure (``except KeyringError: USE_KEYRING = False``): a fallback switch.
            # Readers see the feature on or off, as the code means; other workers meet the failure
            # themselves.
            # A placeholder (``logger = None``) every request fills with the same value: readers see it
            # unset or set, as they would with one thread.
            if not readers - writers or all(properties.lazy_guarded(w.function, w.access) for w in same) \
                    or all(w.access.on_failure for w in same) or (same[0].state.placeholder and not slot_key):
                yield from (id(w) for w in same)

    def inconsistent_with(self, write: Write) -> Optional[Write]:
        return self._inconsistent_writes.get(id(write))

    def racy(self, operations: Iterable[Operation], *, interleaving: bool = True) -> Iterator[Write]:
        """Unprotected writes of these operations that FGL001/2/3/4/6 report.

        Benign writes (memoization, lazy initialisation) are left out unless
        strict.  Where FGL009 also reports a write (the same state is locked
        elsewhere), its finding supersedes these, but only when FGL009 is
        selected: precedence is applied after selection.  ``interleaving``: leave out what
        cooperative workers cannot interleave (a rule about data shared between users does not).
        """
        wanted = set(operations)
        for write in self.writes:
            if write.operation in wanted and not write.protected and not self.benign(write) \
                    and (not interleaving or self.interleaves(write)):
                yield write


def _two_sided(writes: list[Write], by_state: dict[str, list[Write]]) -> Iterator[Write]:
    """The writes, but a background thread's only where a request writes the same state too: a
    race needs two concurrent sides, and one started thread has no sibling."""
    for write in writes:
        if write.reach.entry.request_time:
            yield write
            continue
        other = next((w for w in by_state[write.state.key] if w.reach.entry.request_time), None)
        if other is not None:
            write.races_with = other.reach.entry.label
            yield write


def short_lock_name(identity: str) -> str:
    """``pkg.app.order_lock`` -> ``order_lock``; ``app:self._lock`` -> ``self._lock``."""
    return identity.rsplit(":" if ":" in identity else ".", 1)[-1]


def _slot(write: Write) -> tuple[object, ...]:
    """The place a write changes, as far as the code tells: the state, the path below it, the key."""
    a = write.access
    return (write.state.key, a.target.path, a.key, a.kind == "del")


def _same_value_write(write: Write) -> bool:
    """A store of a value that is the same on every call (``os.environ["TERM"] = "xterm"``) in a place
    the code names exactly (not an element a loop or a request picked)."""
    a = write.access
    if a.settles:
        return not write.tainted
    fixed = "[]" not in a.target.path and (literal_key(a.key) if a.kind == "item"
                                           else a.key is None or literal_key(a.key))
    reads_itself = (any(properties.related(ref, a.target) for _, refs in a.derived_from for ref in refs)
                    or re.search(rf"(?<![\w.]){re.escape(a.target.text())}\b", a.value_text) is not None)
    return (bool(a.value_text) and fixed and not a.read_modify_write and not a.augmented and not write.tainted
            and not reads_itself)


def _memo_write(write: Write) -> bool:
    a = write.access
    # Computed from the key (``render(slug)``, ``(now, fetch(k))``) or the same every time: racing
    # requests store equivalent values, also when built in locals first.  A fresh container (``= []``)
    # is not (what others add to it is lost), nor a random value (``key = make_secret()``: racing
    # requests, and each worker, would keep their own; see ``Write.random_value``).
    # ``if k not in DONE: ...; DONE.add(k)``: the member is the key itself; one the request chose
    # (``if name in USERNAMES: return "taken"``) is a claim two requests can both win.
    return properties.memoizing(write.function, a) and not a.read_modify_write and not write.random_value and (
        a.computed_value or bool(a.value_text) or (a.kind == "method" and not write.tainted))


def _benign_state(writes: list[Write]) -> bool:
    """The state is only ever filtered by one statement, or every write of it fills a cache entry
    after a miss (``_memo_write``), initialises lazily (``_lazy_write``, also an attribute of an
    entry: ``if m.label is None: m.label = name``), or evicts.  A cache that is also evicted from
    (``CACHE.clear()``, ``del CACHE[k]``) stays a cache when its readers take each entry once
    (``hit = CACHE.get(k)``): the next request recomputes what is missing.  After
    ``if k not in CACHE``, ``CACHE[k]`` can raise KeyError."""
    if all(w.access.filters_itself and not w.access.taint for w in writes) \
            and len({(w.module.path, w.access.span) for w in writes}) == 1:
        # One statement that keeps some of the state's own elements by a rule no request chooses
        # (``X = [e for e in X if valid(e)]``): racing requests store the same list; a second
        # filter, or one by a request's value, could drop what the other kept.
        return True
    memo_flags = [_memo_write(w) for w in writes]
    memo = [w for w, m in zip(writes, memo_flags) if m]
    rest = [w for w, m in zip(writes, memo_flags) if not m and not _lazy_write(w)]
    if len(rest) == len(writes) or not all(_eviction(w) for w in rest):
        return False
    return not rest or (bool(memo) and all(properties.memo_taken(w.function, w.access) for w in memo))


def _first_of_each(groups: dict[tuple[object, ...], list[Write]]) -> Iterator[tuple[Write, list[Write]]]:
    """Each group's first write in the function (where the problem is reported), with the others."""
    for group in groups.values():
        first = min(group, key=lambda w: (w.access.index, w.access.span.line))
        yield first, [w for w in group if w is not first]


def _later_field_writes(writes: list[Write]) -> Iterator[tuple[Write, list[Write]]]:
    """``task[0]["title"] = ...; task[0]["done"] = ...``: one function updating one element of shared
    state (a place below a subscript) field by field, at literal keys, under the same locks and in
    the same way (each from the request, or each from itself), is one torn update, reported at its
    first write; with the others.  (Two settings of ``app.config`` are two changes.)"""
    groups: dict[tuple[object, ...], list[Write]] = defaultdict(list)
    for w in writes:
        a = w.access
        if a.kind == "item" and "[]" in a.target.path and literal_key(a.key):
            groups[(w.reach.key, w.reach.context, w.state.key, a.target, w.locks, w.tainted,
                    a.read_modify_write)].append(w)
    yield from _first_of_each(groups)


def _later_attribute_stores(writes: list[Write]) -> Iterator[tuple[Write, list[Write]]]:
    """``self._map.top_map = config; self._mtime = mtime`` in a method run on a shared object: one
    method storing several of the object's attributes, plainly (none read-modify-write), under the
    same locks and in the same way, is one torn update of the object, reported at its first store
    (the lock fix wraps them in the object's one lock); with the others."""
    groups: dict[tuple[object, ...], list[Write]] = defaultdict(list)
    for w in writes:
        a = w.access
        if w.operation == "object" and a.kind == "attr" and a.target.root.kind == "self" \
                and w.reach.context.shared_self is not None and not a.read_modify_write:
            groups[(w.reach.key, w.reach.context, w.locks, w.tainted)].append(w)
    yield from _first_of_each(groups)


def _repeated_assignments(writes: list[Write]) -> Iterator[int]:
    """``self.cols = []`` then ``self.cols = self.cols + more``: one function assigning one place
    several times in a request, with no lock, is one problem, reported at its first racy
    assignment (of ``writes``: those reported); ids of the others."""
    groups: dict[tuple[object, ...], list[Write]] = defaultdict(list)
    for w in writes:
        if w.access.kind in ("rebind", "attr"):
            groups[(w.reach.key, w.reach.context, w.state.key, w.access.target)].append(w)
    yield from (id(w) for _, later in _first_of_each(groups) for w in later)


def _removes_from_empty(write: Write, filled: set[str]) -> bool:
    """``app.config["_cache"].pop(k, None)`` where no code of the project puts anything in
    ``app.config["_cache"]`` (``ModuleFacts.filled_keys``), and no config file can: the entry is
    always empty, so the removal changes nothing another request could see."""
    a = write.access
    if write.operation != "config" or not (a.kind == "del" or a.kind == "method" and a.detail in REMOVING_METHODS):
        return False
    holder, _, key = a.entry.partition("[")
    key = key[:-1]
    return bool(key) and key != "*" and not fm.loadable_config_key(key) \
        and a.entry not in filled and f"{holder}[*]" not in filled


def _eviction(write: Write) -> bool:
    """``del C[k]``, ``C.pop(k, None)``, ``C.clear()``: entries dropped, none changed."""
    a = write.access
    return a.kind == "del" or (a.kind == "method" and a.detail in ("clear", "pop", "popitem"))


def _lazy_write(write: Write) -> bool:
    a = write.access
    # ``lazy_init`` holds only for a rebind that does not read itself.
    # The entry's own key (``m.label = name``) is the same for every writer of that entry.
    return write.refreshes or properties.lazy_init(write.function, a) and (not write.tainted or a.value_is_key)
