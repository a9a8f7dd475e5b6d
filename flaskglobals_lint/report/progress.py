"""A progress bar on stderr for long runs, and only where someone is watching.

Shown when stderr is a terminal and the run has more than ``MIN_FILES`` files
to load or analyse; nothing at all when stderr is piped or redirected, so
logs, CI output and ``2>file`` stay clean.  The bar is cleared when the
per-file step ends, before the report is printed.
"""
from __future__ import annotations

from typing import Any, Optional, TextIO

import click

__all__ = ["MIN_FILES", "ProgressBar"]

# Below this, a run is over before a bar would tell anyone anything.
MIN_FILES = 300


class ProgressBar:
    """A callable for ``RunOptions.progress``: (files done, files in all)."""

    def __init__(self, stream: TextIO, min_files: int = MIN_FILES) -> None:
        self.stream = stream
        self.min_files = min_files
        self.bar: Optional[Any] = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_files or not _is_terminal(self.stream):
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Analysing files", file=self.stream,
                                         show_pos=True, show_eta=False, width=30)
            self.bar.render_progress()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        """Erase the bar's line and show the cursor again (the bar hid it), so the report starts clean."""
        if self.bar is not None:
            self.stream.write("\r\x1b[2K\x1b[?25h")
            self.stream.flush()
            self.bar = None
            self.shown = 0  # a fix round lints again: a new bar starts from nothing


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
