"""The runnable fixture apps, linted through the installed console script."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from .expectations import problems, python_files

FIXTURES = Path(__file__).parent / "fixtures"
RULES = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("FGL"))


def buggy_and_fixed(rule: str) -> tuple[Path, Path]:
    folder = FIXTURES / rule
    if (folder / "buggy_app.py").exists():
        return folder / "buggy_app.py", folder / "fixed_app.py"
    return folder / "buggy", folder / "fixed"


def lint_json(run_cli, target: Path, *options: str) -> list[tuple[str, int, str]]:
    proc = run_cli("--format", "json", *options, target.name, cwd=target.parent)
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    return [(os.path.realpath(target.parent / d["path"]), d["line"], d["code"]) for d in data]


def test_there_is_a_fixture_pair_per_rule() -> None:
    assert RULES == [f"FGL{n:03d}" for n in range(1, 13)]


@pytest.mark.parametrize("rule", RULES)
def test_buggy_app_gives_exactly_the_marked_findings(run_cli, rule: str) -> None:
    buggy, _ = buggy_and_fixed(rule)
    findings = lint_json(run_cli, buggy)
    assert problems(buggy, findings) == []
    # Selected alone, the rule reports the fixture's bug (FGL004 is otherwise folded into FGL001).
    assert rule in {code for _, _, code in lint_json(run_cli, buggy, "--select", rule)}
    proc = run_cli(buggy.name, cwd=buggy.parent)
    assert proc.returncode == 1


@pytest.mark.parametrize("rule", RULES)
def test_fixed_app_is_silent(run_cli, rule: str) -> None:
    _, fixed = buggy_and_fixed(rule)
    assert not any("# expect" in p.read_text() for p in python_files(fixed))
    proc = run_cli(fixed.name, cwd=fixed.parent)
    assert proc.returncode == 0, proc.stdout
    assert re.fullmatch(r"All checks passed: \d+ files?\.\n", proc.stdout), proc.stdout
