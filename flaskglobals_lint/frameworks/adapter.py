"""One small interface every framework adapter implements, and the facade that merges them.

An adapter reads the linked program (``Symbols``) and names its framework's
doors into request time: ``find_entries`` lists the functions the framework
calls per request, ``is_view_class`` says whether the framework itself makes
instances of a class to serve requests (so its class attributes are per-view
state).  The registry of adapters is ``frameworks.registry.ADAPTERS``.
"""
from __future__ import annotations

from typing import Callable, Iterator, Protocol, Sequence

from ..facts.model import ModuleFacts
from ..program.symbols import ClassSym, EntryPoint, FunctionKey, Symbols


class FrameworkAdapter(Protocol):
    """What the engine and the state model ask of a framework."""

    def find_entries(self) -> list[EntryPoint]:
        """The functions the framework calls per request, in a stable order."""
        ...

    def is_view_class(self, sym: ClassSym) -> bool:
        """Whether the framework instantiates the class to serve requests."""
        ...


# How the registry builds an adapter: from the program and the configured entry-point decorators.
AdapterFactory = Callable[[Symbols, Sequence[str]], FrameworkAdapter]


def is_test_module(path: str) -> bool:
    """pytest files build apps to drive them with the test client, one request at a time."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def product_modules(symbols: Symbols) -> Iterator[tuple[str, ModuleFacts]]:
    """The program's modules an adapter looks for entries in: all but pytest files."""
    return ((module, facts) for module, facts in symbols.modules.items() if not is_test_module(facts.path))


class EntryPoints:
    """Every adapter behind one face: entries merged in registry order, the first claim wins."""

    def __init__(self, adapters: Sequence[FrameworkAdapter]) -> None:
        self.adapters = tuple(adapters)

    def find_entries(self) -> list[EntryPoint]:
        entries: dict[FunctionKey, EntryPoint] = {}
        for adapter in self.adapters:
            for entry in adapter.find_entries():
                entries.setdefault(entry.function, entry)
        return list(entries.values())

    def is_view_class(self, sym: ClassSym) -> bool:
        return any(adapter.is_view_class(sym) for adapter in self.adapters)
