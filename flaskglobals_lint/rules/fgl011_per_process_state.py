from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Rule
from .wording import via, where


class PerProcessState(Rule):
    """
    ## What it finds
    When the app runs several worker processes, request-time writes to
    in-process shared state even when a lock protects them.  Off unless the
    project says it runs more than one worker: `processes = N` in the
    settings (or `--processes N`), or a `gunicorn.conf.py` with
    `workers = N`, a Procfile/Dockerfile/compose command running
    `gunicorn -w N` / `--workers N`, `WEB_CONCURRENCY=N`, or uWSGI
    `processes = N`, with N > 1.

    ## Why it breaks
    A `threading.Lock` makes the state consistent inside one process, but
    every worker process has its own copy of the module, the lock and the
    state.  A counter protected by a lock still counts per worker; a
    registration stored by one worker is unknown to the others.

    ## Example
    ```python
    # gunicorn.conf.py: workers = 4
    with visits_lock:
        visits += 1
    ```

    ## Use instead
    Keep state that all workers must share outside the process: Redis
    (`INCR`, hashes, sets), a database with atomic updates
    (`UPDATE counters SET n = n + 1`), or a `multiprocessing.Manager` whose
    proxies (and `manager.Lock()`) are shared across processes.

    ## See it happen
    `flaskglobals-lint --demo FGL011`
    """

    code = "FGL011"
    name = "per-process-state"
    summary = "Lock-protected in-process state still diverges between worker processes."
    enabled_by_default = False
    invalid = ()
    valid = ()

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        if analysis.processes <= 1:
            return
        reason = f" ({analysis.processes_reason})" if analysis.processes_reason else ""
        for write in analysis.writes:
            if not write.protected or write.operation in ("proxy", "config") or analysis.benign(write):
                continue
            yield write.finding(
                self.code,
                f"shared {where(write)} is protected by a lock but lives in one worker process "
                f"({via(write)}); the app runs {analysis.processes} worker processes{reason}, each with "
                f"its own copy and its own lock; keep it in Redis or a database, or use a "
                f"multiprocessing.Manager",
            )
