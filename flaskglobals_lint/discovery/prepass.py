"""The byte-level pre-pass: which files can hold or reach request-time code and need the full analysis."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..frameworks.backends import CONFIG_PATTERN
from ..frameworks.flask import prepass_pattern
from ..frameworks.stdlib import STDLIB_MODULES
from .imports import closure, imported_modules
from .sources import SourceFile, import_index


# Above this many standard-library names side by side, a folder is a copy of the standard library.
STDLIB_COPY_THRESHOLD = 20


def stdlib_copies(sources: Sequence[SourceFile]) -> frozenset[str]:
    """Top-level module names that mean the standard library even though a file has that name.

    A project's own ``calendar.py`` shadows the standard module, as it does
    for Python; but a folder holding dozens of standard-library names is a
    copy of the standard library (a vendored or linted interpreter), and
    ``import threading`` there still means the real one.
    """
    by_folder: dict[Path, set[str]] = {}
    for source in sources:
        top = source.module.split(".", 1)[0]
        if top in STDLIB_MODULES:
            depth = source.module.count(".") + (1 if source.is_package else 0)
            folder = source.path.parents[depth]
            by_folder.setdefault(folder, set()).add(top)
    return frozenset(name for names in by_folder.values() if len(names) >= STDLIB_COPY_THRESHOLD for name in names)


def select_for_analysis(sources: Sequence[SourceFile], contents: Sequence[bytes | None],
                        extra_names: Sequence[str] = ()) -> list[bool]:
    """Which files need the full analysis; the rest cannot hold or reach request-time code.

    A file needs it when its bytes show Flask (an import, a route or hook
    decorator, a registration call), when it imports such a file (a view
    class may derive from a project base class), or when one of those imports
    it (state and helpers live there), or when it sets a config key that chooses an extension's
    storage (``frameworks.backends``; config classes are often named in a string).  Imports into a copy of the standard
    library are not followed (see ``stdlib_copies``).  Only bytes are read.
    """
    pattern = prepass_pattern(extra_names)
    outside = stdlib_copies(sources)
    index = import_index([s for s in sources if s.module.split(".", 1)[0] not in outside])
    position = {id(source): i for i, source in enumerate(sources)}
    index_at = {name: position[id(source)] for name, source in index.items()}
    imports: list[set[int]] = []
    for source, data in zip(sources, contents):
        text = data.decode("utf-8", "replace") if data is not None else ""
        imports.append({index_at[m] for m in imported_modules(text, source.module, source.is_package) if m in index_at})
    importers: dict[int, set[int]] = {}
    for i, targets in enumerate(imports):
        for target in targets:
            importers.setdefault(target, set()).add(i)
    start = [i for i, data in enumerate(contents) if data is None or pattern.search(data)]
    settings = [i for i, data in enumerate(contents) if data is not None and CONFIG_PATTERN.search(data)]
    edges_back = {i: importers.get(i, set()) for i in range(len(sources))}
    backward = closure(start, edges_back)
    forward = closure(sorted(backward), {i: imports[i] for i in range(len(sources))})
    return [i in forward or i in settings for i in range(len(sources))]
