"""Each rule's own VALID/INVALID examples (the ones its documentation shows)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from flaskglobals_lint import lint_paths, lint_source
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.rules import ALL_RULES
from flaskglobals_lint.rules.base import Example, ExampleSource
from flaskglobals_lint.settings import Settings

from .expectations import EXPECT

EXAMPLES = [(rule.code, "invalid", i, ex) for rule in ALL_RULES for i, ex in enumerate(rule.invalid)]
EXAMPLES += [(rule.code, "valid", i, ex) for rule in ALL_RULES for i, ex in enumerate(rule.valid)]


def marks(source: str) -> dict[int, set[str]]:
    out = {}
    for number, line in enumerate(source.splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            out[number] = set(match.group(2).split())
    return out


def lint_example(example: ExampleSource, tmp_path: Path) -> dict[int, set[str]]:
    """Line -> codes found in the example's own file."""
    if isinstance(example, str):
        example = Example(example)
    settings = Settings(**example.settings)  # type: ignore[arg-type]
    if not example.files:
        diagnostics = lint_source(example.source, "example.py", settings)
    else:
        for name, text in {**example.files, "example.py": example.source}.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            diagnostics = lint_paths(["."], settings, RunOptions(cache=False, jobs=1)).diagnostics
        finally:
            os.chdir(cwd)
    found: dict[int, set[str]] = {}
    for d in diagnostics:
        assert d.path == "example.py", f"finding outside the example's own file: {d}"
        found.setdefault(d.line, set()).add(d.code)
    return found


@pytest.mark.parametrize("code,kind,index,example", EXAMPLES,
                         ids=[f"{c}-{k}-{i}" for c, k, i, _ in EXAMPLES])
def test_example(code: str, kind: str, index: int, example: ExampleSource, tmp_path: Path) -> None:
    found = lint_example(example, tmp_path)
    expected = marks(example if isinstance(example, str) else example.source)
    if kind == "valid":
        assert expected == {} and found == {}
    else:
        assert found == expected
        assert any(code in codes for codes in found.values())


def test_every_rule_has_examples_both_ways() -> None:
    for rule in ALL_RULES:
        assert rule.invalid, rule.code
        if rule.code != "FGL900":  # a file either can be analysed or it cannot: there is no valid FGL900
            assert rule.valid, rule.code
