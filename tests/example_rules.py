"""Two small rules for the reporter and CLI tests, so they do not depend on the real rule catalogue."""
from __future__ import annotations

from flaskglobals_lint.rules.base import Rule


class LostUpdate(Rule):
    """
    ## What it finds
    A global counter incremented in a view.

    ## Why it breaks
    Two threads read the same value.
    """

    code = "FGL002"
    name = "lost-update"
    summary = "Read-modify-write of shared state in a request handler."
    severity = "error"


class RequestDataInGlobal(Rule):
    """
    ## What it finds
    Request data stored in a module global.
    """

    code = "FGL004"
    name = "request-data-in-global"
    summary = "Per-request data stored in shared state."
