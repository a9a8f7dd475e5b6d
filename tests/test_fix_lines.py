"""``fix.lines.lines_of`` gives every node the lines libcst's ``PositionProvider`` gives it."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from flaskglobals_lint.fix.lines import lines_of
from flaskglobals_lint.fix.module import tree

SHAPES = '''\
"""Docstring."""
import threading as th  # a comment
from x import (a,
               b)

counts = {}; total = 0
lock = th.Lock()


@app.route("/a",
           methods=["POST"])
@other
async def view(n: int = 1, *args, **kw) -> dict:
    global total
    if (m := n) > 1 and \\
            total:
        total += m
    elif n:
        pass
    else:
        counts[n] = [i for i in range(n) if i]  # trailing
        # a comment at the end of the block

    try:
        x = f"{n!r:>{m}} {{}}"
    except (KeyError, ValueError) as exc:
        raise RuntimeError() from exc
    else:
        del counts[n]
    finally:
        lambda: (yield)
    async with lock as held, other():
        await thing
    for i in range(3):
        continue
    else:
        break
    while True: x = 1; y = 2
    match n:
        case [1, *rest] if rest:
            return {}
        case {"k": v, **more}:
            return more
        case Point(x=0) | None:
            return None
    return {"a": 1, **kw}


class Point(Base, metaclass=Meta):
    x: int = 0

    @property
    def y(self): return self.x
'''


def _compare(source: str) -> int:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    got = lines_of(module)
    assert set(got) == set(expected)
    wrong = [(type(node).__name__, (r.start.line, r.end.line), got[node])
             for node, r in expected.items() if (r.start.line, r.end.line) != got[node]]
    assert wrong == []
    return len(got)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_node_has_the_position_providers_lines(newline: str) -> None:
    assert _compare(SHAPES.replace("\n", newline)) > 500


def test_the_projects_own_sources_agree_node_for_node() -> None:
    package = Path(__file__).resolve().parent.parent / "flaskglobals_lint"
    sources = sorted(package.rglob("*.py"))
    assert len(sources) > 50
    assert sum(_compare(path.read_text(encoding="utf-8")) for path in sources) > 100_000


def test_a_tree_answers_for_its_own_nodes() -> None:
    parsed = tree("x = 1\n\n\ndef f():\n    y = 2\n    return y\n")
    function = parsed.module.body[1]
    assert isinstance(function, cst.FunctionDef)
    assert parsed.lines(function) == (4, 6)
    assert parsed.start(function.name) == 4
    assert parsed.holds(function, 5) and not parsed.holds(function, 3)
    assert parsed.lines(parsed.module.body[0]) == (1, 1)
