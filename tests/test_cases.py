"""The annotated case corpus (tests/cases): every mark found, nothing else flagged.

Cases whose deployment files change how the whole project is judged (gevent workers)
live in tests/cooperative_cases, so they are never linted as part of the tree of all
cases that other tests run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from flaskglobals_lint import lint_paths
from flaskglobals_lint.settings import load_settings

from .expectations import problems

CASES = Path(__file__).parent / "cases"
COOPERATIVE = Path(__file__).parent / "cooperative_cases"
ALL = sorted(p for folder in (CASES, COOPERATIVE) for p in folder.iterdir() if not p.name.startswith((".", "_")))


def findings_for(case: Path) -> list[tuple[str, int, str]]:
    cwd = os.getcwd()
    os.chdir(case.parent)
    try:
        settings = load_settings(None, case if case.is_dir() else case.parent)
        result = lint_paths([case.name], settings)
    finally:
        os.chdir(cwd)
    return [(os.path.realpath(case.parent / d.path), d.line, d.code) for d in result.diagnostics]


@pytest.mark.parametrize("case", ALL, ids=[p.name for p in ALL])
def test_case_matches_its_marks(case: Path) -> None:
    assert problems(case, findings_for(case)) == []


def test_corpus_has_both_kinds() -> None:
    flagged = [c for c in ALL if any("# expect" in p.read_text() for p in
                                     ([c] if c.is_file() else c.rglob("*.py")))]
    assert len(flagged) >= 40
    assert len(ALL) - len(flagged) >= 40
