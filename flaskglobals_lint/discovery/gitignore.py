"""What git ignores in a working tree: ``.gitignore`` files, ``.git/info/exclude`` and the user's
global excludes file, matched with ``pathspec``'s git semantics.

Only inside a git working tree (a folder with ``.git`` at or above the linted path): elsewhere a
``.gitignore`` means nothing to git either.  Deeper files take precedence over shallower ones, as
in git; the global file is ``$XDG_CONFIG_HOME/git/ignore`` (``~/.config/git/ignore``), and a
``core.excludesFile`` set in git's config is not read.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..safe_io import read_bounded

if TYPE_CHECKING:
    import pathspec

# An ignore file larger than this is not one.
MAX_IGNORE_BYTES = 1024 * 1024


def repository_root(folder: Path) -> Optional[Path]:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class GitIgnore:
    """The ignore rules of one working tree, read once per folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.specs: dict[Path, Optional[pathspec.GitIgnoreSpec]] = {}
        global_file = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "git" / "ignore"
        # Lowest precedence first: the user's global file, then the repository's own exclude file.
        self.base = [spec for spec in (_spec(global_file), _spec(root / ".git" / "info" / "exclude")) if spec]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Whether git ignores ``path`` (an absolute path inside the working tree)."""
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return False
        if not relative.parts or relative.parts[0] == ".git":
            return False
        decision: Optional[bool] = None
        suffix = "/" if is_dir else ""
        for base in self.base:
            decision = _decide(base, relative.as_posix() + suffix, decision)
        folder = self.root
        for part in relative.parts[:-1] + ("",):
            spec = self._folder_spec(folder)
            if spec is not None:
                decision = _decide(spec, path.relative_to(folder).as_posix() + suffix, decision)
            if not part:
                break
            folder = folder / part
        return bool(decision)

    def _folder_spec(self, folder: Path) -> Optional[pathspec.GitIgnoreSpec]:
        if folder not in self.specs:
            self.specs[folder] = _spec(folder / ".gitignore")
        return self.specs[folder]


def _decide(spec: pathspec.GitIgnoreSpec, relative: str, decision: Optional[bool]) -> Optional[bool]:
    """A later (deeper) file's match overrides what came before; no match keeps it."""
    result = spec.check_file(relative).include
    return decision if result is None else result


def _spec(path: Path) -> Optional[pathspec.GitIgnoreSpec]:
    try:
        text = read_bounded(path, MAX_IGNORE_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError):
        return None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return None
    import pathspec  # here: a tree outside git, and a replayed run in one without ignore files, never need it

    return pathspec.GitIgnoreSpec.from_lines(lines)
