"""The baseline format: the fingerprints of today's findings, so that a later run with
``--baseline FILE`` reports only new ones (adopting the tool on an existing codebase).

Fingerprints are SARIF's (``diagnostics.fingerprint``): code, path and message without numbers,
so a finding keeps its place in the baseline when code above it moves.  The code, path, line and
message are kept beside each for the reader; only the fingerprint is compared.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ..diagnostics import Diagnostic, fingerprinted
from ..safe_io import read_bounded

if TYPE_CHECKING:
    from ..rules.base import Rule

FORMAT = "flaskglobals-lint-baseline"
VERSION = 1
# A baseline larger than this is not one.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(ValueError):
    """The file is not a baseline this version wrote."""


def render(diagnostics: Sequence[Diagnostic], rules: Sequence[type[Rule]], *, color: bool = False) -> str:
    entries = [{"fingerprint": fp, "code": d.code, "path": d.path, "line": d.line, "message": d.message}
               for d, fp in fingerprinted(diagnostics)]
    return json.dumps({"format": FORMAT, "version": VERSION, "findings": entries}, indent=2) + "\n"


def read(path: Path) -> Counter[str]:
    """The fingerprints a baseline file holds (each as often as it is recorded)."""
    try:
        document = json.loads(read_bounded(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BaselineError(f"{path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != VERSION:
        raise BaselineError(f"{path} is not a {FORMAT} file of version {VERSION}")
    findings = document.get("findings")
    if not isinstance(findings, list) or not all(
            isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings):
        raise BaselineError(f"{path}: 'findings' must be a list of objects with a 'fingerprint'")
    return Counter(f["fingerprint"] for f in findings)


def without(diagnostics: Sequence[Diagnostic], baseline: Counter[str]) -> list[Diagnostic]:
    """The diagnostics the baseline does not hold."""
    left = Counter(baseline)
    kept = []
    for diagnostic, fp in fingerprinted(diagnostics):
        if left[fp] > 0:
            left[fp] -= 1
        else:
            kept.append(diagnostic)
    return kept
