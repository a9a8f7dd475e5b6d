"""The flake8-style format: ``path:line:col: CODE message``, one finding a line, then what each
kind of finding breaks and how to fix it, once (``help:``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Sequence

from ..diagnostics import Diagnostic, printable

if TYPE_CHECKING:
    from ..rules.base import Rule

_BOLD = "\x1b[1m"
_BOLD_RED = "\x1b[1;31m"
_CYAN = "\x1b[36m"
_RESET = "\x1b[0m"


# The lines of a file as the reporter shows them (``--show-source``), or None when it cannot be read.
SourceLines = Callable[[str], Optional[Sequence[str]]]


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False,
           help_each: bool = False, source: SourceLines | None = None, unsafe_fixes: bool = False) -> str:
    """One line per finding, sorted by path, line, column and code; then each distinct help once,
    with the codes it explains (``help_each``: under every finding instead; with ``source``, under a
    frame of the code, as ruff shows it).  ``[*]`` after the code marks what ``--fix`` fixes (with
    ``unsafe_fixes``, the unsafe fixes too).  ANSI colour only when asked."""
    lines = []
    helps: dict[str, list[str]] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        path, code, help_text = printable(diagnostic.path), diagnostic.code, printable(diagnostic.help)
        if help_text and code not in helps.setdefault(help_text, []):
            helps[help_text].append(code)
        if color:
            path, code = f"{_BOLD}{path}{_RESET}", f"{_BOLD_RED}{code}{_RESET}"
        fix = diagnostic.fix
        mark = "[*] " if fix is not None and (fix.applicability == "safe" or unsafe_fixes) else ""
        lines.append(f"{path}:{diagnostic.line}:{diagnostic.column}: {code} {mark}{printable(diagnostic.message)}\n")
        if source is not None:
            lines.append(_frame(diagnostic, source(diagnostic.path), color))
        if help_each and diagnostic.help:
            lines.append(f"  {_CYAN}help:{_RESET} " if color else "  help: ")
            lines.append(f"{help_text}\n")
    if helps and not help_each:
        lines.append("\n")
    for text, codes in sorted(helps.items(), key=lambda item: (item[1], item[0])) if not help_each else ():
        label = f"help ({', '.join(codes)}):"
        lines.append(f"{_CYAN}{label}{_RESET} {text}\n" if color else f"{label} {text}\n")
    return "".join(lines)


def _frame(diagnostic: Diagnostic, text: Optional[Sequence[str]], color: bool) -> str:
    """The finding's line with the line before it and a caret range under the statement's first line."""
    if not text or not 0 < diagnostic.line <= len(text):
        return ""
    first = max(1, diagnostic.line - 1)
    width = len(str(diagnostic.line))
    out = [f"{'':>{width}} |\n"]
    for number in range(first, diagnostic.line + 1):
        out.append(f"{number:>{width}} | {printable(text[number - 1].rstrip())}\n")
    shown = printable(text[diagnostic.line - 1].rstrip())
    start = max(diagnostic.column - 1, 0)
    end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line and diagnostic.end_column > 1 \
        else len(shown)
    carets = "^" * max(1, min(end, len(shown)) - start)
    out.append(f"{'':>{width}} | {' ' * start}{_BOLD_RED + carets + _RESET if color else carets}\n")
    return "".join(out)
