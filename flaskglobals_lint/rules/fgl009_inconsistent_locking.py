from __future__ import annotations

from typing import Iterator

from ..state.fixes import LOCKED_LIKE_SAFETY, locked_like
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import via, where


class InconsistentLocking(Rule):
    """
    ## What it finds
    Shared state that one request-time site changes under a lock and another
    changes without it, or under a different lock.  The unprotected site is
    reported (instead of FGL001, FGL002, FGL003 or FGL006 there), naming the
    site that does take the lock; with different locks, the sites that do not
    take the lock most sites use are reported.

    ## Why it breaks
    A lock only excludes code that also takes it.  The unlocked write runs in
    the middle of the locked one, so the locked code's invariant (a counter
    and a list kept in step, a check and its write) is broken anyway.
    Processes: the lock is per worker in any case (see FGL011).

    ## Example
    ```python
    def add(item):
        with CART_LOCK:
            CART.append(item)

    def clear():
        CART.clear()        # reported: no lock here
    ```

    ## Use instead
    Take the same lock at every site that changes the state.

    ## See it happen
    `flaskglobals-lint --demo FGL009`
    """

    code = "FGL009"
    name = "inconsistent-locking"
    fix_safety = LOCKED_LIKE_SAFETY
    summary = "Shared state is changed under a lock at one site and without it at another."
    # Its finding names the lock the other sites take: more useful than "no lock here".
    supersedes = ("FGL001", "FGL002", "FGL003", "FGL004", "FGL006")
    invalid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
CART = []
CART_LOCK = threading.Lock()

@app.post("/add/<item>")
def add(item):
    with CART_LOCK:
        CART.append(item)
    return "ok"

@app.post("/clear")
def clear():
    CART.clear()  # expect: FGL009
    return "ok"
''',
    )
    valid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
CART = []
CART_LOCK = threading.Lock()

@app.post("/add/<item>")
def add(item):
    with CART_LOCK:
        CART.append(item)
    return "ok"

@app.post("/clear")
def clear():
    with CART_LOCK:
        CART.clear()
    return "ok"
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.writes:
            other = analysis.inconsistent_with(write)
            if other is None:
                continue
            here = f"under {write.lock_names()}" if write.protected else "without a lock"
            yield write.finding(
                self.code,
                f"shared {where(write)} changed {here} ({via(write)}) but under {other.lock_names()} at "
                f"{other.module.path}:{other.access.span.line}",
                f"the two writes do not exclude each other; take {other.lock_names()} here too",
                fix=locked_like(write, analysis),
            )
