"""FGL008's fix as a libcst transformation: a lock made per call, made once at module level.

``with threading.Lock():`` in the function becomes ``with _like_lock:``, and
``_like_lock = threading.Lock()`` goes before the function's top-level statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from .blocks import Calls
from .module import EMPTY, Tree, imported_modules, top_level_names, tree

__all__ = ["Hoist", "hoist"]


@dataclass
class Hoist:
    function_line: int
    line: int
    call: str
    lock: str
    # Set by the transformation.
    done: bool = False
    refused: str = ""
    unfollowed: str = ""


class _Hoist(cst.CSTTransformer):
    def __init__(self, parsed: Tree, job: Hoist, known: frozenset[str], modules: frozenset[str]) -> None:
        super().__init__()
        self.tree = parsed
        self.job, self.known, self.modules = job, known, modules
        self.depth = 0
        self.inside = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.tree.start(node.name) == self.job.function_line:
            self.inside = True

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if self.tree.start(original.name) == self.job.function_line:
            self.inside = False
        return updated

    def leave_With(self, original: cst.With, updated: cst.With) -> cst.With:
        job = self.job
        if not self.inside or self.tree.start(original) != job.line:
            return updated
        items = list(updated.items)
        for index, item in enumerate(items):
            if EMPTY.code_for_node(item.item) == job.call:
                calls = Calls(set(), self.known, self.modules)
                original.body.visit(calls)
                job.unfollowed = calls.unfollowed
                if calls.blocking:
                    job.refused = f"the block waits for another thread ({calls.blocking})"
                    return updated
                items[index] = item.with_changes(item=cst.Name(job.lock))
                job.done = True
                return updated.with_changes(items=items)
        return updated


def hoist(source: str, job: Hoist) -> str:
    """``source`` with the lock hoisted (``job.done``), or unchanged (``job.refused``)."""
    parsed = tree(source)
    module = parsed.module
    if job.lock in top_level_names(module):
        job.refused = f"the module already binds {job.lock}"
        return source
    new = module.visit(_Hoist(parsed, job, frozenset(top_level_names(module)), frozenset(imported_modules(module))))
    if not job.done:
        job.refused = job.refused or "the with statement was not found"
        return source
    body: list[Any] = list(new.body)
    at = next((i for i, statement in enumerate(module.body) if parsed.holds(statement, job.function_line)), None)
    if at is None:
        job.done, job.refused = False, "the function is not at module level"
        return source
    statement = cst.parse_statement(f"{job.lock} = {job.call}\n").with_changes(leading_lines=body[at].leading_lines)
    body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
    body.insert(at, statement)
    return new.with_changes(body=body).code
