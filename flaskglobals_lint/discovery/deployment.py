"""How the app is deployed, read from deployment files as text: how many worker processes serve it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterator, Sequence, Tuple

from ..settings import DEFAULT_EXCLUDES, Settings
from .imports import PROJECT_MARKERS
from .sources import read_text


DEPLOYMENT_PATTERNS: tuple[str, ...] = (
    # gunicorn's Python config, and its templates (gunicorn.conf.py.j2, gunicorn.conf.py.template)
    "gunicorn*.py", "gunicorn*.py.*", "*.conf.py.j2", "*.conf.py.template",
    "Procfile", "Dockerfile*", "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml",
    "compose*.yaml", "uwsgi*.ini", "*.service",
    # start scripts (entrypoint.sh, run.sh, bin/docker-entrypoint): only their server command lines count
    "*.sh", "*entrypoint*",
)


def is_script(name: str) -> bool:
    return name.endswith(".sh") or ("entrypoint" in name and not is_python_config(name))


def is_python_config(name: str) -> bool:
    """gunicorn's Python config file, or a template of one."""
    return name.endswith(".py") or ".py." in name


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
# A count, or a shell variable's default count (``${WORKERS:-4}``).
_COUNT = r"(?:\$\{\w+:?-)?(?P<count>\d+)(?:\}|\b)"
_LONG_OPTION = re.compile(r"(?<![\w-])--(?:workers|processes)(?:[ \t]*=[ \t]*|[ \t]+)" + _COUNT)
_SHORT_OPTION = re.compile(r"(?<![\w-])-w[ \t]*" + _COUNT)
_SERVER_COMMAND = re.compile(r"\b(?:gunicorn|hypercorn)\b")
_WEB_CONCURRENCY = re.compile(r"""WEB_CONCURRENCY["']?(?:[ \t]*[=:][ \t]*|[ \t]+)["']?(?P<count>\d+)""")
_WORKER_CLASS = re.compile(r"(?<![\w-])(?:--worker-class|-k)(?:[ \t]*=[ \t]*|[ \t]+)(?P<name>[\w.:-]+)")
_PY_WORKER_CLASS = re.compile(r"""^[ \t]*worker_class[ \t]*=[ \t]*["'](?P<name>[\w.:-]+)""", re.MULTILINE)
# Worker classes that run requests as greenlets, switching only at I/O.
COOPERATIVE_WORKERS = ("gevent", "eventlet")
# Exec-form JSON arrays and YAML lists become plain command lines once these are spaces.
_COMMAND_PUNCTUATION = str.maketrans({'"': " ", "'": " ", ",": " ", "[": " ", "]": " "})


# A deployment file as read: its path, where it is (as reasons name it), its text.
_Text = Tuple[Path, str, str]


def detect_worker_processes(files: Sequence[Path], root: Path | None = None) -> tuple[int, str] | None:
    """The largest number of worker processes (> 1) the deployment files configure, and where.

    Files are read as text and never imported or run.  The reason reads like
    ``"gunicorn.conf.py: workers = 4"``; its path is relative to ``root``
    when given, else the file name.
    """
    return _largest_count(_texts(files, root))


def _largest_count(texts: Sequence[_Text]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for path, where, text in texts:
        for count, evidence in _worker_counts(path.name, text):
            if count > 1 and (best is None or count > best[0]):
                best = (count, f"{where}: {evidence}")
    return best


def detect_worker_classes(files: Sequence[Path], root: Path | None = None) -> list[tuple[str, str]]:
    """The gunicorn worker classes the deployment files configure: (class, where and evidence)."""
    return _worker_classes(_texts(files, root))


def _worker_classes(texts: Sequence[_Text]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path, where, text in texts:
        if is_python_config(path.name):
            found += [(m["name"], f"{where}: {_squeeze(m.group(0))}") for m in _PY_WORKER_CLASS.finditer(text)]
            continue
        for line in _logical_lines(text):
            command = line.translate(_COMMAND_PUNCTUATION)
            if _SERVER_COMMAND.search(command):
                found += [(m["name"], f"{where}: {_squeeze(m.group(0))}") for m in _WORKER_CLASS.finditer(command)]
    return found


# Commands that serve the app through a WSGI/ASGI server other than the app's own code.
_ANY_SERVER_COMMAND = re.compile(r"\b(?:gunicorn|hypercorn|uwsgi|uvicorn|waitress-serve|flask[ \t]+run)\b")


def detect_server(files: Sequence[Path], root: Path | None = None) -> str:
    """Where a deployment file serves the app through a server such as gunicorn or uWSGI (the
    file and its evidence), or '' when none does: then the app may serve itself."""
    return _server(_texts(files, root))


def _server(texts: Sequence[_Text]) -> str:
    for path, where, text in texts:
        if is_python_config(path.name) or path.name.endswith(".ini"):
            return where  # a gunicorn.conf.py or uwsgi.ini configures that server
        for line in _logical_lines(text):
            match = _ANY_SERVER_COMMAND.search(line.translate(_COMMAND_PUNCTUATION))
            if match:
                return f"{where}: {match.group(0)}"
    return ""


def _texts(files: Sequence[Path], root: Path | None) -> list[_Text]:
    """Each readable deployment file, read once: its path, where it is (as reasons name it), its text."""
    out: list[_Text] = []
    for path in files:
        text = read_text(path, DEPLOYMENT_FILE_BYTES)
        if text is not None:
            out.append((path, _where(path, root), text))
    return out


def is_cooperative(worker_class: str) -> bool:
    return any(name in worker_class.lower() for name in COOPERATIVE_WORKERS)


def _where(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def _worker_counts(name: str, text: str) -> Iterator[tuple[int, str]]:
    if is_python_config(name):
        yield from _python_config_counts(text)
        return
    if name.endswith(".ini"):
        for match in _INI_PROCESSES.finditer(text):
            yield int(match["count"]), _squeeze(match.group(0))
    script = is_script(name)
    for line in _logical_lines(text):
        command = line.translate(_COMMAND_PUNCTUATION)
        serves = bool(_SERVER_COMMAND.search(command))
        if script and not serves:
            continue  # a start script's other commands have options of their own
        patterns = [_LONG_OPTION, _WEB_CONCURRENCY]
        if serves:
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


def deployment_folders(paths: Sequence[str | Path], settings: Settings) -> dict[Path, bool]:
    """Folders whose deployment files describe the linted code -> whether to look one level down.

    A linted folder (and the config's folder) may keep them in a subfolder
    (``deploy/``); above a linted path, only the folders on the way up to the
    project root count, so a sibling project's gunicorn.conf.py never does.
    """
    folders: dict[Path, bool] = {}
    for given in paths:
        path = Path(given).absolute()
        start = path if path.is_dir() else path.parent
        folders[start] = folders.get(start, False) or path.is_dir()
        current = start
        for _ in range(4):
            if any((current / marker).exists() for marker in PROJECT_MARKERS) or current.parent == current:
                break
            current = current.parent
            folders.setdefault(current, False)
    if settings.root is not None:
        folders[settings.root] = True
    return folders


def worker_processes(paths: Sequence[str | Path], settings: Settings) -> tuple[int, str]:
    """The number of worker processes the app runs under: configured, or found in deployment files."""
    found = deployment(paths, settings)
    return found.processes, found.reason


@dataclass(frozen=True)
class Deployment:
    """How the app is served, as its deployment files tell."""

    processes: int = 1
    # Why ``processes`` (``"gunicorn.conf.py: workers = 4"``), or ''.
    reason: str = ""
    # Where the workers are configured as gevent/eventlet workers only, or ''.
    cooperative: str = ""
    # Where a server such as gunicorn serves the app (``detect_server``), or ''.
    server: str = ""
    # What a gunicorn config file calls, as written (``scheduler.setup`` in ``on_starting``): what
    # those functions start runs in the master process, once, not in every worker.
    master_calls: frozenset[str] = frozenset()


def deployment(paths: Sequence[str | Path], settings: Settings) -> Deployment:
    """How the app is served, from one look at its deployment files."""
    texts = _texts(deployment_files(paths, settings), Path.cwd())
    if settings.processes is not None:
        processes, reason = settings.processes, "processes setting"
    else:
        processes, reason = _largest_count(texts) or (1, "")
    classes = _worker_classes(texts)
    cooperative = classes[0][1] if classes and all(is_cooperative(name) for name, _ in classes) else ""
    return Deployment(processes, reason, cooperative, _server(texts), _master_calls(texts))


_CALLED_NAME = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)[ \t]*\(")


def _master_calls(texts: Sequence[_Text]) -> frozenset[str]:
    return frozenset(name for path, _, text in texts if is_python_config(path.name)
                     for name in _CALLED_NAME.findall(text))


def deployment_files(paths: Sequence[str | Path], settings: Settings) -> list[Path]:
    """Every file ``deployment`` reads."""
    files: list[Path] = []
    for folder, subfolders in deployment_folders(paths, settings).items():
        files.extend(find_deployment_files(folder, subfolders=subfolders))
    return files
