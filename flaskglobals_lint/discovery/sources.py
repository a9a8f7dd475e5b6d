"""Which Python files make up the project, and their bytes: the first stage of the pipeline."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fnmatch import translate
from pathlib import Path, PurePath, PurePosixPath
from typing import Container, Iterable, Iterator, Sequence, TypeVar

from ..safe_io import ReadRefused, read_bounded
from ..settings import MAX_FILE_BYTES, Settings, normalize_glob
from .gitignore import GitIgnore, repository_root


@dataclass(frozen=True)
class SourceFile:
    """One Python file to lint.

    ``path`` is absolute; ``display`` is what the user sees in reports
    (relative to the current directory when below it, posix separators);
    ``module`` is the dotted name Python would import it under.  ``problem``
    says why a folder could not be listed (it is then reported as FGL900
    at the folder's path instead of being analysed).
    """

    path: Path
    display: str
    module: str
    is_package: bool
    problem: str = ""


def discover(paths: Sequence[str | Path], settings: Settings, cwd: Path | None = None) -> list[SourceFile]:
    """The ``.py`` files under ``paths``, sorted and each listed once.

    Folders are walked (iteratively: any depth), skipping excluded names; a
    path given explicitly is always linted, even if an exclude pattern
    matches it, unless ``force-exclude`` is set (pre-commit names every
    changed file: the excludes must still apply).  A symbolic link whose target lies outside every linted path
    is not followed unless ``follow-symlinks`` is set, so a link to ``/``
    cannot make the run walk the whole machine.  A folder that cannot be
    listed is returned with its ``problem``.  Raises ``FileNotFoundError``
    for a path that does not exist.
    """
    cwd = (cwd or Path.cwd()).absolute()
    exclusion = _Exclusion(settings.exclude + settings.extend_exclude, settings.root or cwd)
    starts = []
    for given in paths:
        start = Path(os.path.normpath(cwd / given))
        if not start.exists():
            raise FileNotFoundError(str(given))
        if settings.force_exclude and exclusion.excludes_within(start):
            continue
        starts.append(start)
    walk = _Walk(exclusion, [os.path.realpath(start) for start in starts], settings.follow_symlinks)
    if settings.respect_gitignore:
        walk.gitignores = {root: GitIgnore(root) for start in starts
                           if (root := repository_root(start if start.is_dir() else start.parent)) is not None}
    seen: set[object] = set()
    found: list[SourceFile] = []
    packages: dict[Path, tuple[str, ...]] = {}
    for start in starts:
        files = walk.files(start) if start.is_dir() else iter([(start, _identity(start))])
        for file, identity in files:
            if identity not in seen:
                seen.add(identity)
                found.append(_source_file(file, cwd, packages))
    for folder, reason in walk.problems:
        found.append(SourceFile(folder, _display(folder, cwd), folder.name, False, reason))
    return sorted(found, key=lambda source: source.path.as_posix())


def _identity(path: Path) -> object:
    """What makes two paths the same file: (device, inode), or the real path of a link that leads nowhere."""
    try:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    except OSError:
        return os.path.realpath(path)


class _Exclusion:
    """Exclude globs, matched against a single path component and against the path relative to root."""

    def __init__(self, patterns: Sequence[str], root: Path) -> None:
        self.patterns = tuple(normalize_glob(pattern) for pattern in patterns)
        self.root = root
        # All the globs as one expression: fnmatchcase's, tried once per path instead of once per glob.
        self._match = re.compile("|".join(f"(?:{translate(p)})" for p in self.patterns)).match \
            if self.patterns else None
        self._prefix = str(root).rstrip(os.sep) + os.sep

    def excludes(self, path: Path) -> bool:
        return self.excludes_entry(path.name, str(path))

    def excludes_entry(self, name: str, text: str) -> bool:
        """``excludes`` for the path ``text``, whose last component is ``name``."""
        if self._match is None:
            return False
        if self._match(name):
            return True
        if not text.startswith(self._prefix):
            return False
        return self._match(_posix(text[len(self._prefix):])) is not None

    def excludes_within(self, path: Path) -> bool:
        """The path, or a folder it is in (below the root), is excluded."""
        if self.excludes(path):
            return True
        return any(self.excludes(parent) for parent in path.parents
                   if parent != self.root and self.root in parent.parents)


class _Walk:
    """Folder walks that share what they visited (a symlink loop, or a link back into the tree, is entered once)."""

    def __init__(self, exclusion: _Exclusion, roots: Sequence[str], follow_symlinks: bool) -> None:
        self.exclusion = exclusion
        self.roots = [root.rstrip(os.sep) + os.sep for root in roots]
        self.follow_symlinks = follow_symlinks
        self.visited: set[tuple[int, int]] = set()
        self.problems: list[tuple[Path, str]] = []
        # The working trees the walk is in, each with what git ignores there (``respect-gitignore``).
        self.gitignores: dict[Path, GitIgnore] = {}

    def git_ignores(self, path: Path, is_dir: bool) -> bool:
        return any(ignore.ignored(path, is_dir) for root, ignore in self.gitignores.items()
                   if root == path or root in path.parents)

    def inside_roots(self, real: str) -> bool:
        return any((real + os.sep).startswith(root) for root in self.roots)

    def files(self, start: Path) -> Iterator[tuple[Path, object]]:
        """The files to lint under ``start``, each with its identity (``_identity``)."""
        stack = [start]
        while stack:
            folder = stack.pop()
            try:
                # A folder is its (device, inode): cheap at any depth, unlike realpath.
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in self.visited:
                    continue
                self.visited.add((info.st_dev, info.st_ino))
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError as exc:
                self.problems.append((folder, f"cannot read folder: {exc.strerror or exc}"))
                continue
            subfolders = []
            prefix = str(folder).rstrip(os.sep) + os.sep
            for entry in entries:
                name = entry.name
                text = prefix + name
                if self.exclusion.excludes_entry(name, text):
                    continue
                try:
                    link = entry.is_symlink()
                    if link and not self.follow_symlinks and os.path.exists(text) \
                            and not self.inside_roots(os.path.realpath(text)):
                        continue  # leads out of the linted tree: --follow-symlinks lints it anyway
                    is_dir = entry.is_dir()
                except OSError:  # a symlink loop, a vanished entry
                    link, is_dir = True, False
                if not is_dir and not name.endswith(".py"):
                    continue
                path = folder / name
                if self.gitignores and self.git_ignores(path, is_dir):
                    continue
                if is_dir:
                    subfolders.append(path)
                else:
                    # Also FIFOs, sockets, devices and broken links named *.py: each gets an FGL900.
                    # An entry that is no link is on its folder's device, with the inode scandir read.
                    yield path, (_identity(path) if link else (info.st_dev, entry.inode()))
            stack.extend(reversed(subfolders))


def read_source(source: SourceFile) -> tuple[bytes | None, str]:
    """The file's bytes, or why there are none.

    The size is checked before reading (a 4 GB sparse file costs nothing) and
    a FIFO or device is never read, so this never blocks and never exhausts
    memory; one file's problem is its own FGL900, never the run's.
    """
    if source.problem:
        return None, source.problem
    try:
        return read_bounded(source.path, MAX_FILE_BYTES), ""
    except ReadRefused as exc:
        return None, str(exc)
    except FileNotFoundError:
        if os.path.islink(source.path):
            return None, "broken symbolic link"
        return None, "file vanished before it could be read"
    except MemoryError:
        return None, "not enough memory to read this file"
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """A project file read as text for a quick scan (imports, deployment settings), or None."""
    try:
        return read_bounded(path, limit).decode("utf-8", "replace")
    except (OSError, MemoryError):
        return None


def _source_file(path: Path, cwd: Path, packages: dict[Path, tuple[str, ...]]) -> SourceFile:
    """``packages``: each folder's package chain, as found so far (siblings share their folders')."""
    is_package = path.name == "__init__.py"
    chain = _package_chain(path.parent, packages)
    parts = [*chain] if is_package else [*chain, path.stem]
    module = ".".join(parts) or path.stem
    return SourceFile(path=path, display=_display(path, cwd), module=module, is_package=is_package)


def _package_chain(folder: Path, known: dict[Path, tuple[str, ...]]) -> tuple[str, ...]:
    """The package names from the outermost package down to ``folder`` (empty: not a package)."""
    if folder not in known:
        if not (folder / "__init__.py").is_file():
            known[folder] = ()
        elif folder.parent == folder:
            known[folder] = (folder.name,)
        else:
            known[folder] = (*_package_chain(folder.parent, known), folder.name)
    return known[folder]


def _posix(relative: str) -> str:
    """A relative path's text with forward slashes (as ``PurePath.as_posix``)."""
    return relative if os.sep == "/" else PurePath(relative).as_posix()


def _display(path: Path, cwd: Path) -> str:
    """Relative to ``cwd`` when the file lies below it (also through symlinks), else absolute."""
    text, base = str(path), str(cwd).rstrip(os.sep) + os.sep
    if text.startswith(base):
        return _posix(text[len(base):])
    try:
        return Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(cwd))).as_posix()
    except ValueError:
        return path.as_posix()


Key = TypeVar("Key")

# How many folders above a module's package chain may prefix its name.
ALIAS_DEPTH = 4


def import_names(path: str, module: str, is_package: bool) -> list[str]:
    """The other names a module can be imported by: each run root (the folder of the script,
    ``src/``, a folder on ``sys.path``) may be any folder above its package chain, so a module
    ``model_manager`` in ``app/manager/`` (no ``__init__.py``: a namespace package) is also
    ``manager.model_manager`` and ``app.manager.model_manager``.  ``path`` is the display path
    (``SourceFile.display``, ``ModuleFacts.path``)."""
    parts = PurePosixPath(path.replace("\\", "/")).with_suffix("").parts
    if is_package:
        parts = parts[:-1]
    chain = module.split(".")
    if tuple(parts[-len(chain):]) != tuple(chain):
        return []
    prefix = parts[:-len(chain)]
    names = []
    for depth in range(1, min(len(prefix), ALIAS_DEPTH) + 1):
        folders = prefix[-depth:]
        if not all(folder.isidentifier() for folder in folders):
            break
        names.append(".".join((*folders, *chain)))
    return names


def unique_import_names(files: Iterable[tuple[Key, str, str, bool]], taken: Container[str]) -> dict[str, Key]:
    """Longer import name -> the one file that can have it: ``files`` are (key, display path,
    module, is_package); a name in ``taken`` (a module's own name) or claimed twice is left out."""
    claims: dict[str, list[Key]] = {}
    for key, path, module, is_package in files:
        for name in import_names(path, module, is_package):
            claims.setdefault(name, []).append(key)
    return {name: keys[0] for name, keys in claims.items() if len(keys) == 1 and name not in taken}


def import_index(sources: Sequence[SourceFile]) -> dict[str, SourceFile]:
    """Import name -> file: each file by its module name (the first of a name wins), and by the
    longer names of ``import_names`` that no module has and only one file can have."""
    index: dict[str, SourceFile] = {}
    for source in sources:
        index.setdefault(source.module, source)
    index.update(unique_import_names(((s, s.display, s.module, s.is_package) for s in sources), index))
    return index
