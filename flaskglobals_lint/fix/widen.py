"""FGL005's fix as a libcst transformation: the lock's block grows up to the check made outside it.

In the deepest block of the function that holds both the statement with the test and the
statement with the write, the run of statements from the one to the other goes under one
``with <lock>:``; a ``with`` on the same lock inside that run is dissolved into its body (a
``threading.Lock`` is not reentrant).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

import libcst as cst

from .blocks import Calls, blocks_of, statements_of, with_statements
from .module import EMPTY, Tree, imported_modules, top_level_names, tree

__all__ = ["Widen", "widen"]


@dataclass
class Widen:
    function_line: int
    lock: str
    from_line: int
    write_line: int
    # Set by the transformation.
    done: bool = False
    refused: str = ""
    unfollowed: str = ""


class _Dissolve(cst.CSTTransformer):
    """``with <lock>: body`` -> ``body``, wherever it is in the statements it runs over."""

    def __init__(self, lock: str) -> None:
        super().__init__()
        self.lock = lock

    def leave_With(self, original: cst.With, updated: cst.With) -> Union[cst.BaseStatement,
                                                                          cst.FlattenSentinel[cst.BaseStatement]]:
        if len(updated.items) == 1 and EMPTY.code_for_node(updated.items[0].item) == self.lock and \
                isinstance(updated.body, cst.IndentedBlock):
            body = list(updated.body.body)
            if body:
                lines = [*updated.leading_lines, *getattr(body[0], "leading_lines", ())]
                body[0] = body[0].with_changes(leading_lines=lines)
            return cst.FlattenSentinel(body)
        return updated


class _Widen(cst.CSTTransformer):
    def __init__(self, parsed: Tree, job: Widen, known: frozenset[str], modules: frozenset[str]) -> None:
        super().__init__()
        self.tree = parsed
        self.job, self.known, self.modules = job, known, modules

    def _holds(self, node: cst.CSTNode, line: int) -> bool:
        return self.tree.holds(node, line)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if self.tree.start(original.name) != self.job.function_line:
            return updated
        if not isinstance(original.body, cst.IndentedBlock) or not isinstance(updated.body, cst.IndentedBlock):
            self.job.refused = "the function's body is on its def line"
            return updated
        body = self._widen(original.body.body, list(updated.body.body))
        return updated.with_changes(body=updated.body.with_changes(body=body)) if body is not None else updated

    def _widen(self, original: Sequence[cst.BaseStatement], updated: list[Any]) -> Optional[list[Any]]:
        job = self.job
        first = next((i for i, s in enumerate(original) if self._holds(s, job.from_line)), None)
        last = next((i for i, s in enumerate(original) if self._holds(s, job.write_line)), None)
        if first is None or last is None or first > last:
            job.refused = "the test and the locked block are not in one block of the function"
            return None
        if first == last:
            inner = self._inside(original[first], updated[first])
            if inner is not None:
                return [*updated[:first], inner, *updated[first + 1:]]
        calls = Calls(set(), self.known, self.modules)
        for statement in original[first:last]:  # what moves inside the lock; the block itself was there
            statement.visit(calls)
        if calls.blocking:
            job.refused = f"the statements that would move under the lock wait for another thread ({calls.blocking})"
            return None
        job.unfollowed = calls.unfollowed
        moved = [statement.visit(_Dissolve(job.lock)) for statement in updated[first:last + 1]]
        flat: list[Any] = []
        for statement in moved:
            flat.extend(statement.nodes if isinstance(statement, cst.FlattenSentinel) else [statement])
        leading = getattr(flat[0], "leading_lines", ())
        flat[0] = flat[0].with_changes(leading_lines=())
        job.done = True
        block = cst.With(items=[cst.WithItem(cst.parse_expression(job.lock))], body=cst.IndentedBlock(body=flat),
                         leading_lines=leading)
        return [*updated[:first], block, *updated[last + 1:]]

    def _inside(self, original: cst.BaseStatement, updated: cst.BaseStatement) -> Optional[cst.BaseStatement]:
        """Both lines in one block of this compound statement (not its header): widen in there."""
        if not isinstance(original, cst.BaseCompoundStatement):
            return None
        for name in blocks_of(original):
            old_block, new_block = getattr(original, name), getattr(updated, name)
            old_inner, new_inner = statements_of(old_block), statements_of(new_block)
            if old_inner is None or new_inner is None:
                continue
            if self._holds(old_inner, self.job.from_line) and self._holds(old_inner, self.job.write_line):
                body = self._widen(old_inner.body, list(new_inner.body))
                if body is None:
                    return None
                return updated.with_changes(**{name: with_statements(new_block, body)})
        return None


def widen(source: str, job: Widen) -> str:
    """``source`` with the lock's block widened (``job.done``), or unchanged (``job.refused``)."""
    parsed = tree(source)
    module = parsed.module
    fixer = _Widen(parsed, job, frozenset(top_level_names(module)), frozenset(imported_modules(module)))
    new = module.visit(fixer)
    return new.code if job.done else source
