"""The ``flask.g`` fix as a libcst transformation: a global that carries one request's data.

Every write of the global in a function (``global name; name = ...``) becomes ``g.name = ...``,
every read ``g.get("name", <the module's default>)``, the ``global`` statements lose the name,
``g`` is imported from flask, and the module binding goes when nothing else uses it.  The uses
are found with libcst's scope analysis, so a local of the same name is left alone.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Optional, Union

import libcst as cst
from libcst.metadata import GlobalScope, ScopeProvider

from .module import EMPTY, Tree, after_imports, importing, top_level_names, tree, with_name

__all__ = ["ToG", "to_g", "import_g"]

# Defaults that ``g.get(name, default)`` can repeat as written: evaluated per read, they mean the same.
_LITERALS = (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)


@dataclass
class ToG:
    name: str
    request_functions: set[int]
    keep_binding: bool
    # Set by the transformation.
    done: bool = False
    refused: str = ""
    outside: str = ""  # a use outside the request-time functions (the fix is then unsafe)
    computed_default: bool = False  # the module's value is not a literal g.get can repeat


def _default(module: cst.Module, name: str) -> tuple[Optional[int], str]:
    """The index of the top-level ``name = <value>`` and the value's code when ``g.get`` can repeat it."""
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if len(targets) == 1 and isinstance(targets[0], cst.Name) and targets[0].value == name:
                    value = small.value
                    if value is None:
                        return index, "None"
                    literal = isinstance(value, _LITERALS) or (
                        isinstance(value, cst.Name) and value.value in ("None", "True", "False"))
                    return index, EMPTY.code_for_node(value) if literal else ""
    return None, ""


class _Uses(cst.CSTVisitor):
    """Which function (by def line) each use of the global is in; 0 for module level."""

    def __init__(self, parsed: Tree, nodes: set[cst.CSTNode]) -> None:
        self.tree = parsed
        self.nodes = nodes
        self.stack: list[int] = []
        self.where: dict[cst.CSTNode, int] = {}
        self.declared: dict[cst.CSTNode, int] = {}  # each ``global`` statement: its function

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(self.tree.start(node.name))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()

    def visit_Global(self, node: cst.Global) -> None:
        self.declared[node] = self.stack[-1] if self.stack else 0

    def visit_Name(self, node: cst.Name) -> None:
        if node in self.nodes:
            self.where[node] = self.stack[-1] if self.stack else 0


class _InFString(cst.CSTTransformer):
    """A transformer that knows the quote of the f-string it is in, so that code it puts there does
    not end the string (before Python 3.12 an f-string's fields cannot reuse its quote)."""

    def __init__(self) -> None:
        super().__init__()
        self.quotes: list[str] = []

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.quotes.append(node.start.lstrip("rRfFbBuU"))

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString
                              ) -> cst.BaseExpression:
        self.quotes.pop()
        return updated

    def g_read(self, name: str, default: str) -> Optional[cst.BaseExpression]:
        """``g.get("name", default)`` quoted to fit where it goes; None when no quoting fits."""
        quote = "'" if self.quotes and self.quotes[-1].startswith('"') else '"'
        if default and any(q in default for q in self.quotes):
            try:
                value = ast.literal_eval(default)
            except (ValueError, SyntaxError):
                return None
            default = repr(value) if isinstance(value, str) else default  # repr() quotes with ' if it can
        code = f"g.get({quote}{name}{quote}, {default})" if default else f"g.get({quote}{name}{quote})"
        if any(q in code for q in self.quotes):
            return None
        return cst.parse_expression(code)


class _Rewrite(_InFString):
    def __init__(self, name: str, reads: set[cst.CSTNode], writes: set[cst.CSTNode], default: str,
                 drop: Optional[cst.CSTNode], declarations: set[cst.CSTNode]) -> None:
        super().__init__()
        self.misquoted = False  # a read in an f-string whose quotes g.get cannot fit in
        self.name, self.reads, self.writes, self.default, self.drop = name, reads, writes, default, drop
        self.declarations = declarations

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original in self.writes:
            return cst.Attribute(cst.Name("g"), cst.Name(self.name))
        if original in self.reads:
            read = self.g_read(self.name, self.default)
            self.misquoted = self.misquoted or read is None
            return read or updated
        return updated

    def leave_Global(self, original: cst.Global, updated: cst.Global) -> Union[cst.Global, cst.RemovalSentinel]:
        names = [item for item in updated.names if item.name.value != self.name]
        if original not in self.declarations or len(names) == len(updated.names):
            return updated
        if not names:
            return cst.RemoveFromParent()
        return updated.with_changes(names=[*names[:-1], names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
                                  ) -> Union[cst.BaseStatement, cst.RemovalSentinel]:
        if original is self.drop or not updated.body:
            return cst.RemoveFromParent()
        return updated


def to_g(source: str, fix: ToG) -> str:
    """``source`` with the global moved to ``flask.g`` (``fix.done``), or unchanged (``fix.refused``)."""
    parsed = tree(source)
    scopes = parsed.wrapper.resolve(ScopeProvider)
    module = parsed.module
    top = scopes[module]
    assert isinstance(top, GlobalScope)
    if "g" in top_level_names(module) and importing(list(module.body), "g") is None:
        fix.refused = "the module binds a name g of its own"
        return source
    index, default = _default(module, fix.name)
    binding = module.body[index] if index is not None else None
    writes: set[cst.CSTNode] = set()
    for assignment in top.assignments[fix.name]:
        node = getattr(assignment, "node", None)
        if isinstance(node, cst.Name):
            writes.add(node)
    reads: set[cst.CSTNode] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            if isinstance(access.node, cst.Name) and access.node.value == fix.name and any(
                    referent.scope is top for referent in access.referents):
                reads.add(access.node)
    uses = _Uses(parsed, reads | writes)
    module.visit(uses)
    binding_names = {n for n in writes if binding is not None and n in _names_in(binding)}
    writes -= binding_names
    outside = sorted(line for node, line in uses.where.items() if node not in binding_names
                     and line not in fix.request_functions)
    if outside:
        fix.outside = f"line {outside[0]}" if outside[0] else "module level"
    if not any(uses.where.get(node) in fix.request_functions for node in writes):
        fix.refused = "no request-time function writes it"
        return source
    fix.computed_default = binding is not None and not default
    keep = fix.keep_binding or bool(outside) or binding is None
    # Only uses at request time move: elsewhere there is no request context, and g would raise there.
    inside = {node for node, line in uses.where.items() if line in fix.request_functions}
    declarations = {node for node, line in uses.declared.items() if line in fix.request_functions}
    rewrite = _Rewrite(fix.name, reads & inside, writes & inside, default, None if keep else binding, declarations)
    new = module.visit(rewrite)
    if rewrite.misquoted:
        fix.refused = "a read sits in an f-string whose quotes g.get() cannot be written in"
        return source
    new = import_g(new)
    fix.done = True
    return new.code


def _names_in(statement: cst.CSTNode) -> set[cst.CSTNode]:
    found: set[cst.CSTNode] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node)

    statement.visit(Collect())
    return found


def import_g(module: cst.Module) -> cst.Module:
    """``g`` joins ``from flask import ...``, or a ``from flask import g`` is added after the imports."""
    body: list[Any] = list(module.body)
    if importing(body, "g") is not None:
        return module
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None and \
                    EMPTY.code_for_node(small.module) == "flask" and not isinstance(small.names, cst.ImportStar):
                body[index] = with_name(statement, "g")
                return module.with_changes(body=body)
    at = after_imports(module)
    body[at:at] = [cst.parse_statement("from flask import g\n")]
    return module.with_changes(body=body)
