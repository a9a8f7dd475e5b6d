from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Example, Rule
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
    registration stored by one worker is unknown to the others.  A lock
    that does cross processes (`filelock.FileLock`, a Redis client's
    `r.lock("name")`, `manager.Lock()`) does not help either: it makes the
    workers take turns, but each of them still changes its own copy of the
    dict.

    ## Example
    ```python
    # gunicorn.conf.py: workers = 4
    with visits_lock:
        visits += 1

    with redis_client.lock("jobs"):   # excludes the other workers...
        JOBS[job_id] = "running"      # ...but each has its own JOBS
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
    fix_safety = """\
`--fix` does not change these findings: the state must move out of the
process (Redis, a database, a `multiprocessing.Manager`), which is a
change of design and of deployment, not an edit of the lines reported."""
    summary = "Lock-protected in-process state still diverges between worker processes."
    enabled_by_default = False
    enabled_with_processes = True
    invalid = (
        Example('''
import threading
from flask import Flask
app = Flask(__name__)
visits = {"n": 0}
visits_lock = threading.Lock()

@app.post("/visit")
def visit():
    with visits_lock:
        visits["n"] += 1  # expect: FGL011
    return "ok"
''', settings={"processes": 2}),
        Example('''
import redis
from flask import Flask
app = Flask(__name__)
r = redis.Redis()
JOBS = {}

@app.post("/jobs/<job_id>")
def start(job_id):
    with r.lock("jobs"):
        JOBS[job_id] = "running"  # expect: FGL011
    return "ok"
''', settings={"processes": 2}),
    )
    valid = (
        Example('''
import redis
from flask import Flask
app = Flask(__name__)
r = redis.Redis()

@app.post("/jobs/<job_id>")
def start(job_id):
    with r.lock("jobs"):
        r.hset("jobs", job_id, "running")
    return "ok"
''', settings={"processes": 2}),
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        if analysis.processes <= 1:
            return
        reason = f" ({analysis.processes_reason})" if analysis.processes_reason else ""
        for write in analysis.writes:
            if not write.protected or write.operation in ("proxy", "config") or analysis.benign(write):
                continue
            crossing = write.cross_process_locks()
            if crossing:
                lock = crossing[0]
                label = lock.type.label if lock.type is not None else "lock"
                yield write.finding(
                    self.code,
                    f"shared {where(write)} lives in one worker process ({via(write)})",
                    f"the {label} '{lock.name}' excludes the other worker processes, but each of them "
                    f"still has its own copy of '{write.state.name}'; the app runs {analysis.processes} "
                    f"worker processes{reason}; keep the state itself in Redis or a database, or in a "
                    f"multiprocessing.Manager",
                )
                continue
            yield write.finding(
                self.code,
                f"shared {where(write)} is protected by a lock but lives in one worker process "
                f"({via(write)})",
                f"the app runs {analysis.processes} worker processes{reason}, each with its own copy and "
                f"its own lock; keep it in Redis or a database, or use a multiprocessing.Manager",
            )
