"""Conditions on a function's parameters that a statement runs under, and constants as written.

``if event == Events.STARTUP: self._started = True`` runs only when the caller passes
``Events.STARTUP``; ``if migrate: self._migrate()`` only when it passes something true.  The facts
record such guards (``Guard``) on each write and call, the constant each call passes, and each
parameter's constant default; the program drops what no request-time caller can make run
(``program.constants``).  Only plain tests of a parameter count: ``p``, ``not p``, ``p == C``,
``p != C``, ``p is None``, ``p is not None``, and ``and`` of those.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

import libcst as cst

from .scanner import dotted

if TYPE_CHECKING:
    from .scopes import FunctionScope

# (parameter, operator, constant as written): operator is one of OPERATORS.
Guard = tuple[str, str, str]
OPERATORS = ("truthy", "falsy", "==", "!=", "is", "is not")
_NEGATED = {"truthy": "falsy", "falsy": "truthy", "==": "!=", "!=": "==", "is": "is not", "is not": "is"}
_EMPTY = cst.Module(body=[])


def constant_code(node: Optional[cst.BaseExpression]) -> str:
    """The code of a literal or a dotted name (``None``, ``"x"``, ``3``, ``Events.STARTUP``); '' otherwise."""
    if node is None:
        return ""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float)):
        return _EMPTY.code_for_node(node)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, (cst.Integer, cst.Float)):
        return _EMPTY.code_for_node(node)
    name = dotted(node)
    return ".".join(name) if name else ""


def guards_of(test: cst.BaseExpression, params: frozenset[str]) -> tuple[Guard, ...]:
    """What ``test`` being true says of the parameters (each a necessary condition)."""
    test = _bare(test)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return guards_of(test.left, params) + guards_of(test.right, params)
    guard = _atom(test, params)
    return (guard,) if guard is not None else ()


def negated(test: cst.BaseExpression, params: frozenset[str]) -> tuple[Guard, ...]:
    """What ``test`` being false says of the parameters: only a single test can be negated."""
    guard = _atom(_bare(test), params)
    return ((guard[0], _NEGATED[guard[1]], guard[2]),) if guard is not None else ()


def _bare(test: cst.BaseExpression) -> cst.BaseExpression:
    while test.lpar and isinstance(test, (cst.Name, cst.Comparison, cst.UnaryOperation, cst.BooleanOperation)):
        test = test.with_changes(lpar=[], rpar=[])
    return test


def _atom(test: cst.BaseExpression, params: frozenset[str]) -> Optional[Guard]:
    if isinstance(test, cst.Name) and test.value in params:
        return test.value, "truthy", ""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) \
            and isinstance(test.expression, cst.Name) and test.expression.value in params:
        return test.expression.value, "falsy", ""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name) \
            and test.left.value in params:
        target = test.comparisons[0]
        value = constant_code(target.comparator)
        operator = {cst.Equal: "==", cst.NotEqual: "!=", cst.Is: "is", cst.IsNot: "is not"}.get(type(target.operator))
        if value and operator is not None:
            return test.left.value, operator, value
    return None


def enter(fn: Optional["FunctionScope"], test: cst.BaseExpression, negate: bool = False) -> int:
    """The walk enters a block run when ``test`` is true (``negate``: false): its guards go on the
    function's stack; returns the depth ``leave`` restores."""
    if fn is None:
        return 0
    depth = len(fn.guards)
    params = frozenset(fn.facts.params)
    if params:
        fn.guards.extend(negated(test, params) if negate else guards_of(test, params))
    return depth


def leave(fn: Optional["FunctionScope"], depth: int) -> None:
    if fn is not None:
        del fn.guards[depth:]


def constant_defaults(params: Sequence[cst.Param]) -> tuple[tuple[str, str], ...]:
    """``FunctionFacts.param_defaults``: each parameter whose default is a constant, with its code."""
    return tuple((p.name.value, code) for p in params if p.default is not None and (code := constant_code(p.default)))
