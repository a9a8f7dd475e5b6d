"""Each rule's own VALID/INVALID examples (the ones its documentation shows)."""
from __future__ import annotations


import pytest

from flaskglobals_lint import lint_source
from flaskglobals_lint.rules import ALL_RULES

from .expectations import EXPECT

EXAMPLES = [(rule.code, "invalid", i, src) for rule in ALL_RULES for i, src in enumerate(rule.invalid)]
EXAMPLES += [(rule.code, "valid", i, src) for rule in ALL_RULES for i, src in enumerate(rule.valid)]


def marks(source: str) -> dict[int, set[str]]:
    out = {}
    for number, line in enumerate(source.splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            out[number] = set(match.group(2).split())
    return out


@pytest.mark.parametrize("code,kind,index,source", EXAMPLES,
                         ids=[f"{c}-{k}-{i}" for c, k, i, _ in EXAMPLES])
def test_example(code: str, kind: str, index: int, source: str) -> None:
    found: dict[int, set[str]] = {}
    for d in lint_source(source, "example.py"):
        found.setdefault(d.line, set()).add(d.code)
    expected = marks(source)
    if kind == "valid":
        assert expected == {} and found == {}
    else:
        assert found == expected
        assert any(code in codes for codes in found.values())


def test_every_rule_but_fgl011_has_examples_both_ways() -> None:
    for rule in ALL_RULES:
        if rule.code in ("FGL011", "FGL900"):
            continue  # deployment files / broken files: covered by fixtures, tests/cases and test_engine
        assert rule.invalid and rule.valid, rule.code
