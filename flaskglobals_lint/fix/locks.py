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
from typing import Any, Optional, Sequence, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

__all__ = ["Define", "Wrap", "transform"]

_EMPTY = cst.Module(body=[])


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


class _References(cst.CSTVisitor):
    """Whether a statement reads or writes one of the names, outside nested functions and classes."""

    def __init__(self, references: set[str]) -> None:
        self.references = references
        self.found = False
        self.suspends = False

    def _match(self, node: cst.CSTNode) -> None:
        if _EMPTY.code_for_node(node) in self.references:
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


def _scan(node: cst.CSTNode, references: set[str]) -> _References:
    visitor = _References(references)
    node.visit(visitor)
    return visitor


# Calls that wait for another thread: under a lock, the classic deadlock.
_BLOCKING = frozenset({"wait", "join", "acquire", "wait_for"})


class _Calls(cst.CSTVisitor):
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
        code = _EMPTY.code_for_node(func)
        if isinstance(func, cst.Attribute) and func.attr.value in _BLOCKING:
            self.blocking = f"{code}()"
        if not self._followed(func) and not self.unfollowed:
            self.unfollowed = f"{code}(), a method the analysis cannot follow"

    def _followed(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Name):
            return True  # a builtin, a local function or a name the module binds: the plan resolved it
        if not isinstance(func, cst.Attribute):
            return False  # ``f()()``, ``table[k]()``
        receiver = func.value
        code = _EMPTY.code_for_node(receiver)
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
        if _EMPTY.code_for_node(node.item) == self.lock:
            self.found = True


def _holds_lock(statement: cst.CSTNode, lock: str) -> bool:
    """Whether the statement is or holds a ``with <lock>:`` (wrapping it again would deadlock)."""
    visitor = _Holds(lock)
    statement.visit(visitor)
    return visitor.found


def _lone_store(statement: cst.CSTNode, references: set[str]) -> bool:
    """``x = value`` / ``self.mode = value``: the state itself rebound, reading nothing of it."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
        return False
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    return all(_EMPTY.code_for_node(t) in references for t in targets) and not _scan(small.value, references).found


def _header(statement: cst.BaseCompoundStatement) -> list[cst.CSTNode]:
    """The parts of a compound statement outside its blocks (an ``if``'s test, a ``for``'s iterable)."""
    if isinstance(statement, (cst.If, cst.While)):
        return [statement.test]
    if isinstance(statement, cst.For):
        return [statement.target, statement.iter]
    if isinstance(statement, cst.With):
        return list(statement.items)
    return []


def _blocks(statement: cst.BaseCompoundStatement) -> list[str]:
    """The attribute names of the blocks one may wrap inside (not ``elif`` chains or handlers)."""
    if isinstance(statement, cst.If):
        return ["body"] + (["orelse"] if isinstance(statement.orelse, cst.Else) else [])
    if isinstance(statement, (cst.For, cst.While, cst.With)):
        return ["body"]
    if isinstance(statement, cst.Try):
        return ["body"] + (["finalbody"] if statement.finalbody is not None else [])
    return []


Body = Sequence[cst.BaseStatement]


class _Fixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, wraps: list[Wrap], defines: list[Define], threading_name: str,
                 known: frozenset[str] = frozenset(), modules: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.wraps = {w.function_line: w for w in wraps}
        self.known, self.modules = known, modules
        self.defines = defines
        self.threading_name = threading_name

    # ----------------------------------------------------------- wrapping
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        line = self.get_metadata(PositionProvider, original.name).start.line
        wrap = self.wraps.get(line)
        if wrap is None:
            return updated
        if not isinstance(updated.body, cst.IndentedBlock):
            wrap.refused = "the function's body is on its def line"
            return updated
        old_body: Any = original.body.body
        body = self._wrap(old_body, list(updated.body.body), wrap)
        return updated.with_changes(body=updated.body.with_changes(body=body)) if body is not None else updated

    def _wrap(self, original: Body, updated: list[cst.BaseStatement], wrap: Wrap) -> Optional[list[cst.BaseStatement]]:
        scans = [_scan(statement, wrap.references) for statement in original]
        hits = [i for i, scan in enumerate(scans) if scan.found or self._holds_line(original[i], wrap.lines)]
        if any(_holds_lock(original[i], wrap.lock) for i in hits):
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
                _scan(original[i], set()).suspends for i in range(first, last + 1)):
            wrap.refused = "the block yields or awaits: a lock held across it would block other requests"
            return None
        wrap.lone = first == last and _lone_store(original[first], wrap.references)
        start = self.get_metadata(PositionProvider, original[first]).start.line
        end = self.get_metadata(PositionProvider, original[last]).end.line
        wrap.wrapped = (start, end)
        calls = _Calls(wrap.references, self.known, self.modules)
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
        position = self.get_metadata(PositionProvider, statement)
        return any(position.start.line <= line <= position.end.line for line in lines)

    def _wrap_inside(self, original: cst.BaseCompoundStatement, updated: cst.BaseCompoundStatement,
                     wrap: Wrap) -> Optional[cst.BaseCompoundStatement]:
        """Wrap inside the one block of a compound statement that holds every reference, if there is one."""
        if any(_scan(part, wrap.references).found for part in _header(original)):
            return None
        holding = [name for name in _blocks(original) if _scan(getattr(original, name), wrap.references).found
                   or self._holds_line(getattr(original, name), wrap.lines)]
        if len(holding) != 1 or isinstance(original, cst.Try) and original.handlers:
            return None
        name = holding[0]
        old_block, new_block = getattr(original, name), getattr(updated, name)
        if isinstance(old_block, (cst.Else, cst.Finally)):
            old_inner, new_inner = old_block.body, new_block.body
        else:
            old_inner, new_inner = old_block, new_block
        if not isinstance(old_inner, cst.IndentedBlock) or not isinstance(new_inner, cst.IndentedBlock):
            return None
        body = self._wrap(old_inner.body, list(new_inner.body), wrap)
        if body is None:
            return None
        replaced = new_inner.with_changes(body=body)
        if isinstance(old_block, (cst.Else, cst.Finally)):
            replaced = new_block.with_changes(body=replaced)
        return updated.with_changes(**{name: replaced})

    # ----------------------------------------------------------- defining
    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body: list[Any] = list(updated.body)
        # Every place is an index into the original body; inserts are made from the last place up.
        inserts: dict[int, list[cst.BaseStatement]] = {}
        need_threading = False
        for define in self.defines:
            if define.module:
                index = _importing(body, define.beside) if define.beside else None
                if index is not None:
                    body[index] = _with_name(body[index], define.lock)
                else:
                    inserts.setdefault(_after_imports(original), []).append(
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
            at = _stdlib_import_place(original)
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
            position = self.get_metadata(PositionProvider, statement)
            if position.start.line <= line <= position.end.line:
                return index
        return None


def _after_imports(module: cst.Module) -> int:
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


def _importing(body: list[cst.BaseStatement], name: str) -> Optional[int]:
    """The top-level ``from ... import`` statement (alone on its line) that imports ``name`` as itself."""
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar) and any(
                    alias.asname is None and _EMPTY.code_for_node(alias.name) == name for alias in small.names):
                return index
    return None


def _with_name(statement: cst.BaseStatement, name: str) -> cst.BaseStatement:
    """``from m import a, b`` -> ``from m import a, b, name``."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
    last = small.names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    names = [*small.names[:-1], last, cst.ImportAlias(cst.Name(name))]
    return statement.with_changes(body=[small.with_changes(names=names)])


def _stdlib_import_place(module: cst.Module) -> int:
    """Where ``import threading`` goes: among the plain ``import x`` of the leading imports that come
    before any ``from`` import (the standard library group, by convention), in alphabetical order;
    else before the first import (after the docstring and ``__future__``)."""
    at: Optional[int] = None
    first = None
    for index, statement in enumerate(module.body[:_after_imports(module)]):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom) and _EMPTY.code_for_node(small.module or cst.Name("")) == "__future__":
            continue
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            first = index if first is None else first
        if isinstance(small, cst.ImportFrom):
            break
        if isinstance(small, cst.Import):
            if _EMPTY.code_for_node(small.names[0].name) > "threading":
                return index  # in alphabetical order among them
            at = index + 1
    if at is not None:
        return at
    return _after_imports(module) if first is None else first


def threading_alias(module: cst.Module) -> str:
    """The name this module imports ``threading`` under at top level (``th`` for ``import threading as
    th``), or '' when it does not."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if _EMPTY.code_for_node(alias.name) == "threading":
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
                    names.update(_EMPTY.code_for_node(t.target) for t in small.targets)
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    names.add(_EMPTY.code_for_node(small.target))
                elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    names.update((a.asname.name.value if a.asname else _EMPTY.code_for_node(a.name))  # type: ignore
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
                            names.add(_EMPTY.code_for_node(alias.name).split(".")[0])
    return names


def lock_assigned(module: cst.Module, name: str) -> Optional[bool]:
    """Whether the top-level ``name = ...`` is a lock (``threading.Lock()``/``RLock()``); None if unbound."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(_EMPTY.code_for_node(t.target) == name
                                                         for t in small.targets):
                    code = _EMPTY.code_for_node(small.value)
                    return code.endswith(("Lock()", "RLock()"))
    return None


def transform(source: str, wraps: list[Wrap], defines: list[Define]) -> str:
    """``source`` with the wraps and definitions made (those that could be are marked on them)."""
    module = cst.parse_module(source)
    fixer = _Fixer(wraps, defines, threading_alias(module), frozenset(top_level_names(module)),
                   frozenset(imported_modules(module)))
    return MetadataWrapper(module).visit(fixer).code


Node = Union[cst.BaseStatement, cst.BaseCompoundStatement]
