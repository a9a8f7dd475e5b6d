"""The flake8-style format: ``path:line:col: CODE message``, one finding a line, then what each
kind of finding breaks and how to fix it, once (``help:``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic, printable

if TYPE_CHECKING:
    from ..rules.base import Rule

_BOLD = "\x1b[1m"
_BOLD_RED = "\x1b[1;31m"
_CYAN = "\x1b[36m"
_RESET = "\x1b[0m"


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False,
           help_each: bool = False) -> str:
    """One line per finding, sorted by path, line, column and code; then each distinct help once,
    with the codes it explains (``help_each``: under every finding instead).  ANSI colour only when
    asked."""
    lines = []
    helps: dict[str, list[str]] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        path, code = printable(diagnostic.path), diagnostic.code
        if diagnostic.help and code not in helps.setdefault(printable(diagnostic.help), []):
            helps[printable(diagnostic.help)].append(code)
        if color:
            path, code = f"{_BOLD}{path}{_RESET}", f"{_BOLD_RED}{code}{_RESET}"
        lines.append(f"{path}:{diagnostic.line}:{diagnostic.column}: {code} {printable(diagnostic.message)}\n")
        if help_each and diagnostic.help:
            lines.append(f"  {_CYAN}help:{_RESET} " if color else "  help: ")
            lines.append(f"{printable(diagnostic.help)}\n")
    if helps and not help_each:
        lines.append("\n")
    for text, codes in sorted(helps.items(), key=lambda item: (item[1], item[0])) if not help_each else ():
        label = f"help ({', '.join(codes)}):"
        lines.append(f"{_CYAN}{label}{_RESET} {text}\n" if color else f"{label} {text}\n")
    return "".join(lines)
