"""Which files make up the project: Python sources to lint, and deployment files that say how it runs."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterator, Sequence, TypeVar

from .safe_io import ReadRefused, read_bounded
from .settings import DEFAULT_EXCLUDES, MAX_FILE_BYTES, Settings, normalize_glob


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
    matches it.  A symbolic link whose target lies outside every linted path
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
        starts.append(start)
    walk = _Walk(exclusion, [os.path.realpath(start) for start in starts], settings.follow_symlinks)
    seen: set[str] = set()
    found: list[SourceFile] = []
    for start in starts:
        files = walk.files(start) if start.is_dir() else iter([start])
        for file in files:
            real = os.path.realpath(file)
            if real not in seen:
                seen.add(real)
                found.append(_source_file(file, cwd))
    for folder, reason in walk.problems:
        found.append(SourceFile(folder, _display(folder, cwd), folder.name, False, reason))
    return sorted(found, key=lambda source: source.path.as_posix())


class _Exclusion:
    """Exclude globs, matched against a single path component and against the path relative to root."""

    def __init__(self, patterns: Sequence[str], root: Path) -> None:
        self.patterns = tuple(normalize_glob(pattern) for pattern in patterns)
        self.root = root

    def excludes(self, path: Path) -> bool:
        if any(fnmatchcase(path.name, pattern) for pattern in self.patterns):
            return True
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return False
        return any(fnmatchcase(relative, pattern) for pattern in self.patterns)


class _Walk:
    """Folder walks that share what they visited (a symlink loop, or a link back into the tree, is entered once)."""

    def __init__(self, exclusion: _Exclusion, roots: Sequence[str], follow_symlinks: bool) -> None:
        self.exclusion = exclusion
        self.roots = [root.rstrip(os.sep) + os.sep for root in roots]
        self.follow_symlinks = follow_symlinks
        self.visited: set[str] = set()
        self.problems: list[tuple[Path, str]] = []

    def inside_roots(self, real: str) -> bool:
        return any((real + os.sep).startswith(root) for root in self.roots)

    def files(self, start: Path) -> Iterator[Path]:
        stack = [start]
        while stack:
            folder = stack.pop()
            real = os.path.realpath(folder)
            if real in self.visited:
                continue
            self.visited.add(real)
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError as exc:
                self.problems.append((folder, f"cannot read folder: {exc.strerror or exc}"))
                continue
            subfolders = []
            for entry in entries:
                path = folder / entry.name
                if self.exclusion.excludes(path):
                    continue
                try:
                    if entry.is_symlink() and not self.follow_symlinks and os.path.exists(path) \
                            and not self.inside_roots(os.path.realpath(path)):
                        continue  # leads out of the linted tree: --follow-symlinks lints it anyway
                    is_dir = entry.is_dir()
                except OSError:  # a symlink loop, a vanished entry
                    is_dir = False
                if is_dir:
                    subfolders.append(path)
                elif entry.name.endswith(".py"):
                    # Also FIFOs, sockets, devices and broken links named *.py: each gets an FGL900.
                    yield path
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


def _source_file(path: Path, cwd: Path) -> SourceFile:
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        if folder.parent == folder:
            break
        folder = folder.parent
    module = ".".join(parts) or path.stem
    return SourceFile(path=path, display=_display(path, cwd), module=module, is_package=is_package)


def _display(path: Path, cwd: Path) -> str:
    """Relative to ``cwd`` when the file lies below it (also through symlinks), else absolute."""
    for file, base in ((path, cwd), (Path(os.path.realpath(path)), Path(os.path.realpath(cwd)))):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


DEPLOYMENT_PATTERNS: tuple[str, ...] = (
    "gunicorn.conf.py", "gunicorn_config.py", "Procfile", "Dockerfile*",
    "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml",
    "uwsgi*.ini", "*.service",
)


def find_deployment_files(root: Path, *, subfolders: bool = True) -> list[Path]:
    """Files that may say how many worker processes serve the app, in ``root`` and one level down.

    ``subfolders=False`` looks in ``root`` only: the folder of a single linted
    file may hold unrelated projects next to it.
    """
    folders = [root]
    if subfolders:
        try:
            folders += sorted(
                child for child in root.iterdir()
                if child.is_dir() and not child.name.startswith(".")
                and not any(fnmatchcase(child.name, pattern) for pattern in DEFAULT_EXCLUDES)
            )
        except OSError:
            return []
    found: list[Path] = []
    for folder in folders:
        try:
            children = sorted(folder.iterdir())
        except OSError:
            continue
        found += [
            child for child in children
            if child.is_file() and any(fnmatchcase(child.name, pattern) for pattern in DEPLOYMENT_PATTERNS)
        ]
    return found


# Deployment files are a few lines; anything larger is not one.
DEPLOYMENT_FILE_BYTES = 1024 * 1024

# "Several": a count computed from the CPU count is at least two on any server worth the name.
CPU_COUNT_WORKERS = 2

_PY_WORKERS = re.compile(r"^[ \t]*workers[ \t]*=[ \t]*(?P<value>[^#\n]+)", re.MULTILINE)
_ENV_DEFAULT = re.compile(r"""(?:get|getenv)\(\s*["'][^"']*["']\s*,\s*["']?(?P<count>\d+)""")
_INI_PROCESSES = re.compile(r"^[ \t]*(?:processes|workers)[ \t]*[=:][ \t]*(?P<count>\d+)", re.MULTILINE)
_LONG_OPTION = re.compile(r"(?<![\w-])--(?:workers|processes)(?:[ \t]*=[ \t]*|[ \t]+)(?P<count>\d+)\b")
_SHORT_OPTION = re.compile(r"(?<![\w-])-w[ \t]*(?P<count>\d+)\b")
_SERVER_COMMAND = re.compile(r"\b(?:gunicorn|hypercorn)\b")
_WEB_CONCURRENCY = re.compile(r"""WEB_CONCURRENCY["']?(?:[ \t]*[=:][ \t]*|[ \t]+)["']?(?P<count>\d+)""")
# Exec-form JSON arrays and YAML lists become plain command lines once these are spaces.
_COMMAND_PUNCTUATION = str.maketrans({'"': " ", "'": " ", ",": " ", "[": " ", "]": " "})


def detect_worker_processes(files: Sequence[Path], root: Path | None = None) -> tuple[int, str] | None:
    """The largest number of worker processes (> 1) the deployment files configure, and where.

    Files are read as text and never imported or run.  The reason reads like
    ``"gunicorn.conf.py: workers = 4"``; its path is relative to ``root``
    when given, else the file name.
    """
    best: tuple[int, str] | None = None
    for path in files:
        text = read_text(path, DEPLOYMENT_FILE_BYTES)
        if text is None:
            continue
        where = _where(path, root)
        for count, evidence in _worker_counts(path.name, text):
            if count > 1 and (best is None or count > best[0]):
                best = (count, f"{where}: {evidence}")
    return best


def _where(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def _worker_counts(name: str, text: str) -> Iterator[tuple[int, str]]:
    if name.endswith(".py"):
        yield from _python_config_counts(text)
        return
    if name.endswith(".ini"):
        for match in _INI_PROCESSES.finditer(text):
            yield int(match["count"]), _squeeze(match.group(0))
    for line in _logical_lines(text):
        command = line.translate(_COMMAND_PUNCTUATION)
        patterns = [_LONG_OPTION, _WEB_CONCURRENCY]
        if _SERVER_COMMAND.search(command):
            patterns.append(_SHORT_OPTION)
        for pattern in patterns:
            for match in pattern.finditer(command):
                yield int(match["count"]), _squeeze(match.group(0))


def _python_config_counts(text: str) -> Iterator[tuple[int, str]]:
    for match in _PY_WORKERS.finditer(text):
        value = match["value"].strip()
        evidence = f"workers = {value}"
        if value.isdigit():
            yield int(value), evidence
        elif "cpu_count" in value:
            yield CPU_COUNT_WORKERS, evidence
        else:
            default = _ENV_DEFAULT.search(value)
            if default:
                yield int(default["count"]), evidence


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with backslash continuations joined and full-line comments dropped."""
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith(("#", ";")) and not pending:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        yield pending + stripped
        pending = ""
    if pending:
        yield pending


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# ----------------------------------------------------------------- context
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)


def project_root(path: Path) -> Path:
    """The nearest folder at or above ``path`` that holds pyproject.toml, setup.py, setup.cfg or .git."""
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return folder


def imported_modules(text: str, module: str, is_package: bool) -> set[str]:
    """Modules a file may import, read from its text alone (no parse): ``from .a import b`` -> a, a.b.

    An over-approximation is fine: it only decides which files to analyse as context.
    """
    out: set[str] = set()
    package = module.split(".") if is_package else module.split(".")[:-1]
    for dots, base, names in _FROM_IMPORT.findall(text):
        if dots:
            parent = package[: len(package) - (len(dots) - 1)] if len(dots) - 1 <= len(package) else []
            base = ".".join([*parent, base] if base else parent)
        if base:
            out.add(base)
        for name in names.strip("() \t\n").replace("\n", " ").split(","):
            name = name.strip().split(" as ")[0].strip()
            if name and name != "*":
                out.add(f"{base}.{name}" if base else name)
    for names in _IMPORT.findall(text):
        for name in names.split(","):
            name = name.strip().split(" as ")[0].strip()
            parts = name.split(".")
            out.update(".".join(parts[: i + 1]) for i in range(len(parts)) if name)
    return out


def context_files(given: Sequence[SourceFile], settings: Settings, cwd: Path | None = None) -> list[SourceFile]:
    """Project files needed to judge ``given`` (the files pre-commit passes) correctly.

    The modules the given files import (transitively), the modules that import
    them (transitively: the views that reach a changed helper), and what those
    importers import directly, so their names resolve.  Files are only read as
    text here; the caller analyses them.
    """
    cwd = (cwd or Path.cwd()).absolute()
    given_paths = {os.path.realpath(s.path) for s in given}
    index: dict[str, SourceFile] = {}
    for root in sorted({project_root(s.path) for s in given}):
        for source in discover([root], settings, cwd):
            index.setdefault(source.module, source)
    imports: dict[str, set[str]] = {}
    for name, source in index.items():
        text = read_text(source.path)
        if text is None:
            continue
        imports[name] = {m for m in imported_modules(text, name, source.is_package) if m in index}
    importers: dict[str, set[str]] = {}
    for name, targets in imports.items():
        for target in targets:
            importers.setdefault(target, set()).add(name)
    start = [s.module for s in given if s.module in index]
    forward = _closure(start, imports)
    backward = _closure(start, importers)
    wanted = forward | backward | {m for name in backward for m in imports.get(name, ())}
    return [index[m] for m in sorted(wanted)
            if os.path.realpath(index[m].path) not in given_paths]


Node = TypeVar("Node", str, int)


def _closure(start: Sequence[Node], edges: dict[Node, set[Node]]) -> set[Node]:
    seen = set(start)
    todo = list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


# Above this many standard-library names side by side, a folder is a copy of the standard library.
STDLIB_COPY_THRESHOLD = 20


def stdlib_copies(sources: Sequence[SourceFile]) -> frozenset[str]:
    """Top-level module names that mean the standard library even though a file has that name.

    A project's own ``calendar.py`` shadows the standard module, as it does
    for Python; but a folder holding dozens of standard-library names is a
    copy of the standard library (a vendored or linted interpreter), and
    ``import threading`` there still means the real one.
    """
    from .flask_model import STDLIB_MODULES

    by_folder: dict[Path, set[str]] = {}
    for source in sources:
        top = source.module.split(".", 1)[0]
        if top in STDLIB_MODULES:
            depth = source.module.count(".") + (1 if source.is_package else 0)
            folder = source.path.parents[depth]
            by_folder.setdefault(folder, set()).add(top)
    return frozenset(name for names in by_folder.values() if len(names) >= STDLIB_COPY_THRESHOLD for name in names)


# ----------------------------------------------------------------- pre-pass
def _marker_pattern(extra_names: Sequence[str] = ()) -> re.Pattern[bytes]:
    from . import flask_model as fm

    hooks = sorted(fm.ROUTE_DECORATORS | fm.HOOK_DECORATORS | fm.SOCKETIO_DECORATORS | fm.ENDPOINT_DECORATORS)
    calls = sorted(set(fm.REGISTRATIONS) | fm.HOOK_REGISTRATIONS)
    alternatives = [
        rb"flask|socketio|werkzeug",  # matched case-insensitively below
        rb"@[\w.]*\.(?:" + "|".join(hooks).encode() + rb")\b",
        rb"\.(?:" + "|".join(calls).encode() + rb")\s*\(",
    ]
    alternatives.extend(re.escape(name.rsplit(".", 1)[-1].encode()) for name in extra_names)
    return re.compile(b"(?i:" + alternatives[0] + b")|" + b"|".join(alternatives[1:]))


def select_for_analysis(sources: Sequence[SourceFile], contents: Sequence[bytes | None],
                        extra_names: Sequence[str] = ()) -> list[bool]:
    """Which files need the full analysis; the rest cannot hold or reach request-time code.

    A file needs it when its bytes show Flask (an import, a route or hook
    decorator, a registration call), when it imports such a file (a view
    class may derive from a project base class), or when one of those imports
    it (state and helpers live there).  Imports into a copy of the standard
    library are not followed (see ``stdlib_copies``).  Only bytes are read.
    """
    pattern = _marker_pattern(extra_names)
    outside = stdlib_copies(sources)
    index = {source.module: i for i, source in enumerate(sources) if source.module.split(".", 1)[0] not in outside}
    imports: list[set[int]] = []
    for source, data in zip(sources, contents):
        text = data.decode("utf-8", "replace") if data is not None else ""
        imports.append({index[m] for m in imported_modules(text, source.module, source.is_package) if m in index})
    importers: dict[int, set[int]] = {}
    for i, targets in enumerate(imports):
        for target in targets:
            importers.setdefault(target, set()).add(i)
    start = [i for i, data in enumerate(contents) if data is None or pattern.search(data)]
    edges_back = {i: importers.get(i, set()) for i in range(len(sources))}
    backward = _closure(start, edges_back)
    forward = _closure(sorted(backward), {i: imports[i] for i in range(len(sources))})
    return [i in forward for i in range(len(sources))]
