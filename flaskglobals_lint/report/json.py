"""The machine format: one JSON array of findings."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..rules.base import Rule


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False) -> str:
    """``Diagnostic.as_dict()`` of every finding, sorted like the text format."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    return json.dumps([diagnostic.as_dict() for diagnostic in ordered], indent=2) + "\n"
