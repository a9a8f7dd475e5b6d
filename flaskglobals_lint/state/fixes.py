"""How a write the rules report can be fixed: the plan ``--fix`` carries out.

The plan is made here, from the facts and the linked program, so that it is
plain data (cacheable, libcst-free); ``flaskglobals_lint.fix`` turns it into
edits.  One kind of fix today: a module-level lock per shared state around
the smallest block of the function that holds every read and write of it.
"""
from __future__ import annotations

import re
from typing import Optional

from ..diagnostics import Fix, GlobalToG, LockFix
from ..program.callgraph import Project
from .model import Write

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
remedy: a global that carries one request's data (use `flask.g`), a block
that yields, or a function whose body is on its `def` line.  A lock makes
the state consistent within one process only: with several worker
processes, keep it in Redis or a database.

A global that carries one request's data (`global user; user =
request.headers[...]` in a `before_request` hook) gets the `flask.g` fix
instead: see FGL004."""

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


def lock_name(write: Write) -> str:
    """``_downloads_lock`` for ``downloads``; one lock per object for an object's attributes
    (``stats.views`` and ``stats.hits``: ``_stats_lock``)."""
    root = write.state.name.split(".")[0] if write.operation == "object" else write.state.name
    stem = re.sub(r"\W+", "_", root).strip("_").lower() or "state"
    return f"_{stem}_lock"


def reference(write: Write) -> str:
    """The state as the writing function spells it: ``downloads``, ``STOCK``, ``self.views``."""
    return write.access.target.text().split("[")[0]


def fix_for(write: Write, project: Project) -> Optional[Fix]:
    """The fix for an unlocked write: a lock, or ``flask.g`` for a global that carries request data."""
    return lock_fix(write, project) or g_fix(write, project)


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


def lock_fix(write: Write, project: Project) -> Optional[LockFix]:
    """The lock fix for an unlocked write to in-process state, or None when there is none to make."""
    state = write.state
    if write.locks or write.operation not in ("rebind", "container", "object") or state.kind == "process":
        return None
    if state.where not in ("module", "class", "instance") or not state.path or not state.line:
        return None
    if write.operation == "rebind" and write.stores_request_data:
        return None  # per-request data in a global: a lock does not stop the next request reading it (flask.g does)
    ref = reference(write)
    if not re.fullmatch(r"[A-Za-z_][\w.]*", ref):
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
    modules = project.modules
    defining = next((m.module for m in modules.values() if m.path == state.path), "")
    if state.path != write.module.path and not defining:
        return None
    return LockFix("unsafe" if reasons else "safe", "; ".join(reasons), write.function.span.line, (ref,),
                   lock_name(write), state.path, state.line,
                   defining if state.path != write.module.path else "", calls)
