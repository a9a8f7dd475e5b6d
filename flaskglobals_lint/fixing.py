"""The command line's fix modes: ``--fix``, ``--diff``, ``--fix-only`` and ``--add-noqa``.

``--fix`` runs in rounds, as ruff does: lint, make every fix that applies
(fixes in one function and one lock are merged), write the files, and lint
again, until a round changes nothing (at most ``MAX_ROUNDS``).  A file is
written only if it still holds the text the fix was made from, and through a
temporary file renamed over it, so an editor's save in between is not lost.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from .diagnostics import Diagnostic
from .engine import LintResult
from .fix import plan_fixes, settle, unified_diff

__all__ = ["FixRun", "add_noqa", "run_fixes", "with_fixes"]

MAX_ROUNDS = 4


@dataclass
class FixRun:
    result: LintResult  # the findings left after the fixes
    fixed: int = 0
    files: int = 0
    diff: str = ""


def run_fixes(lint: Callable[[], LintResult], unsafe: bool, diff: bool) -> FixRun:
    """Fix what can be fixed; with ``diff``, only say what would change (one round, nothing written)."""
    result = lint()
    if diff:
        plan = plan_fixes(result.diagnostics, unsafe)
        return FixRun(result, len(plan.fixed), len(plan.changed), unified_diff(plan.changed))
    run = FixRun(result)
    touched: set[str] = set()
    for _ in range(MAX_ROUNDS):
        plan = plan_fixes(run.result.diagnostics, unsafe)
        written = [path for path, (before, after) in plan.changed.items() if _write_if_unchanged(path, before, after)]
        if not written:
            break
        touched.update(written)
        run.fixed += len([d for d in plan.fixed if d.path in written])
        run.result = lint()
    run.files = len(touched)
    return run


def _write_if_unchanged(path: str, before: str, after: str) -> bool:
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            if stream.read() != before:
                return False
        mode = os.stat(path).st_mode & 0o7777
    except (OSError, UnicodeDecodeError):
        return False
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".fgl-fix-", suffix=".py")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(after)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False
    return True


def with_fixes(result: LintResult, edits: bool) -> LintResult:
    """The result with each fix's final applicability (and, for JSON and SARIF, its edits)."""
    return replace(result, diagnostics=settle(result.diagnostics, edits=edits))


_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def add_noqa(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """Add ``# noqa: CODE`` for every finding on its line (merged into a ``noqa`` already there);
    returns (comments added or extended, files changed)."""
    wanted: dict[str, dict[int, set[str]]] = {}
    for d in diagnostics:
        if d.code.startswith("FGL9"):
            continue  # a file that cannot be read or parsed: no line to mark
        wanted.setdefault(d.path, {}).setdefault(d.line, set()).add(d.code)
    added = files = 0
    for path, lines in sorted(wanted.items()):
        try:
            with open(path, encoding="utf-8", newline="") as stream:
                before = stream.read()
        except (OSError, UnicodeDecodeError):
            continue
        text = before.splitlines(keepends=True)
        for number, codes in lines.items():
            if not 0 < number <= len(text):
                continue
            line = text[number - 1]
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            if body.endswith("\\"):
                continue  # a comment after a line continuation would end the statement
            marked = _marked(body, codes)
            if marked != body:
                text[number - 1] = marked + ending
                added += 1
        after = "".join(text)
        if after != before and _write_if_unchanged(path, before, after):
            files += 1
    return added, files


def _marked(body: str, codes: set[str]) -> str:
    match = _NOQA.search(body)
    if match is None:
        return f"{body}  # noqa: {', '.join(sorted(codes))}"
    if match.group("codes") is None:
        return body  # a bare noqa already silences everything on the line
    have = [c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c]
    missing = sorted(codes - set(have))
    if not missing:
        return body
    return body[:match.start()] + f"# noqa: {', '.join(have + missing)}" + body[match.end():]
