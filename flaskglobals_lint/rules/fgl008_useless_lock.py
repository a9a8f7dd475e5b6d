from __future__ import annotations

from typing import Iterator

from ..state.fixes import HOIST_SAFETY, hoist_fix
from ..state.model import Analysis, Finding, chain_frames
from .base import Rule


class UselessLock(Rule):
    """
    ## What it finds
    A lock created inside request-time code and used right there:
    `with threading.Lock():`, or `lock = threading.Lock()` followed by
    `with lock:` in a view or a helper it calls.  The same for every lock
    that is its own object (`multiprocessing`, `asyncio`, gevent and eventlet
    locks, `manager.Lock()`, and the `gen_wlock()` of a reader-writer lock made
    per request).  Locks known by a name are not reported: a
    `filelock.FileLock(path)` or a Redis client's `r.lock("jobs")` made per
    request is still the same lock, because the lock is the file or the key.

    ## Why it breaks
    Every request creates its own lock, so no two requests ever wait for each
    other: the lock protects nothing and the writes under it race as if it
    were not there (they are reported on their own lines).  Processes: an
    in-process lock never crosses worker processes in any case.

    ## Example
    ```python
    @app.route("/add")
    def add():
        with threading.Lock():
            TOTALS["n"] += 1
    ```

    ## Use instead
    ```python
    TOTALS_LOCK = threading.Lock()   # created once, at import

    @app.route("/add")
    def add():
        with TOTALS_LOCK:
            TOTALS["n"] += 1
    ```

    ## See it happen
    `flaskglobals-lint --demo FGL008`
    """

    code = "FGL008"
    name = "lock-protects-nothing"
    fix_safety = HOIST_SAFETY
    summary = "A lock is created per request, so it never makes two requests wait."
    invalid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)

@app.route("/")
def index():
    lock = threading.Lock()
    with lock:  # expect: FGL008
        pass
    return "ok"
''',
    )
    valid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
lock = threading.Lock()

@app.route("/")
def index():
    with lock:
        pass
    return "ok"
''',
        '''
from filelock import FileLock
from flask import Flask
app = Flask(__name__)

@app.route("/")
def index():
    with FileLock("/tmp/index.lock"):
        pass
    return "ok"
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        seen = set()
        for module, fn, use, reach in analysis.fresh_locks:
            key = (module.path, use.span.line, use.span.column)
            if key in seen:
                continue
            seen.add(key)
            chain = (reach.entry.label,) + reach.chain
            yield Finding(
                self.code, module.path, use.span,
                f"lock created at request time ({' -> '.join(chain)})",
                chain, reach.origin,
                frames=chain_frames(reach), fix=hoist_fix(module, fn, use),
                help="each request gets its own lock, so it never excludes another request; create the "
                     "lock once at module level (LOCK = threading.Lock()) and use that",
            )
