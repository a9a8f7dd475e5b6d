"""GitHub Actions workflow commands: findings appear as annotations on the pull request."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..rules.base import Rule

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False) -> str:
    """One ``::warning file=...::message`` line per finding, escaped as the runner expects."""
    lines = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        title = f"{diagnostic.code} {diagnostic.name}".rstrip()
        properties = {
            "file": diagnostic.path,
            "line": diagnostic.line,
            "col": diagnostic.column,
            "endLine": diagnostic.end_line or diagnostic.line,
            "endColumn": diagnostic.end_column or diagnostic.column,
            "title": title,
        }
        joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        command = _COMMANDS.get(diagnostic.severity, "warning")
        lines.append(f"::{command} {joined}::{escape_data(diagnostic.full_message)}\n")
    return "".join(lines)


def escape_data(value: str) -> str:
    """Escape a command's message, as the runner's ``escapeData`` does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value, as the runner's ``escapeProperty`` does: also ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
