"""What a run of statements does, as the fixes need to know it: which statements touch the state
(directly or through a local alias of a part of it), what they call, whether they wait for
another thread, whether they already hold a lock.  Read with libcst, from the code alone."""
from __future__ import annotations

import re
from typing import Any, Optional, Sequence

import libcst as cst

from .module import EMPTY


class _References(cst.CSTVisitor):
    """Whether a statement reads or writes one of the names, outside nested functions and classes."""

    def __init__(self, references: set[str]) -> None:
        self.references = references
        self.found = False
        self.suspends = False

    def _match(self, node: cst.CSTNode) -> None:
        if EMPTY.code_for_node(node) in self.references:
            self.found = True

    def visit_Name(self, node: cst.Name) -> None:
        self._match(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._match(node)
        node.value.visit(self)  # not ``attr``: ``x.downloads`` is not ``downloads``
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # not the keyword: ``jsonify(downloads=n)`` does not read ``downloads``
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.suspends = True

    def visit_Await(self, node: cst.Await) -> None:
        self.suspends = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def scan(node: cst.CSTNode, references: set[str]) -> _References:
    visitor = _References(references)
    node.visit(visitor)
    return visitor


# Calls that wait for another thread: under a lock, the classic deadlock.  (``join`` only as a thread's:
# no argument or a timeout, not ``", ".join(parts)``.)


_BLOCKING = frozenset({"wait", "join", "acquire", "wait_for"})


# Methods of the builtin types (dict, list, set, str, bytes, datetime): a call of one of these on a
# value the analysis cannot follow is taken to be that builtin's, which takes no lock.


_BUILTIN_METHODS = frozenset({
    "get", "items", "keys", "values", "append", "extend", "insert", "pop", "popitem", "remove", "clear",
    "update", "setdefault", "copy", "add", "discard", "union", "intersection", "difference", "issubset",
    "format", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "lower", "upper", "title",
    "startswith", "endswith", "replace", "encode", "decode", "count", "index", "find", "sort", "reverse",
    "isoformat", "isdigit", "isalpha", "zfill", "partition", "rpartition", "hex", "to_bytes",
})


def _blocking(call: cst.Call) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in _BLOCKING:
        return False
    if func.attr.value != "join":
        return True
    args = call.args
    return not args or (len(args) == 1 and (isinstance(args[0].value, (cst.Integer, cst.Float)) or (
        args[0].keyword is not None and args[0].keyword.value == "timeout")))


def _shown(node: cst.CSTNode) -> str:
    """Code as a message shows it: on one line, and not too long."""
    text = re.sub(r"\s*\\\n\s*|\s+", " ", EMPTY.code_for_node(node)).strip()
    return text if len(text) <= 60 else text[:57] + "..."


class Calls(cst.CSTVisitor):
    """The first call in a block that the analysis cannot follow, or that waits for another thread.

    Followed: a builtin; a function, class or object the module binds at top level, called directly
    (``jsonify(...)``, ``stats.seen()``: a project one is in the plan's project calls); anything
    reached through an imported module (``time.sleep``); a method of the state itself
    (``STATE.append``).  Not followed: a method of a local, a parameter, an element of the state or
    an attribute of an attribute (``self.events[i][0].wait()``, ``BaseCamera.event.wait()``): it
    could be project code that takes another lock.
    """

    def __init__(self, references: set[str], known: frozenset[str], modules: frozenset[str]) -> None:
        self.references, self.known, self.modules = references, known, modules
        self.unfollowed = self.blocking = ""

    def visit_Call(self, node: cst.Call) -> None:
        if self.unfollowed and self.blocking:
            return
        func = node.func
        code = _shown(func)
        if _blocking(node):
            self.blocking = f"{code}()"
        elif isinstance(func, cst.Attribute) and (func.attr.value in _BUILTIN_METHODS or func.attr.value == "join"):
            return  # a builtin's method (a join that is not a thread's is str.join)
        if not self._followed(func) and not self.unfollowed:
            self.unfollowed = f"{code}(), a method the analysis cannot follow"

    def _followed(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Name):
            return True  # a builtin, a local function or a name the module binds: the plan resolved it
        if not isinstance(func, cst.Attribute):
            return False  # ``f()()``, ``table[k]()``
        receiver = func.value
        code = EMPTY.code_for_node(receiver)
        if code in self.references:
            return True
        root = receiver
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return False
        if root.value in self.modules:
            return True
        return isinstance(receiver, cst.Name) and (root.value in self.known or root.value in _BUILTIN_NAMES)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


_BUILTIN_NAMES = frozenset(dir(__import__("builtins")))


class _Holds(cst.CSTVisitor):
    def __init__(self, lock: str) -> None:
        self.lock = lock
        self.found = False

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if EMPTY.code_for_node(node.item) == self.lock:
            self.found = True


def holds_lock(statement: cst.CSTNode, lock: str) -> bool:
    """Whether the statement is or holds a ``with <lock>:`` (wrapping it again would deadlock)."""
    visitor = _Holds(lock)
    statement.visit(visitor)
    return visitor.found


class _Assigns(cst.CSTVisitor):
    """Every ``name = value`` of a function (not of its nested functions), in order."""

    def __init__(self) -> None:
        self.found: list[tuple[str, cst.BaseExpression]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.found.append((target.target.value, node.value))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _part_of(value: cst.BaseExpression, names: set[str], aliases: set[str]) -> bool:
    """The value may be an element of the state: an item, a comprehension or ``next(...)`` over it,
    ``.get()``/``.pop()``/``.setdefault()`` of it, or another alias; not a value computed from it, nor
    a copy of the state's own value (``seen = downloads``)."""
    if isinstance(value, (cst.Name, cst.Attribute)):
        return EMPTY.code_for_node(value) in aliases
    if isinstance(value, cst.Subscript):
        return EMPTY.code_for_node(value.value) in names | aliases or _part_of(value.value, names, aliases)
    if isinstance(value, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return scan(value.for_in.iter, names | aliases).found
    if isinstance(value, cst.Call):
        func = value.func
        if isinstance(func, cst.Name) and func.value == "next" and value.args:
            return _part_of(value.args[0].value, names, aliases)
        if isinstance(func, cst.Attribute) and func.attr.value in ("get", "pop", "setdefault"):
            return EMPTY.code_for_node(func.value) in names | aliases
    return False


def aliases_of(body: cst.CSTNode, references: set[str]) -> set[str]:
    """The local names bound to a part of the state, followed through each other."""
    assigns = _Assigns()
    body.visit(assigns)
    aliases: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, value in assigns.found:
            if name not in aliases and name not in references and _part_of(value, references, aliases):
                aliases.add(name)
                changed = True
    return aliases


# One call of these on the state is one step a lock cannot make more atomic than it is.
_SINGLE_STEP = frozenset({"append", "appendleft", "add", "discard", "update", "extend", "insert", "setdefault"})


def lone_store(statement: cst.CSTNode, references: set[str]) -> bool:
    """One step that changes the state and reads nothing of it: ``x = value``, ``self.mode = value``,
    ``D[k] = value``, ``L.append(value)``.  Under a lock no reader takes, it changes nothing."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        func = small.value.func
        return (isinstance(func, cst.Attribute) and func.attr.value in _SINGLE_STEP
                and EMPTY.code_for_node(func.value) in references
                and not any(scan(arg.value, references).found for arg in small.value.args))
    if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
        return False
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    stored = all(EMPTY.code_for_node(t) in references or (
        isinstance(t, cst.Subscript) and EMPTY.code_for_node(t.value) in references
        and not any(scan(element, references).found for element in t.slice)) for t in targets)
    return stored and not scan(small.value, references).found


def statements_of(block: Any) -> Optional[cst.IndentedBlock]:
    """The indented block of a compound statement's block (``if x:``) or clause (``else:``,
    ``finally:``), or None for statements on the header's own line."""
    inner = block.body if isinstance(block, (cst.Else, cst.Finally)) else block
    return inner if isinstance(inner, cst.IndentedBlock) else None


def with_statements(block: Any, body: list[Any]) -> Any:
    """The block (or clause) with ``body`` as its statements; it must have an indented block."""
    inner = statements_of(block)
    assert inner is not None
    replaced = inner.with_changes(body=body)
    return block.with_changes(body=replaced) if isinstance(block, (cst.Else, cst.Finally)) else replaced


def header_of(statement: cst.BaseCompoundStatement) -> list[cst.CSTNode]:
    """The parts of a compound statement outside its blocks (an ``if``'s test, a ``for``'s iterable)."""
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.target, statement.iter]
    if isinstance(statement, cst.With):
        return list(statement.items)
    return []


def blocks_of(statement: cst.BaseCompoundStatement) -> list[str]:
    """The attribute names of the blocks one may wrap inside (not ``elif`` chains or handlers)."""
    if isinstance(statement, cst.If):
        return ["body"] + (["orelse"] if isinstance(statement.orelse, cst.Else) else [])
    if isinstance(statement, (cst.For, cst.While, cst.With)):
        return ["body"]
    if isinstance(statement, cst.Try):
        return ["body"] + (["finalbody"] if statement.finalbody is not None else [])
    return []


Body = Sequence[cst.BaseStatement]

