"""The flake8 plugin: ``flake8 --select FGL`` reports the same findings, file by file.

flake8 hands a plugin one file at a time, so imports into other project
files are not followed here: a write in a helper module is reported only when
the helper and the view that calls it are in the same file.  The command line
tool analyses the whole project.  flake8's own ``# noqa`` handling applies.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from ._version import __version__
from .discovery.deployment import worker_processes
from .engine import lint_source
from .settings import Settings


class Flake8Plugin:
    name = "flaskglobals-lint"
    version = __version__

    # flake8 classifies plugins by their parameters: ``tree`` makes this a
    # file-level plugin.  The ast tree itself is not used; libcst reads ``lines``.
    def __init__(self, tree: object, filename: str, lines: Sequence[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        processes, _ = worker_processes([Path(self.filename)], Settings())
        settings = Settings(processes=processes)
        for d in lint_source(source, self.filename, settings):
            if d.code == "FGL900":
                continue  # flake8 reports unparsable files itself (E999)
            yield d.line, d.column - 1, f"{d.code} {d.message}", type(self)
