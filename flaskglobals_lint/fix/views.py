"""Per-request data off a view instance every request shares, as a libcst transformation.

A view with ``init_every_request = False`` (or a SocketIO namespace) is one instance for every
request, so ``self.owner = request.args[...]`` hands one user's value to the next.  When only the
writing method uses the attribute, and it stores it before any read, ``self.owner`` becomes the
local ``owner``; when other methods use it too, ``g.owner`` (one per request, read by those methods
in the same request).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .globals import import_g
from .module import importing, top_level_names, tree as parse_tree

__all__ = ["ToRequest", "to_request"]

@dataclass
class _Use:
    node: cst.Attribute
    method: str
    store: bool
    nested: bool  # inside a def or lambda nested in the method
    line: int
    column: int


@dataclass
class ToRequest:
    attribute: str
    class_name: str
    function_line: int
    class_level: bool = False  # a class (this one or a base) sets it: no flask.g, only a local
    # Set by the transformation.
    done: bool = False
    refused: str = ""
    local: bool = False  # made a local (else flask.g)
    methods: list[str] = field(default_factory=list)  # the methods that use it, when several do


def _is_method(node: cst.FunctionDef) -> bool:
    names = {cst.Module([]).code_for_node(d.decorator) for d in node.decorators}
    return not names & {"staticmethod", "classmethod"} and bool(node.params.params)


class _Collect(cst.CSTVisitor):
    """Every ``<self>.<attribute>`` in one method, and the names the method binds or reads."""

    def __init__(self, wrapper: MetadataWrapper, method: cst.FunctionDef, attribute: str) -> None:
        self.positions = wrapper.resolve(PositionProvider)
        self.method, self.attribute = method, attribute
        self.self_name = method.params.params[0].name.value
        self.depth = 0
        self.stores: set[cst.CSTNode] = set()
        self.uses: list[_Use] = []
        self.names: set[str] = set()  # the names the method uses (not attribute names)
        self.attrs: set[cst.CSTNode] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node is not self.method:
            self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if original_node is not self.method:
            self.depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.depth -= 1

    def visit_Param(self, node: cst.Param) -> None:
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._targets(node.target)

    def _targets(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._targets(element.value)
        else:
            self.stores.add(target)

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        if isinstance(node.value, cst.Name) and node.value.value == self.self_name \
                and node.attr.value == self.attribute:
            start = self.positions[node].start
            self.uses.append(_Use(node, self.method.name.value, node in self.stores, self.depth > 0,
                                  start.line, start.column))
        self.attrs.add(node.attr)
        return True

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self.attrs:
            self.names.add(node.value)


class _Rewrite(cst.CSTTransformer):
    def __init__(self, uses: set[cst.CSTNode], stores: set[cst.CSTNode], local: bool, attribute: str) -> None:
        super().__init__()
        self.uses, self.stores, self.local, self.attribute = uses, stores, local, attribute

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if original not in self.uses:
            return updated
        return cst.Name(self.attribute) if self.local else cst.Attribute(cst.Name("g"), cst.Name(self.attribute))


def _find_class(tree: cst.Module, wrapper: MetadataWrapper, job: ToRequest
                ) -> tuple[Optional[cst.ClassDef], Optional[cst.FunctionDef]]:
    positions = wrapper.resolve(PositionProvider)
    found: list[tuple[cst.ClassDef, cst.FunctionDef]] = []

    class Find(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            if node.name.value != job.class_name:
                return
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef) and job.function_line in (
                        positions[statement].start.line, positions[statement.name].start.line):
                    found.append((node, statement))

    wrapper.module.visit(Find())
    return found[0] if len(found) == 1 else (None, None)


def _class_binds(node: cst.ClassDef, attribute: str) -> bool:
    """The class body binds the attribute (``form_columns = None``): a setting subclasses may override."""
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = ([t.target for t in small.targets] if isinstance(small, cst.Assign) else
                           [small.target] if isinstance(small, cst.AnnAssign) else [])
                if any(isinstance(t, cst.Name) and t.value == attribute for t in targets):
                    return True
    return False


def to_request(source: str, job: ToRequest) -> str:
    """``source`` with the attribute kept per request (``job.done``), or unchanged (``job.refused``)."""
    wrapper = parse_tree(source).wrapper
    tree = wrapper.module
    klass, writer = _find_class(tree, wrapper, job)
    if klass is None or writer is None:
        job.refused = "the class or its method was not found"
        return source
    code = tree.code_for_node(klass)
    by_name = re.search(rf"""(get|set|has|del)attr\(\s*\w+\s*,\s*["']{job.attribute}["']|__dict__""", code)
    if by_name or re.search(rf"\b({re.escape(job.class_name)}|cls)\.{job.attribute}\b", source):
        job.refused = f"the class reaches {job.attribute} another way too (by name, or on the class)"
        return source
    uses: list[_Use] = []
    writer_names: set[str] = set()
    for statement in klass.body.body:
        if isinstance(statement, cst.FunctionDef) and _is_method(statement):
            collect = _Collect(wrapper, statement, job.attribute)
            statement.visit(collect)
            uses.extend(collect.uses)
            if statement is writer:
                writer_names = collect.names
    if any(use.method == "__init__" for use in uses):
        job.refused = "__init__ sets it up before any request: it is the instance's own state"
        return source
    if not any(use.store and use.method == writer.name.value for use in uses):
        job.refused = "the method does not store it"
        return source
    methods = sorted({use.method for use in uses})
    uses.sort(key=lambda use: (use.line, use.column))
    first = uses[0]
    # The first use stores it in a statement of the method's own body that reads it nowhere.
    lines = [set(map(id, _attributes(statement))) for statement in writer.body.body
             if isinstance(statement, cst.SimpleStatementLine)]
    opening = next((ids for ids in lines if id(first.node) in ids), set())
    stores_first = first.store and all(use.store for use in uses if id(use.node) in opening)
    job.local = (methods == [writer.name.value] and stores_first
                 and not any(use.store and use.nested for use in uses) and job.attribute not in writer_names)
    if not job.local:
        if job.class_level or _class_binds(klass, job.attribute):
            # Reads before this request's store see the class's value, or a subclass's: g has neither.
            job.refused = "the class sets it too (a subclass may override it): only a local could replace it"
            return source
        if "g" in top_level_names(tree) and importing(list(tree.body), "g") is None:
            job.refused = "the module binds a name g of its own"
            return source
        job.methods = methods
    nodes: set[cst.CSTNode] = {use.node for use in uses}
    stores: set[cst.CSTNode] = {use.node for use in uses if use.store}
    new = tree.visit(_Rewrite(nodes, stores, job.local, job.attribute))
    if not job.local:
        new = import_g(new)
    job.done = True
    return new.code


def _attributes(statement: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            found.append(node)

    statement.visit(Collect())
    return found

