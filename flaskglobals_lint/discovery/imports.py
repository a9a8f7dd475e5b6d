"""The project's import graph, read from text alone (no parse): what the pre-pass and changed-files runs follow."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence, TypeVar

from ..settings import Settings
from .sources import SourceFile, discover, import_index, read_text

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_IMPORT_MODULE = re.compile(r"import_module\(\s*[\"']([\w.]+)[\"']\s*\)")


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
    for names in _IMPORT.findall(text) + _IMPORT_MODULE.findall(text):
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
    found: list[SourceFile] = []
    for root in sorted({project_root(s.path) for s in given}):
        found += discover([root], settings, cwd)
    index = import_index(found)
    # Each file once, by its module name; an import by a longer name leads to the same file.
    files = {source.module: source for source in index.values()}
    imports: dict[str, set[str]] = {}
    for name, source in files.items():
        text = read_text(source.path)
        if text is None:
            continue
        imports[name] = {index[m].module for m in imported_modules(text, name, source.is_package) if m in index}
    importers: dict[str, set[str]] = {}
    for name, targets in imports.items():
        for target in targets:
            importers.setdefault(target, set()).add(name)
    start = [s.module for s in given if s.module in files]
    forward = closure(start, imports)
    backward = closure(start, importers)
    wanted = forward | backward | {m for name in backward for m in imports.get(name, ())}
    return [files[m] for m in sorted(wanted) if os.path.realpath(files[m].path) not in given_paths]


Node = TypeVar("Node", str, int)


def closure(start: Sequence[Node], edges: dict[Node, set[Node]]) -> set[Node]:
    seen = set(start)
    todo = list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
