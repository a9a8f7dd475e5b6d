"""Reporters: diagnostics in, text out.  One module per output format; none knows about parsing."""
from __future__ import annotations

from collections import Counter
from importlib import import_module
from typing import TYPE_CHECKING, Iterator, Mapping, Protocol, Sequence

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..rules.base import Rule


class Renderer(Protocol):
    def __call__(self, diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *,
                 color: bool = False) -> str: ...


class _Formats(Mapping[str, Renderer]):
    """Format name -> its reporter's ``render``, each module imported when its format is used."""

    NAMES = ("text", "json", "sarif", "github", "gitlab", "baseline")

    def __getitem__(self, name: str) -> Renderer:
        if name not in self.NAMES:
            raise KeyError(name)
        render: Renderer = import_module(f".{name}", __name__).render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)


FORMATS: Mapping[str, Renderer] = _Formats()


def summary_line(diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """One line for people: how many problems of which codes, in how many of the files checked."""
    if not diagnostics:
        return f"All checks passed: {_plural(files_checked, 'file')}."
    counts = Counter(diagnostic.code for diagnostic in diagnostics)
    per_code = ", ".join(f"{counts[code]} {code}" for code in sorted(counts))
    with_problems = len({diagnostic.path for diagnostic in diagnostics})
    where = _plural(with_problems, "file") if with_problems == files_checked else (
        f"{with_problems} of {files_checked} files")
    return f"Found {_plural(len(diagnostics), 'problem')} ({per_code}) in {where}."


def fix_summary(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str:
    """``[*] 3 fixable with --fix (1 more with --unsafe-fixes).``, or '' when nothing is fixable."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "safe")
    risky = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
    if unsafe:
        safe, risky = safe + risky, 0
    if not safe and not risky:
        return ""
    flag = "--fix --unsafe-fixes" if unsafe else "--fix"
    more = f" ({risky} more with --unsafe-fixes)" if risky else ""
    return f"[*] {safe} fixable with {flag}{more}.\n" if safe else f"[*] {risky} fixable with --fix --unsafe-fixes.\n"


def statistics(diagnostics: Sequence[Diagnostic]) -> str:
    """Count per code with the rule's name, one line each, like ``flake8 --statistics``."""
    counts = Counter(diagnostic.code for diagnostic in diagnostics)
    names = {diagnostic.code: diagnostic.name for diagnostic in diagnostics}
    return "".join(f"{counts[code]:<5} {code} {names[code]}".rstrip() + "\n" for code in sorted(counts))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
