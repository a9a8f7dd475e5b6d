"""Which files one run reads, and which of them it reports on."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..settings import Settings
from .imports import context_files
from .sources import SourceFile, discover


@dataclass(frozen=True)
class RunFiles:
    """``sources``: the files under the linted paths.  ``context``: when files are named one by one
    (as pre-commit does), the project modules they need, analysed but not reported on; ``reported``
    is then the display paths findings may be in (None: every file's)."""

    sources: list[SourceFile]
    context: list[SourceFile]
    reported: Optional[frozenset[str]]

    @property
    def everything(self) -> list[SourceFile]:
        return [*self.sources, *self.context]


def run_files(paths: Sequence[str | Path], settings: Settings) -> RunFiles:
    """Raises ``FileNotFoundError`` for a path that does not exist."""
    sources = discover(paths, settings)
    given = [s for s in sources if any(_same_file(s.path, p) for p in paths)]
    if not given:
        return RunFiles(sources, [], None)
    return RunFiles(sources, context_files(given, settings), frozenset(s.display for s in sources))


def _same_file(path: Path, given: str | Path) -> bool:
    candidate = Path(given)
    return candidate.is_file() and os.path.realpath(candidate) == os.path.realpath(path)
