"""Work a request starts concurrently: ``Thread(target=work)``, ``executor.submit(work, x)``.

The started function runs at request time, next to every other request and to
the copies of itself other requests started, but not under the locks its
starter holds, and not with the starter's arguments bound to its parameters.
The catalogue of starters is ``frameworks.stdlib.THREAD_STARTERS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from ..facts.model import Call, FunctionFacts, Ref
from ..frameworks.stdlib import THREAD_START_METHODS, THREAD_STARTERS
from .symbols import ClassSym, FunctionKey, global_names

if TYPE_CHECKING:
    from .callgraph import Context, Project


@dataclass(frozen=True)
class Started:
    """The function a call starts, the context it runs in, and the call as the chain shows it."""

    function: FunctionKey
    context: "Context"
    text: str  # ``Thread(target=work)``


def started_function(project: "Project", call: Call, fn: FunctionFacts, module: str,
                     context: "Context") -> Optional[Started]:
    """What ``call`` (made by ``fn``) starts concurrently, if it is a thread, pool or greenlet start
    of a project function.  A start kept as a lazy singleton (``if C.thread is None: C.thread =
    Thread(target=run)``) is left out: one such worker per process has no sibling to race with, and
    what it publishes for requests to read is its design, not a lost update."""
    if singleton_start(fn, call):
        return None
    root, path = call.callee.root, call.callee.path
    name = path[-1][1:] if path and path[-1].startswith(".") else root.name if not path else ""
    position, keyword = THREAD_START_METHODS.get(name, -1) if path else -1, ""
    names = global_names(root, path) if root.kind == "global" else ()
    if position < 0 and names:
        position, keyword = THREAD_STARTERS.get(project.qualified(module, names), (-1, ""))
    if position < 0:
        return None
    ref: Optional[Ref] = next((r for kw, r, _ in call.kwargs if keyword and kw == keyword), None)
    if ref is None and position < len(call.args):
        ref, keyword = call.args[position], ""
    if ref is None or not all(step.startswith(".") for step in ref.path):
        return None
    found = None
    if ref.root.kind == "global":
        sym, rest = project.resolve_dotted(module, global_names(ref.root, ref.path))
        if not isinstance(sym, ClassSym):
            found = project.target_of_symbol(sym, rest)
    elif ref.root.kind in ("self", "cls") and len(ref.path) == 1:
        found = project.method_of_root(module, ref.root, ref.path[0][1:], context)
    if found is None:
        return None
    target = ref.text()
    return Started(found[0], found[1], f"{name}({keyword + '=' if keyword else ''}{target})")


def singleton_start(fn: FunctionFacts, call: Call) -> bool:
    """The statement that starts stores the worker in a place ``fn`` tested before (a lazy init)."""
    stored = [a.target for a in fn.accesses if a.index == call.index and a.kind in ("rebind", "attr")]
    return any(t.ref == target and t.index < call.index for t in fn.tests for target in stored)
