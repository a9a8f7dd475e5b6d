from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Example, Rule


class InMemoryBackend(Rule):
    """
    ## What it finds
    When the app runs several worker processes, extensions that keep their
    state inside the process: Flask-Limiter with `memory://` storage (its
    default), Flask-Caching's `SimpleCache`, and an APScheduler scheduler
    started with the app (`BackgroundScheduler`, Flask-APScheduler).  Off
    unless the project runs more than one worker, found as for FGL011.  A
    storage chosen by a value that is not a literal (an environment
    variable), or by config loaded from outside the sources
    (`app.config.from_pyfile`, `from_prefixed_env`), is taken as chosen well.

    ## Why it breaks
    Each gunicorn or uWSGI worker process has its own copy of the extension.
    A rate limit of 10 per minute under 4 workers lets a client through up to
    40 times, depending on which worker the load balancer picks; a
    `cache.delete()` after an update clears the cache of one worker while the
    others keep serving the old value; a scheduler started at import time
    starts once per worker, so every job runs once per worker.

    ## Example
    ```python
    # gunicorn.conf.py: workers = 4
    limiter = Limiter(get_remote_address, app=app)          # memory:// by default
    cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    scheduler = BackgroundScheduler()
    scheduler.add_job(send_digest, "interval", hours=1)
    scheduler.start()
    ```

    ## Use instead
    Keep what all workers share outside the process:
    `Limiter(..., storage_uri="redis://localhost:6379")`, `CACHE_TYPE =
    "RedisCache"` (or `MemcachedCache`; `FileSystemCache` on one host), and
    run the scheduler in one process of its own (a separate service, or
    Celery beat / RQ scheduler).

    ## See it happen
    `flaskglobals-lint --demo FGL012`
    """

    code = "FGL012"
    name = "in-memory-backend"
    fix_safety = """\
`--fix` does not change these findings: the remedy is a shared backend
(`storage_uri="redis://..."`, `CACHE_TYPE = "RedisCache"`) that must
exist where the app is deployed, or one process for the scheduler; an
edit cannot provide it."""
    summary = "An extension keeps its rate limits, cache or schedule in each worker process."
    enabled_by_default = False
    enabled_with_processes = True
    invalid = (
        Example('''
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, default_limits=["10 per minute"])  # expect: FGL012
''', settings={"processes": 2}),
        Example('''
from flask import Flask
from flask_caching import Cache
app = Flask(__name__)
cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})  # expect: FGL012
''', settings={"processes": 2}),
        Example('''
from flask import Flask
from apscheduler.schedulers.background import BackgroundScheduler
app = Flask(__name__)
scheduler = BackgroundScheduler()  # expect: FGL012
scheduler.start()
''', settings={"processes": 2}),
    )
    valid = (
        Example('''
import os
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, storage_uri="redis://localhost:6379")
cache_limiter = Limiter(get_remote_address, storage_uri=os.environ["LIMITER_STORAGE"])
''', settings={"processes": 2}),
        Example('''
from flask import Flask
from flask_caching import Cache
app = Flask(__name__)
app.config["CACHE_TYPE"] = "RedisCache"
cache = Cache(app)
''', settings={"processes": 2}),
        Example('''
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app)
''', settings={"processes": 1}),
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        if analysis.processes <= 1:
            return
        n = analysis.processes
        reason = f" ({analysis.processes_reason})" if analysis.processes_reason else ""
        for backend in analysis.backends:
            kind = backend.kind
            consequence = kind.consequence.format(n=n)
            yield Finding(
                self.code, backend.path, backend.span,
                f"{kind.extension} keeps {kind.kept} in each worker process ({backend.evidence}); the app "
                f"runs {n} worker processes{reason}",
                subject=kind.extension, help=f"{consequence}; {kind.remedy}",
            )
