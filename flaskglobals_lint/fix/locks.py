"""The lock fix as a libcst transformation of one file.

For each function to fix: find the smallest block that holds every statement
reading or writing the state, and wrap that run of statements in
``with <lock>:``.  For each lock this file defines: ``import threading`` (or
the module's own alias of it) and ``<lock> = threading.Lock()`` after the
top-level statement that defines the state.  For a lock defined elsewhere:
``from <module> import <lock>``.  Comments and formatting outside the
wrapped statements are left as they are; the wrapped ones move one level in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import libcst as cst

from .blocks import (Body, Calls, aliases_of, blocks_of, header_of, holds_lock, lone_store, scan, statements_of,
                     with_statements)
from .module import (after_imports, importing, stdlib_import_place, with_name, imported_modules,
                     threading_alias, top_level_names, tree)
from .module import Tree

__all__ = ["Define", "Wrap", "transform"]


@dataclass
class Wrap:
    """Wrap the statements of the function defined at ``function_line`` that touch ``references``."""

    function_line: int
    references: set[str]
    lock: str
    # The lines of the reported writes: the block holds them too (a write through an alias of the
    # state, ``task = [t for t in tasks ...]; task[0]["done"] = True``, names no reference).
    lines: set[int] = field(default_factory=set)
    # Set by the transformation: the wrapped lines, or why nothing was wrapped; and the first call in
    # the block that the analysis cannot follow or that blocks (the fix is then unsafe).
    wrapped: Optional[tuple[int, int]] = None
    refused: str = ""
    unfollowed: str = ""
    # The block is one store that rebinds the state and reads nothing of it.
    lone: bool = False


@dataclass
class Define:
    """Define ``lock`` after the top-level statement that holds ``line``; or import it from ``module``."""

    lock: str
    line: int = 0
    module: str = ""
    # A name this file already imports from ``module``: the lock joins that import.
    beside: str = ""
    done: bool = field(default=False)


class _Fixer(cst.CSTTransformer):
    def __init__(self, parsed: Tree, wraps: list[Wrap], defines: list[Define], threading_name: str,
                 known: frozenset[str] = frozenset(), modules: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.tree = parsed
        self.wraps = {w.function_line: w for w in wraps}
        self.known, self.modules = known, modules
        self.aliases: set[str] = set()
        self.defines = defines
        self.threading_name = threading_name

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Only the statements that hold a wrapped function are rebuilt: the rest stay as they are."""
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            start, end = self.tree.lines(node)
            if not any(start <= line <= end for line in self.wraps):
                return False
        return super().on_visit(node)

    # ----------------------------------------------------------- wrapping
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        line = self.tree.start(original.name)
        wrap = self.wraps.get(line)
        if wrap is None:
            return updated
        if not isinstance(updated.body, cst.IndentedBlock):
            wrap.refused = "the function's body is on its def line"
            return updated
        old_body: Any = original.body.body
        # Names the function binds to a part of the state (``task = [t for t in tasks ...]``, ``task =
        # task[0]``): writes through them are writes of the state, and the block holds them too.
        self.aliases = aliases_of(original.body, wrap.references)
        body = self._wrap(old_body, list(updated.body.body), wrap)
        return updated.with_changes(body=updated.body.with_changes(body=body)) if body is not None else updated

    def _wrap(self, original: Body, updated: list[cst.BaseStatement], wrap: Wrap) -> Optional[list[cst.BaseStatement]]:
        scans = [scan(statement, wrap.references | self.aliases) for statement in original]
        hits = [i for i, scan in enumerate(scans) if scan.found or self._holds_line(original[i], wrap.lines)]
        if any(holds_lock(original[i], wrap.lock) for i in hits):
            wrap.refused = f"the function already holds {wrap.lock} there"
            return None
        if not hits:
            wrap.refused = "no statement of the function touches the state"
            return None
        first, last = hits[0], hits[-1]
        if first == last and isinstance(original[first], cst.BaseCompoundStatement):
            inner = self._wrap_inside(original[first], updated[first], wrap)  # type: ignore[arg-type]
            if inner is not None:
                return [*updated[:first], inner, *updated[first + 1:]]
        if any(scans[i].suspends for i in range(first, last + 1)) or any(
                scan(original[i], set()).suspends for i in range(first, last + 1)):
            wrap.refused = "the block yields or awaits: a lock held across it would block other requests"
            return None
        wrap.lone = first == last and lone_store(original[first], wrap.references)
        wrap.wrapped = (self.tree.lines(original[first])[0], self.tree.lines(original[last])[1])
        calls = Calls(wrap.references, self.known, self.modules)
        for statement in original[first:last + 1]:
            statement.visit(calls)
        if calls.blocking:
            wrap.wrapped = None
            wrap.refused = (f"the block waits for another thread ({calls.blocking}): holding a lock there "
                            "stalls every request, or deadlocks")
            return None
        wrap.unfollowed = calls.unfollowed
        moved = list(updated[first:last + 1])
        leading = getattr(moved[0], "leading_lines", ())
        moved[0] = moved[0].with_changes(leading_lines=())
        block = cst.With(items=[cst.WithItem(cst.parse_expression(wrap.lock))], body=cst.IndentedBlock(body=moved),
                         leading_lines=leading)
        return [*updated[:first], block, *updated[last + 1:]]

    def _holds_line(self, statement: cst.CSTNode, lines: set[int]) -> bool:
        return any(self.tree.holds(statement, line) for line in lines)

    def _wrap_inside(self, original: cst.BaseCompoundStatement, updated: cst.BaseCompoundStatement,
                     wrap: Wrap) -> Optional[cst.BaseCompoundStatement]:
        """Wrap inside the one block of a compound statement that holds every reference, if there is one."""
        if any(scan(part, wrap.references).found for part in header_of(original)):
            return None
        holding = [name for name in blocks_of(original) if scan(getattr(original, name), wrap.references).found
                   or self._holds_line(getattr(original, name), wrap.lines)]
        if len(holding) != 1 or isinstance(original, cst.Try) and original.handlers:
            return None
        name = holding[0]
        old_block, new_block = getattr(original, name), getattr(updated, name)
        old_inner, new_inner = statements_of(old_block), statements_of(new_block)
        if old_inner is None or new_inner is None:
            return None
        body = self._wrap(old_inner.body, list(new_inner.body), wrap)
        if body is None:
            return None
        return updated.with_changes(**{name: with_statements(new_block, body)})

    # ----------------------------------------------------------- defining
    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body: list[Any] = list(updated.body)
        # Every place is an index into the original body; inserts are made from the last place up.
        inserts: dict[int, list[cst.BaseStatement]] = {}
        need_threading = False
        for define in self.defines:
            if define.module:
                index = importing(body, define.beside) if define.beside else None
                if index is not None:
                    body[index] = with_name(body[index], define.lock)
                else:
                    inserts.setdefault(after_imports(original), []).append(
                        cst.parse_statement(f"from {define.module} import {define.lock}\n"))
                define.done = True
                continue
            index = self._top_level_index(original, define.line)
            if index is None:
                continue
            statement = cst.parse_statement(f"{define.lock} = {self.threading_name or 'threading'}.Lock()\n")
            if isinstance(original.body[index], (cst.ClassDef, cst.FunctionDef)):
                # After a class (a class attribute's lock): two blank lines, as after any class.
                statement = statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
            inserts.setdefault(index + 1, []).append(statement)
            need_threading = need_threading or not self.threading_name
            define.done = True
        if need_threading:
            at = stdlib_import_place(original)
            statement = cst.parse_statement("import threading\n")
            following = body[at] if at < len(body) else None
            if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.ImportFrom):
                # Before the first ``from`` import: a group of its own, as the standard library's imports go.
                statement = statement.with_changes(leading_lines=following.leading_lines)
                body[at] = following.with_changes(leading_lines=[cst.EmptyLine()])
            elif following is not None and not (isinstance(following, cst.SimpleStatementLine)
                                                and isinstance(following.body[0], (cst.Import, cst.ImportFrom))):
                # Before the code itself (a module without imports): blank lines after the import.
                blank = 2 if isinstance(following, (cst.ClassDef, cst.FunctionDef)) else 1
                if len(following.leading_lines) < blank:
                    body[at] = following.with_changes(leading_lines=[cst.EmptyLine()] * blank)
            inserts.setdefault(at, []).insert(0, statement)
        for index in sorted(inserts, reverse=True):
            body[index:index] = inserts[index]
        return updated.with_changes(body=body)

    def _top_level_index(self, module: cst.Module, line: int) -> Optional[int]:
        for index, statement in enumerate(module.body):
            if self.tree.holds(statement, line):
                return index
        return None


def transform(source: str, wraps: list[Wrap], defines: list[Define], code: bool = True) -> str:
    """``source`` with the wraps and definitions made (those that could be are marked on them);
    without ``code``, only the marks (a trial: '' for the text)."""
    parsed = tree(source)
    module = parsed.module
    fixer = _Fixer(parsed, wraps, defines, threading_alias(module), frozenset(top_level_names(module)),
                   frozenset(imported_modules(module)))
    new = module.visit(fixer)
    return new.code if code else ""


Node = Union[cst.BaseStatement, cst.BaseCompoundStatement]
