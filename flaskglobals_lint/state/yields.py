"""Where a cooperative worker can switch greenlets: the calls that may yield.

Under gevent or eventlet a greenlet runs until it blocks: on I/O, a sleep, a lock wait, an emit.
A call into the project yields only if the function it runs does, through its own calls; a call
into a library yields unless its name is one that never blocks (``stdlib.NON_YIELDING_CALLS``).
"""
from __future__ import annotations

from typing import Optional

from ..facts.model import Call, FunctionFacts
from ..frameworks.stdlib import NON_YIELDING_CALLS
from ..program.callgraph import Context, Project
from ..program.symbols import FunctionKey


def called_name(call: Call) -> str:
    """The last name called: ``get`` for ``cache.get(k)``, ``sleep`` for ``time.sleep(1)``."""
    path = call.callee.path
    return path[-1][1:] if path and path[-1].startswith(".") else call.callee.root.name


class YieldPoints:
    """Which calls may let another greenlet run, following project functions (memoized per run)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._yields: dict[tuple[FunctionKey, Context], bool] = {}

    def may_yield(self, call: Call, module: str, context: Context) -> bool:
        return self._call_yields(call, module, context, set())

    def _call_yields(self, call: Call, module: str, context: Context,
                     seen: set[tuple[FunctionKey, Context]]) -> bool:
        if call.callee.path[-1:] == (".acquire",) or called_name(call) in NON_YIELDING_CALLS:
            return False
        targets = [(key, ctx) for _, key, ctx in self.project.callees_of_call(call, module, context)]
        # A library's call may do I/O; so may a project function that one of its calls yields in.
        return not targets or any(self._function_yields(key, ctx, seen) for key, ctx in targets)

    def _function_yields(self, key: FunctionKey, context: Context,
                         seen: set[tuple[FunctionKey, Context]]) -> bool:
        """Whether running ``key`` may yield.  ``seen``: the functions this query already reads (a
        recursive call adds no yield of its own); a no is kept only for the function the query
        started from, whose reading is complete."""
        known = self._yields.get((key, context))
        if known is not None:
            return known
        if (key, context) in seen:
            return False
        top = not seen
        seen.add((key, context))
        fn: Optional[FunctionFacts] = self.project.function(key)
        # No facts: the function calls nothing that may block (``Resolver.prune``).
        result = fn is not None and (fn.is_async or bool(fn.decorators) or bool(fn.other_calls) or any(
            self._call_yields(call, key.module, context, seen) for call in fn.calls))
        if result or top:
            self._yields[(key, context)] = result
        return result
