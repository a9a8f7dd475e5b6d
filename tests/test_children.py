"""``facts.values.children`` is libcst's ``node.children``, node for node and in order."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from flaskglobals_lint.facts import values

# An f-string expression visits its format spec only when it has one: the first one seen here has
# none, so the order must be learnt again, and merged, at the second.
SNIPPET = '''\
a = f"{x}"
b = f"{y!r:>{width}.{p}} and {z=}"
c = [i async for i in g() if i] + {k: v for k, v in d.items()}
match c:
    case [1, *rest] if rest: pass
    case {"k": v, **more}: pass
    case Point(x=0) | None: pass
def f[T](x: T, /, *, y: int = 1) -> T: return x
type Alias = list[int]
'''


def _mismatches(module: cst.Module) -> tuple[int, list[str]]:
    seen, wrong = 0, []

    class Check(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nonlocal seen
            seen += 1
            expected, got = list(node.children), values.children(node)
            if len(expected) != len(got) or any(a is not b for a, b in zip(expected, got)):
                wrong.append(type(node).__name__)
            return True

    module.visit(Check())
    return seen, wrong


def test_fields_visited_only_when_set_are_learnt_where_they_first_appear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_FIELDS", {})
    try:
        module = cst.parse_module(SNIPPET)
    except cst.ParserSyntaxError:  # PEP 695 needs a libcst that parses it
        module = cst.parse_module(SNIPPET.split("def f[T]")[0])
    seen, wrong = _mismatches(module)
    assert seen > 150 and wrong == []
    assert values._FIELDS[cst.FormattedStringExpression] == (
        ("whitespace_before_expression", "expression", "equal", "whitespace_after_expression", "format_spec"),
        ("conversion",))


def test_the_projects_own_sources_agree_node_for_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_FIELDS", {})
    package = Path(__file__).resolve().parent.parent / "flaskglobals_lint"
    total = 0
    for path in sorted(package.rglob("*.py")):
        seen, wrong = _mismatches(cst.parse_module(path.read_text(encoding="utf-8")))
        assert wrong == [], path
        total += seen
    assert total > 100_000
