"""The flake8 plugin: ``flake8 --extend-select FGL`` reports the same findings, file by file.

flake8 hands a plugin one file at a time, so imports into other project
files are not followed here: a write in a helper module is reported only when
the helper and the view that calls it are in the same file.  The command line
tool analyses the whole project.  flake8's own ``# noqa`` handling applies,
and so does the project's ``[tool.flaskglobals-lint]`` table.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator, Sequence, Union

from ._version import __version__
from .engine import lint_file_text
from .settings import ConfigError, Settings, find_pyproject, load_settings


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
        settings = _settings_for(Path(self.filename).absolute().parent)
        if isinstance(settings, str):
            yield 1, 0, f"FGL900 configuration error: {settings}", type(self)
            return
        for d in lint_file_text(source, self.filename, settings):
            if d.code == "FGL900":
                continue  # flake8 reports unparsable files itself (E999)
            yield d.line, d.column - 1, f"{d.code} {d.full_message}", type(self)


def _settings_for(folder: Path) -> Union[Settings, str]:
    """The settings of the project the file is in (read once per pyproject.toml), or the error."""
    try:
        return _settings_of(find_pyproject(folder))
    except ConfigError as exc:
        return str(exc)


@functools.lru_cache(maxsize=None)
def _settings_of(config: Path | None) -> Settings:
    if config is None:
        return Settings()
    from .cli import rule_ids

    return load_settings(config, config.parent, rule_ids())
