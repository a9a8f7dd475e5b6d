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
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import click

from .diagnostics import Diagnostic, LintResult

__all__ = ["FixMode", "FixRun", "add_noqa", "fix_options", "run_fixes", "run_mode"]

# Each round makes one lock block per function: a function that touches several states needs more.
MAX_ROUNDS = 10
# One lint of the run; the fix modes call it again after each round, ``--diff`` with the text its
# earlier rounds made (absolute path -> bytes), which stands in for the files on disk.
Lint = Callable[..., LintResult]
# (exit status, or None to go on and report)
Outcome = tuple[Optional[int], "FixRun"]


def fix_options(command: Callable[..., None]) -> Callable[..., None]:
    """The fix modes' options, in ruff's names."""
    for option in reversed((
        click.option("--fix", is_flag=True, help="Apply the safe fixes (marked [*]), then report what is left."),
        click.option("--unsafe-fixes", is_flag=True, help="Also apply (and mark as fixable) the unsafe fixes."),
        click.option("--diff", is_flag=True,
                     help="Print the fixes as a unified diff, write nothing; exit 1 if there is one."),
        click.option("--fix-only", is_flag=True, help="Apply the fixes and report nothing else."),
        click.option("--exit-non-zero-on-fix", is_flag=True,
                     help="With --fix or --fix-only: exit 1 when anything was fixed."),
        click.option("--add-noqa", is_flag=True,
                     help="Add '# noqa: CODE' on the line of every finding, and report nothing."),
    )):
        command = option(command)
    return command


@dataclass(frozen=True)
class FixMode:
    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    fix_only: bool = False
    exit_non_zero_on_fix: bool = False
    add_noqa: bool = False

    def failed(self, run: Optional["FixRun"]) -> bool:
        """``--exit-non-zero-on-fix`` and something was fixed."""
        return bool(self.exit_non_zero_on_fix and run is not None and run.fixed)

    @property
    def active(self) -> bool:
        """The run changes files (or shows how it would)."""
        return self.fix or self.diff or self.fix_only or self.add_noqa


@dataclass
class FixRun:
    result: LintResult  # the findings left after the fixes
    fixed: int = 0
    files: int = 0
    diff: str = ""

    @property
    def note(self) -> str:
        """``Fixed 2 problems in 1 file.`` before the summary, when anything was fixed."""
        if not self.fixed:
            return ""
        return f"Fixed {self.fixed} problem{'s' * (self.fixed != 1)} in {self.files} file{'s' * (self.files != 1)}.\n"


def run_mode(mode: FixMode, lint: Lint) -> Outcome:
    """Carry out ``--add-noqa``, ``--diff``, ``--fix-only`` (each ends the run: an exit status) or ``--fix``
    (the fixes made: the caller reports what is left); without a fix mode, just the lint."""
    if mode.add_noqa:
        result = lint()
        added, files = add_noqa(result.diagnostics)
        click.echo(f"Added {added} noqa comment{'s' * (added != 1)} in {files} file{'s' * (files != 1)}.")
        return 0, FixRun(result)
    if not (mode.fix or mode.diff or mode.fix_only):
        return None, FixRun(lint())
    run = run_fixes(lint, mode.unsafe, mode.diff)
    if mode.diff:
        click.echo(run.diff, nl=False)
        return (1 if run.diff else 0), run
    if mode.fix_only:
        return (1 if mode.exit_non_zero_on_fix and run.fixed else 0), run
    return None, run


def run_fixes(lint: Lint, unsafe: bool, diff: bool) -> FixRun:
    """Fix what can be fixed; with ``diff``, only say what would change: the same rounds, each
    linting the earlier rounds' fixes in memory (``RunOptions.overlay``), nothing written."""
    from .fix import plan_fixes, read_file, unified_diff

    run = FixRun(lint())
    touched: set[str] = set()
    # --diff: each changed file's text on disk and its text after the rounds so far.
    texts: dict[str, tuple[str, str]] = {}

    def read(path: str) -> str:
        return texts[path][1] if path in texts else read_file(path)

    for _ in range(MAX_ROUNDS):
        plan = plan_fixes(run.result.diagnostics, unsafe, read=read)
        if diff:
            written = list(plan.changed)
            for path in written:
                texts[path] = (texts.get(path, plan.changed[path])[0], plan.changed[path][1])
        else:
            written = [path for path, (before, after) in plan.changed.items()
                       if _write_if_unchanged(path, before, after)]
        if not written:
            break
        touched.update(written)
        run.fixed += len([d for d in plan.fixed if d.path in written])
        run.result = lint({os.path.abspath(path): after.encode("utf-8") for path, (_, after) in texts.items()}) \
            if diff else lint()
    run.files = len(touched)
    if diff:
        run.diff = unified_diff({path: pair for path, pair in texts.items() if pair[0] != pair[1]})
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
    from .facts.parse import NOQA

    match = NOQA.search(body)  # the comment as the facts read it, so what is added is what they see
    if match is None:
        return f"{body}  # noqa: {', '.join(sorted(codes))}"
    if match.group("codes") is None:
        return body  # a bare noqa already silences everything on the line
    have = [c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c]
    missing = sorted(codes - set(have))
    if not missing:
        return body
    return body[:match.start()] + f"# noqa: {', '.join(have + missing)}" + body[match.end():]
