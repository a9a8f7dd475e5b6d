"""The per-file step: each file's bytes become plain, cacheable ``ModuleFacts``.

``parse`` makes them (``syntax`` + libcst + ``extract``), ``codec`` and
``cache`` store them, ``jobs``, ``batch`` and ``workers`` run the step over
many files.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import ModuleFacts
    from .parse import module_facts

__all__ = ["ModuleFacts", "module_facts"]


def __getattr__(name: str) -> Any:
    # On first use: the cache (a replayed run) must not pay for the parser.
    if name == "ModuleFacts":
        from .model import ModuleFacts

        return ModuleFacts
    if name == "module_facts":
        from .parse import module_facts

        return module_facts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
