"""``# expect: CODES`` marks in example files, and checking findings against them.

A marked line must be flagged with one of its codes; ``# expect[g]: CODES``
marks a group of lines of which one must be flagged; any finding on a line
without a mark is a false positive.  These are the semantics of the shared
scorer, so our own corpus and the shared one are judged alike.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

EXPECT = re.compile(r"#\s*expect(?:\[(\w+)\])?:\s*([A-Z0-9 ]+)")


@dataclass
class Group:
    lines: set[tuple[str, int]] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)


def python_files(case: Path) -> list[Path]:
    if case.is_file():
        return [case]
    return sorted(p for p in case.rglob("*.py"))


def expectations(case: Path) -> dict[tuple[str, object], Group]:
    groups: dict[tuple[str, object], Group] = {}
    for path in python_files(case):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = EXPECT.search(text)
            if not match:
                continue
            key = ("group", match.group(1)) if match.group(1) else (str(path), number)
            group = groups.setdefault(key, Group())
            group.lines.add((os.path.realpath(path), number))
            group.codes.update(match.group(2).split())
    return groups


def problems(case: Path, findings: list[tuple[str, int, str]]) -> list[str]:
    """Every way ``findings`` (real path, line, code) disagree with the marks in ``case``."""
    groups = expectations(case)
    out = []
    expected_lines = {line: g.codes for g in groups.values() for line in g.lines}
    for group in groups.values():
        hits = [f for f in findings if (f[0], f[1]) in group.lines]
        if not hits:
            out.append(f"missed {sorted(line for _, line in group.lines)} want {sorted(group.codes)}")
    for path, line, code in findings:
        codes = expected_lines.get((path, line))
        if codes is None:
            out.append(f"false positive {Path(path).name}:{line} {code}")
        elif code not in codes:
            out.append(f"unexpected code {Path(path).name}:{line} {code}, marks allow {sorted(codes)}")
    return out
