"""What constants a function's parameters can hold at request time, and which guarded code can run.

Each ``Reach`` keeps, per parameter, the constants (as written) that request-time callers pass or
leave as the default; a parameter some caller fills with anything else is not kept (it can be
anything).  A write or a call under guards (``facts.guards``) that none of those constants can
satisfy does not run at request time: ``fire(Events.USER_LOGGED_IN)`` never runs the
``if event == Events.STARTUP:`` block, ``load()`` never runs ``if migrate:``.
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

from ..facts.model import Call, FunctionFacts

Constants = dict[str, frozenset[str]]

_FALSY = frozenset({"None", "False", "0", "0.0", "''", '""', "[]", "{}", "()"})


def passed(call: Call, callee: FunctionFacts, params: Sequence[str]) -> Constants:
    """The constant each parameter (``params``, without ``self``) gets at this call, where known."""
    fills = call.fills
    if "*" in fills:
        return {}  # a ``*args``/``**kwargs`` may fill any of them
    positional = int(fills[0]) if fills and fills[0].isdigit() else 0
    named = dict(call.kwarg_consts)
    keywords = set(fills[1:])
    defaults = dict(callee.param_defaults)
    out: Constants = {}
    for index, param in enumerate(params):
        if index < positional:
            code = call.arg_consts[index] if index < len(call.arg_consts) else ""
        elif param in keywords:
            code = named.get(param, "")
        else:
            code = defaults.get(param, "")
        if code:
            out[param] = frozenset({code})
    return out


def merged(old: Constants, new: Constants) -> Constants:
    """What a parameter can hold once another caller is known: the union, unknown wins."""
    return {param: values | new[param] for param, values in old.items() if param in new}


def satisfiable(guards: Sequence[tuple[str, str, str]], constants: Mapping[str, frozenset[str]]) -> bool:
    """Whether some constant each guarded parameter can hold passes every guard."""
    for param, operator, value in guards:
        known = constants.get(param)
        if known is not None and not any(_passes(code, operator, value) for code in known):
            return False
    return True


def _passes(code: str, operator: str, value: str) -> bool:
    """Whether a parameter holding ``code`` may pass the test (True when it cannot be told)."""
    if operator == "truthy":
        return code not in _FALSY
    if operator == "falsy":
        return code in _FALSY or not _literal(code)
    if operator in ("==", "!="):
        equal = _equal(code, value)
        return equal is not False if operator == "==" else equal is not True
    if value == "None":
        if operator == "is":
            return code == "None" or not _literal(code)
        return code != "None"
    return True


def _equal(a: str, b: str) -> object:
    """True or False when two constants as written are surely equal or not; None when unknown."""
    if a == b:
        return True
    value_a, value_b = _value(a), _value(b)
    if value_a is not _UNKNOWN and value_b is not _UNKNOWN:
        return value_a == value_b
    owner_a, _, name_a = a.rpartition(".")
    owner_b, _, name_b = b.rpartition(".")
    if owner_a and owner_a == owner_b and name_a != name_b:
        return False  # two members of one namespace (``Events.STARTUP``, ``Events.LOGIN``)
    return None


_UNKNOWN = object()
_NAMED = {"None": None, "True": True, "False": False}


def _value(code: str) -> object:
    """The value of a simple literal as written (``None``, ``3``, ``-1.5``, ``'x'``); ``_UNKNOWN``
    for anything else.  Read by hand: the project pass never parses code."""
    if code in _NAMED:
        return _NAMED[code]
    if re.fullmatch(r"-?\d+", code):
        return int(code)
    if re.fullmatch(r"-?\d+\.\d*(?:[eE][-+]?\d+)?", code):
        return float(code)
    if len(code) >= 2 and code[0] == code[-1] and code[0] in "'\"" and "\\" not in code \
            and code[0] not in code[1:-1]:
        return code[1:-1]
    return _UNKNOWN


def _literal(code: str) -> bool:
    return _value(code) is not _UNKNOWN
