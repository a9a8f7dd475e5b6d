"""flaskglobals-lint: finds shared global state mutated by Flask request handlers."""
from __future__ import annotations

__version__ = "0.1.0"

from .diagnostics import Diagnostic  # noqa: E402
from .api import LintResult, lint_paths, lint_source  # noqa: E402

__all__ = ["Diagnostic", "LintResult", "lint_paths", "lint_source", "__version__"]
