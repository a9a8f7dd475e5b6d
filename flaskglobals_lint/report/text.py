"""The flake8-style format: ``path:line:col: CODE message``, one finding a line."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic, printable

if TYPE_CHECKING:
    from ..rules.base import Rule

_BOLD = "\x1b[1m"
_BOLD_RED = "\x1b[1;31m"
_RESET = "\x1b[0m"


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False) -> str:
    """One line per finding, sorted by path, line, column and code; ANSI colour only when asked."""
    lines = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        path, code = printable(diagnostic.path), diagnostic.code
        if color:
            path, code = f"{_BOLD}{path}{_RESET}", f"{_BOLD_RED}{code}{_RESET}"
        lines.append(f"{path}:{diagnostic.line}:{diagnostic.column}: {code} {printable(diagnostic.message)}\n")
    return "".join(lines)

