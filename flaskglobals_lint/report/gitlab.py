"""GitLab Code Quality (the Code Climate JSON subset GitLab reads from a CI artifact)."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic
from ..diagnostics import fingerprint, stable_identity

if TYPE_CHECKING:
    from ..rules.base import Rule

_SEVERITY = {"error": "major", "warning": "minor", "note": "info"}


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False) -> str:
    """One JSON array of issues: description, check_name, fingerprint, severity, location."""
    issues = []
    seen: dict[tuple[str, str, str], int] = {}
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        identity = stable_identity(d)
        seen[identity] = seen.get(identity, 0) + 1
        issues.append({
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} {d.full_message}",
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint(identity, seen[identity]).replace(":", "-"),
            "severity": _SEVERITY.get(d.severity, "minor"),
            "location": {"path": d.path, "lines": {"begin": d.line, "end": d.end_line or d.line}},
        })
    return json.dumps(issues, indent=2) + "\n"
