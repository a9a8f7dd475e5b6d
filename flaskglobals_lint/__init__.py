"""flaskglobals-lint: finds shared global state mutated by Flask request handlers."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .engine import LintResult, lint_paths, lint_source

__all__ = ["Diagnostic", "LintResult", "lint_paths", "lint_source", "__version__"]

# The public API, imported on first use: a submodule (the command line's replay of a cached
# run) must not pay for the whole engine.
_LAZY = {"Diagnostic": "diagnostics", "LintResult": "engine", "lint_paths": "engine", "lint_source": "engine"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
