"""How a write the rules report can be fixed: the plan ``--fix`` carries out.

The plan is made here, from the facts and the linked program, so that it is
plain data (cacheable, libcst-free); ``flaskglobals_lint.fix`` turns it into
edits.  One kind of fix today: a module-level lock per shared state around
the smallest block of the function that holds every read and write of it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..diagnostics import AttrToRequest, Fix, GlobalToG, HoistLock, LockFix, WidenLock
from ..facts.model import FunctionFacts, LockUse, ModuleFacts
from ..program.callgraph import Project
from ..program.symbols import ClassSym
from .model import Analysis, Write

# The rule docs' "Fix safety" section for the rules whose findings get the lock fix.
LOCK_FIX_SAFETY = """\
`--fix` adds one module-level lock per shared state, named after it
(`_downloads_lock = threading.Lock()`, after the state's definition, with
`import threading` if needed, or the module's own alias of it), and wraps
the smallest block of the function that holds every read and write of
the state in `with _downloads_lock:`.  An object's attributes share one
lock (`_stats_lock`).

Safe when the block calls no project code that takes a lock, and the
state is defined in the same module.  Unsafe (`--unsafe-fixes`) when the
block calls project code (it could take another lock: a deadlock risk),
when the state is defined in another module (the lock is added there and
imported), and in a coroutine (a threading lock held across an `await`
blocks the event loop).  No fix is offered where a lock is not the
remedy: a global that carries one request's data (use `flask.g`); one
step that reads nothing of the state (`x = v`, `D[k] = v`, `L.append(v)`)
when no other code takes that lock (a lock no reader takes changes
nothing); a block that yields, or waits for another thread; a function
whose body is on its `def` line.  A lock makes
the state consistent within one process only: with several worker
processes, keep it in Redis or a database.

A global that carries one request's data (`global user; user =
request.headers[...]` in a `before_request` hook) gets the `flask.g` fix
instead: see FGL004."""

# The "Fix safety" of FGL006 for per-request data on a view instance every request shares.
ATTR_FIX_SAFETY = """\
On a view instance every request shares (`init_every_request = False`, a
SocketIO namespace), a value stored with `self.owner = ...` is one
request's data.  `--fix` makes it a local of the method (`owner = ...`)
when only that method uses it and stores it before reading it; otherwise
it goes on `flask.g` (`g.owner`).  A count kept there
(`self.hits += 1`) gets the lock fix above, with the lock named after the
class (`_counter_hits_lock`).

The local is safe.  `flask.g` is unsafe (`--unsafe-fixes`): a method that
relied on a value an earlier request stored now sees none.  No fix when
`__init__` sets the attribute (it is the instance's own state), when the
class reaches it by name (`getattr(self, "owner")`) or on the class, and
no `flask.g` when the class or a base sets it in its body (a setting a
subclass may override, which reads before the store would miss)."""

# The "Fix safety" of FGL009.
LOCKED_LIKE_SAFETY = """\
`--fix` wraps the unprotected write, with every read and write of the
state in its function (the smallest block that holds them), in the lock
the other writes take, named as they name it (`with CART_LOCK:`, or
`with self._lock:` in a method of the same class).  Nothing is defined.

Safe on the same terms as the lock fix of FGL001-FGL003 (no call in the
block that could take another lock, not a coroutine).  No fix when the
other writes take several locks, or a lock this function cannot name (a
lock of another module, a local, another class's)."""

# The "Fix safety" of FGL008.
HOIST_SAFETY = """\
`--fix` turns `with threading.Lock():` (a lock made on every call, which
excludes nothing) into one lock made once at module level, before the
function (`_like_lock = threading.Lock()`), that the `with` takes.

Unsafe when the block calls project code or a method the analysis cannot
follow: the lock now really excludes, and a call that takes it again, or
takes another lock, can deadlock.  No fix for a lock bound to a local
first, in a nested function or a coroutine, or made by another call
(`r.lock("jobs")`)."""

# The "Fix safety" of FGL005.
WIDEN_SAFETY = """\
`--fix` grows the `with <lock>:` block held for the write up to the test
(or the computation) made outside it: the statements from the test to
the block move inside it, and a second `with` on the same lock inside
that range is dissolved (the lock is not reentrant).

Safe when the statements that move inside call nothing the analysis
cannot follow and nothing that could take another lock.  Unsafe
otherwise, and in a coroutine.  No fix when the write holds several
locks, when the moved statements wait for another thread (`.wait()`,
`.join()`), or when the test and the block are not in one block of the
function."""

# The "Fix safety" of FGL004 (and of FGL001 findings that store request data in a global).
G_FIX_SAFETY = """\
`--fix` moves a module global that request functions rebind to the
request's own data onto `flask.g`: each write becomes `g.name = ...`, each
read `g.get("name", <the module's default>)`, the `global` statements go,
`g` is imported from flask, and the module binding is removed when
nothing else uses it.  Uses are found with libcst's scope analysis, so a
local of the same name is left alone.

Safe when every use is in a function that runs at request time.  Unsafe
(`--unsafe-fixes`) when the global is used elsewhere (import time, a
background thread: it keeps reading the module's value, which no longer
changes) or another module imports it.  Only globals of the writing module
get it; a default that is not a literal makes reads before the first write
see None."""


# A place as a fix can write it: a name or a dotted path (``downloads``, ``self.views``).
_PLACE = re.compile(r"[A-Za-z_][\w.]*")


def lock_name(write: Write) -> str:
    """``_downloads_lock`` for ``downloads``; one lock per object for an object's attributes
    (``stats.views`` and ``stats.hits``: ``_stats_lock``)."""
    # The object is the state's name but its last attribute (``app.game`` of ``app.game.moves``).
    root = write.state.name.rsplit(".", 1)[0] if write.operation == "object" else write.state.name
    head, _, rest = root.partition(".")
    if head in ("self", "cls") and rest and write.function.class_name:
        root = f"{write.function.class_name}.{rest}"  # an attribute of a shared view instance
    stem = re.sub(r"\W+", "_", root).strip("_").lower() or "state"
    return f"_{stem}_lock"


def reference(write: Write) -> str:
    """The state as the writing function spells it: ``downloads``, ``STOCK``, ``self.views``."""
    return write.access.target.text().split("[")[0]


def fix_for(write: Write, analysis: Analysis) -> Optional[Fix]:
    """The fix for an unlocked write: the lock its other writes take (FGL009's remedy), a new lock,
    or ``flask.g`` for a global that carries request data.  None for the work a request started after
    testing the state (``Write.started_after``): a lock around the work's store leaves the test and
    the start apart; the request must claim the work itself."""
    project = analysis.project
    if write.started_after is not None:
        return None
    return (locked_like(write, analysis) or lock_fix(write, project, torn_references(write, analysis))
            or g_fix(write, project) or request_attr_fix(write, project))


def torn_references(write: Write, analysis: Analysis) -> tuple[str, ...]:
    """The places the rest of a torn update writes (``self._mtime`` after ``self._map.top_map``): the
    lock's block holds them too."""
    return tuple(dict.fromkeys(ref for other in analysis.torn_with(write)
                               if _PLACE.fullmatch(ref := reference(other))))


def request_attr_fix(write: Write, project: Project) -> Optional[AttrToRequest]:
    """Per-request data stored on a view instance every request shares (``self.owner = ...`` in a view
    with ``init_every_request = False``): the fixer makes it a local, or ``g.owner``."""
    access = write.access
    if write.operation != "view" or write.reach.context.shared_self is None or write.locks:
        return None
    if access.kind != "attr" or access.read_modify_write or access.augmented or not write.function.class_name:
        return None
    match = re.fullmatch(r"([A-Za-z_]\w*)\.([A-Za-z_]\w*)", access.target.text())
    if match is None or not write.function.params or match.group(1) != write.function.params[0]:
        return None
    attribute, owner = match.group(2), ClassSym(write.module.module, write.function.class_name)
    return AttrToRequest("safe", "", attribute, write.function.class_name, write.function.span.line,
                         class_level=project.class_attr(owner, attribute) is not None)


def locked_like(write: Write, analysis: Analysis) -> Optional[LockFix]:
    """The fix of an unlocked write whose state other writes change under a lock: take that lock,
    when this function can name it as they do (a module lock of the same module, or ``self._lock``
    in a method of the same class)."""
    other = analysis.inconsistent_with(write)
    if other is None or write.locks or len(other.held) != 1:
        return None
    uses = [use for use in other.access.locks if not use.made]
    if len(uses) != 1:
        return None
    name = uses[0].lock.text()  # as the other write's function spells it
    same_module = other.module.path == write.module.path
    if re.fullmatch(r"[A-Za-z_]\w*", name):
        usable = same_module and name in write.module.bindings
    else:
        usable = (re.fullmatch(r"self\.[A-Za-z_]\w*", name) is not None and same_module
                  and bool(write.function.class_name) and write.function.class_name == other.function.class_name)
    planned = lock_fix(write, analysis.project, torn_references(write, analysis))
    if not usable or planned is None:
        return None
    # The lock is this module's own: where the state is defined no longer matters.
    reasons = [r for r in planned.why.split("; ") if r and "another module" not in r]
    return replace(planned, lock=name, lock_path=write.module.path, lock_module="", existing=True,
                   applicability="unsafe" if reasons else "safe", why="; ".join(reasons))


def g_fix(write: Write, project: Project) -> Optional[GlobalToG]:
    """``flask.g`` for a module global that a request function rebinds to the request's own data."""
    state, module = write.state, write.module
    if write.operation != "rebind" or not write.stores_request_data or write.access.kind != "rebind":
        return None
    if state.where != "module" or state.path != module.path or write.access.target.path:
        return None
    lines = tuple(sorted({fn.span.line for (key, _), reach in project.reached.items()
                          if key.module == module.module and reach.entry.request_time
                          and (fn := project.function(key)) is not None}))
    stem = module.module.rsplit(".", 1)[-1]
    imported = any(imp.name == state.name and imp.module.rsplit(".", 1)[-1].lstrip(".") == stem
                   for other in project.modules.values() if other is not module for imp in other.imports.values())
    why = "another module imports it: it keeps reading the module's value" if imported else ""
    return GlobalToG("unsafe" if why else "safe", why, state.name, state.path, state.line, lines, imported)


# The lock constructors a per-call ``with X():`` can be hoisted from, as the code names them.
_LOCK_CALLS = ("threading.Lock", "threading.RLock", "Lock", "RLock")


def hoist_fix(module: ModuleFacts, fn: FunctionFacts, use: LockUse) -> Optional[HoistLock]:
    """FGL008's fix for ``with threading.Lock():``: the lock made once, at module level."""
    called = use.lock.text()
    if not use.made or called not in _LOCK_CALLS or fn.is_async or fn.parent:
        return None
    stem = re.sub(r"\W+", "_", fn.name).strip("_").lower() or "view"
    return HoistLock("safe", "", fn.span.line, use.span.line, f"{called}()", f"_{stem}_lock")


def widen_fix(write: Write, from_line: int) -> Optional[WidenLock]:
    """FGL005's fix: the block of the one lock held for the write grows up to the test at ``from_line``."""
    if len(write.held) != 1 or not _PLACE.fullmatch(write.held[0].name):
        return None
    if from_line >= write.access.span.line or from_line < write.function.span.line:
        return None
    why = "the function is a coroutine: a threading lock held across an await blocks the event loop" \
        if write.function.is_async else ""
    return WidenLock("unsafe" if why else "safe", why, write.function.span.line, write.held[0].name, from_line,
                     write.access.span.line)


def lock_fix(write: Write, project: Project, also: tuple[str, ...] = ()) -> Optional[LockFix]:
    """The lock fix for an unlocked write to in-process state, or None when there is none to make;
    ``also``: other places its block must hold (the rest of a torn update)."""
    state = write.state
    # A view class's own attribute, shared by the per-request instances, takes a lock too; a value
    # stored on a view instance every request shares (init_every_request = False) is per-request
    # data (a local or flask.g, not a lock); a count kept there (self.hits += 1) takes a lock.
    shared_instance = write.operation == "view" and write.reach.context.shared_self is not None \
        and not write.access.read_modify_write
    if write.locks or write.operation not in ("rebind", "container", "object", "view") or shared_instance \
            or state.kind == "process":
        return None
    if state.where not in ("module", "class", "instance") or not state.path or not state.line:
        return None
    if write.operation == "rebind" and write.stores_request_data:
        return None  # per-request data in a global: a lock does not stop the next request reading it (flask.g does)
    ref = reference(write)
    if not _PLACE.fullmatch(ref):
        return None
    # The fixer knows which of them end up inside the block it wraps.
    calls = tuple(sorted({(call.span.line, call.callee.text()) for call, target, _ in
                          project.callees(write.reach.key, write.function, write.reach.context)
                          if project.function(target) is not None}))
    reasons = []
    if state.path != write.module.path:
        reasons.append(f"the state is defined in another module ({state.path}): the lock is imported from there")
    if write.function.is_async:
        reasons.append("the function is a coroutine: a threading lock held across an await blocks the event loop")
    if write.stores_request_data:
        reasons.append("it stores one request's data where other users' requests read it: a lock keeps it "
                       "consistent, not private (flask.g keeps it per request)")
    modules = project.modules
    defining = next((m.module for m in modules.values() if m.path == state.path), "")
    if state.path != write.module.path and not defining:
        return None
    references = tuple(dict.fromkeys((ref, *also)))
    return LockFix("unsafe" if reasons else "safe", "; ".join(reasons), write.function.span.line, references,
                   lock_name(write), state.path, state.line,
                   defining if state.path != write.module.path else "", project_calls=calls)
