"""flaskglobals-lint: finds shared global state mutated by Flask request handlers."""
from __future__ import annotations

from ._version import __version__  # noqa: E402

from .diagnostics import Diagnostic  # noqa: E402
from .engine import LintResult, lint_paths, lint_source  # noqa: E402

__all__ = ["Diagnostic", "LintResult", "lint_paths", "lint_source", "__version__"]
