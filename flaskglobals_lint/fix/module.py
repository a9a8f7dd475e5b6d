"""A module's top level as the fixes edit it: its imports and the names it binds, and where a new
import goes."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper

from .lines import Lines, lines_of


EMPTY = cst.Module(body=[])


class Tree:
    """A source parsed once and shared by every fix of a round (the trees are immutable), with
    what the fixes ask of it computed on first use and kept: the lines of its nodes, and a
    metadata wrapper for the fixes that need libcst's scopes or columns."""

    __slots__ = ("module", "_lines", "_wrapper")

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._lines: Optional[Lines] = None
        self._wrapper: Optional[MetadataWrapper] = None

    def lines(self, node: cst.CSTNode) -> tuple[int, int]:
        """The first and last line of ``node``, a node of this tree (``PositionProvider``'s lines)."""
        if self._lines is None:
            self._lines = lines_of(self.module)
        return self._lines[node]

    def start(self, node: cst.CSTNode) -> int:
        return self.lines(node)[0]

    def holds(self, node: cst.CSTNode, line: int) -> bool:
        start, end = self.lines(node)
        return start <= line <= end

    @property
    def wrapper(self) -> MetadataWrapper:
        """A metadata wrapper over this tree: it keeps the metadata it computed, and visiting it
        makes a new tree.  A fresh parse holds each node once, so it need not copy it first."""
        if self._wrapper is None:
            self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return self._wrapper


@lru_cache(maxsize=32)
def tree(source: str) -> Tree:
    """``source`` parsed, once (a syntax error is raised each time, not kept)."""
    return Tree(cst.parse_module(source))


def parsed(source: str) -> cst.Module:
    return tree(source).module


def after_imports(module: cst.Module) -> int:
    """Where new imports go: after the docstring, ``__future__`` imports and the leading imports."""
    at = 0
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(small, (cst.Import, cst.ImportFrom)) or
                (index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))
                for small in statement.body):
            at = index + 1
        else:
            break
    return at


def importing(body: list[cst.BaseStatement], name: str) -> Optional[int]:
    """The top-level ``from ... import`` statement (alone on its line) that imports ``name`` as itself."""
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar) and any(
                    alias.asname is None and EMPTY.code_for_node(alias.name) == name for alias in small.names):
                return index
    return None


def with_name(statement: cst.BaseStatement, name: str) -> cst.BaseStatement:
    """``from m import a, b`` -> ``from m import a, b, name``."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    last = small.names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    names = [*small.names[:-1], last, cst.ImportAlias(cst.Name(name))]
    return statement.with_changes(body=[small.with_changes(names=names)])


def stdlib_import_place(module: cst.Module) -> int:
    """Where ``import threading`` goes: among the plain ``import x`` of the leading imports that come
    before any ``from`` import (the standard library group, by convention), in alphabetical order;
    else before the first import (after the docstring and ``__future__``)."""
    at: Optional[int] = None
    first = None
    for index, statement in enumerate(module.body[:after_imports(module)]):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom) and EMPTY.code_for_node(small.module or cst.Name("")) == "__future__":
            continue
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            first = index if first is None else first
        if isinstance(small, cst.ImportFrom):
            break
        if isinstance(small, cst.Import):
            if EMPTY.code_for_node(small.names[0].name) > "threading":
                return index  # in alphabetical order among them
            at = index + 1
    if at is not None:
        return at
    return after_imports(module) if first is None else first


def threading_alias(module: cst.Module) -> str:
    """The name this module imports ``threading`` under at top level (``th`` for ``import threading as
    th``), or '' when it does not."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if EMPTY.code_for_node(alias.name) == "threading":
                        return alias.asname.name.value if alias.asname and isinstance(  # type: ignore[union-attr]
                            alias.asname.name, cst.Name) else "threading"
    return ""


def top_level_names(module: cst.Module) -> set[str]:
    """Names bound by simple top-level assignments and imports (to avoid taking a lock name in use)."""
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    names.update(EMPTY.code_for_node(t.target) for t in small.targets)
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names.add(EMPTY.code_for_node(small.target))
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    names.update((a.asname.name.value if a.asname else EMPTY.code_for_node(a.name))  # type: ignore
                                 for a in small.names)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
    return names


def imported_modules(module: cst.Module) -> set[str]:
    """The names that ``import x`` / ``import x.y`` / ``import x as y`` bind at top level."""
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                            names.add(alias.asname.name.value)
                        else:
                            names.add(EMPTY.code_for_node(alias.name).split(".")[0])
    return names


def lock_assigned(module: cst.Module, name: str) -> Optional[bool]:
    """Whether the top-level ``name = ...`` is a lock (``threading.Lock()``/``RLock()``); None if unbound."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(EMPTY.code_for_node(t.target) == name
                                                         for t in small.targets):
                    code = EMPTY.code_for_node(small.value)
                    return code.endswith(("Lock()", "RLock()"))
    return None
