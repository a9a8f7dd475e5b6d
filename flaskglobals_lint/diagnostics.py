"""The one result type every stage after the rules speaks: a located finding."""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at one place in one file.

    ``path`` is the path as the user should see it (relative to the current
    directory when the file lies below it).  Lines and columns are 1-based;
    ``end_line``/``end_column`` delimit the reported statement.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = ""
    end_line: int = 0
    end_column: int = 0
    severity: str = "warning"
    # The request-time call chain that reaches the write, outermost first.
    chain: tuple[str, ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "end_column": self.end_column or self.column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity,
            "chain": list(self.chain),
        }
