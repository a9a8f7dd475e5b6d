"""Statement positions, read from Python's ``ast`` in step with the libcst walk.

``ast`` gives them ten times faster than libcst's PositionProvider (which
renders the whole module); the provider is the fallback when ``ast`` cannot
parse what libcst did, or when the two trees disagree.
"""
from __future__ import annotations

import ast
import re
from typing import Mapping, Optional, Sequence, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .model import Span


class PositionMismatch(Exception):
    """The ast and libcst trees disagree (should not happen): use libcst's own positions."""


SMALL_AST: dict[type, type] = {
    cst.Expr: ast.Expr, cst.Assign: ast.Assign, cst.AugAssign: ast.AugAssign, cst.AnnAssign: ast.AnnAssign,
    cst.Return: ast.Return, cst.Del: ast.Delete, cst.Pass: ast.Pass, cst.Break: ast.Break,
    cst.Continue: ast.Continue, cst.Global: ast.Global, cst.Nonlocal: ast.Nonlocal, cst.Import: ast.Import,
    cst.ImportFrom: ast.ImportFrom, cst.Raise: ast.Raise, cst.Assert: ast.Assert,
}
COMPOUND_AST: dict[type, Union[type, tuple[type, ...]]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef), cst.ClassDef: ast.ClassDef, cst.If: ast.If,
    cst.While: ast.While, cst.For: (ast.For, ast.AsyncFor), cst.With: (ast.With, ast.AsyncWith),
    cst.Try: ast.Try,
}
if hasattr(ast, "TryStar"):
    COMPOUND_AST[cst.TryStar] = ast.TryStar
if hasattr(ast, "Match"):
    COMPOUND_AST[cst.Match] = ast.Match
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def body_of(twin: Optional[ast.stmt], name: str = "body") -> Optional[Sequence[ast.stmt]]:
    return getattr(twin, name, None) if twin is not None else None


class Cursor:
    """Walks an ast statement list in step with the libcst statements of the same block."""

    def __init__(self, positions: "Positions", statements: Optional[Sequence[ast.stmt]]) -> None:
        self.positions = positions
        self.statements = statements
        self.index = 0

    def take(self, node: cst.CSTNode, expected: Union[type, tuple[type, ...]]) -> Optional[ast.stmt]:
        if self.statements is None:
            return None
        if self.index >= len(self.statements) or not isinstance(self.statements[self.index], expected):
            raise PositionMismatch(type(node).__name__)
        twin = self.statements[self.index]
        self.index += 1
        return twin

    def next(self, node: cst.CSTNode, expected: Union[type, tuple[type, ...]]) -> Span:
        return self.positions.span(node, self.take(node, expected))


class Positions:
    """Statement positions.  Python's ``ast`` gives them ten times faster than
    libcst's PositionProvider (which renders the whole module); the provider is
    the fallback when ``ast`` cannot parse what libcst did."""

    def __init__(self, text: str, tree: cst.Module, module: Optional[ast.Module]) -> None:
        self.text = text
        self.tree = tree
        self.lines: Optional[list[str]] = None
        self.module = module
        self.provider: Optional[Mapping[cst.CSTNode, object]] = None
        if self.module is None:
            self.provider = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)

    def cursor(self, statements: Optional[Sequence[ast.stmt]]) -> Cursor:
        return Cursor(self, statements if self.provider is None else None)

    def span(self, node: cst.CSTNode, twin: Optional[ast.stmt]) -> Span:
        if twin is None:
            if self.provider is None:
                raise PositionMismatch(type(node).__name__)
            rng = self.provider[node]
            return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)  # type: ignore
        end_line = twin.end_lineno or twin.lineno
        end_col = twin.end_col_offset if twin.end_col_offset is not None else twin.col_offset
        return Span(twin.lineno, self.column(twin.lineno, twin.col_offset) + 1,
                    end_line, self.column(end_line, end_col) + 1)

    def column(self, line: int, byte_offset: int) -> int:
        """ast counts UTF-8 bytes; report characters, like editors do."""
        if self.lines is None:
            self.lines = _LINE_BREAK.split(self.text)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))

    def root_statements(self) -> Optional[Sequence[ast.stmt]]:
        return self.module.body if self.module is not None else None

