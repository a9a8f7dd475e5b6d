"""Background threads started with the app: ``Thread(target=poll).start()`` at import time or in
the app factory, ``socketio.start_background_task(watch)``.

The started function runs next to every request for the life of the process.  It is an entry of
kind ``background``; a write it makes races only with a request that writes the same state (the
state model keeps such writes only then, ``Analysis.finish``).  Starts made by a request are the
call graph's (``program.threads``).  A ``FrameworkAdapter`` (``adapter.py``), registered last in
``registry.py``.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..facts.model import ThreadStart
from ..program.symbols import BindingSym, ClassSym, EntryPoint, FunctionKey, FunctionSym, Symbols
from .adapter import product_modules
from .stdlib import THREAD_START_METHODS, THREAD_STARTERS


class BackgroundThreadsAdapter:
    """Project functions that a thread or greenlet start runs."""

    def __init__(self, symbols: Symbols, entry_point_decorators: Sequence[str] = ()) -> None:
        self.symbols = symbols

    def find_entries(self) -> list[EntryPoint]:
        entries: list[EntryPoint] = []
        for module, facts in product_modules(self.symbols):
            for start in facts.thread_starts:
                entry = self.entry_of(module, facts.path, start)
                if entry is not None:
                    entries.append(entry)
        return entries

    def is_view_class(self, sym: ClassSym) -> bool:
        return False

    def entry_of(self, module: str, path: str, start: ThreadStart) -> Optional[EntryPoint]:
        target = self.target_of(module, start)
        if not target:
            return None
        found = self.function_of(module, target)
        if found is None:
            return None
        key, instance = found
        where = f"{start.scope}()" if start.scope else f"{path} at import"
        label = f"background thread started in {where}: {start.starter[-1]}({'.'.join(target)})"
        return EntryPoint(key, "background", label, instance=instance)

    def target_of(self, module: str, start: ThreadStart) -> tuple[str, ...]:
        """The dotted name the start runs, by the starter's catalogue entry."""
        name = start.starter[-1]
        if len(start.starter) > 1 and name in THREAD_START_METHODS:
            position, keyword = THREAD_START_METHODS[name], ""
        else:
            position, keyword = THREAD_STARTERS.get(self.symbols.qualified(module, start.starter), (-1, ""))
        if position < 0:
            return ()
        by_keyword = next((t for kw, t in start.kwargs if keyword and kw == keyword), ())
        return by_keyword or (start.args[position] if position < len(start.args) else ())

    def function_of(self, module: str,
                    target: tuple[str, ...]) -> Optional[tuple[FunctionKey, tuple[str, str, int]]]:
        """A project function (``poll``, ``jobs.poll``), or a method of a module-level instance
        (``watcher.run``), with that instance as (name, module, line)."""
        sym, rest = self.symbols.resolve_dotted(module, target)
        if isinstance(sym, FunctionSym) and not rest:
            return FunctionKey(sym.module, sym.qualname), ("", "", 0)
        if isinstance(sym, BindingSym) and len(rest) == 1:
            binding = self.symbols.binding(sym)
            cls = self.symbols.class_of_ctor(sym.module, binding.ctor) if binding.kind == "call" else None
            method = self.symbols.find_method(cls, rest[0]) if cls is not None else None
            if method is not None:
                return method, (sym.name, sym.module, binding.span.line)
        return None
