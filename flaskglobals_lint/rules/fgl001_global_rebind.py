from __future__ import annotations

from typing import Iterator

from ..state.fixes import LOCK_FIX_SAFETY, fix_for
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import leak_note, started_note, remedy, via, when, where, workers_note


class GlobalRebind(Rule):
    """
    ## What it finds
    Request-time code that rebinds a module-level name (`global x` then
    `x += 1` / `x = ...`), a variable of an app factory (`nonlocal x` in a
    handler defined inside `create_app()`), or a module attribute
    (`settings.MODE = ...`).

    ## Why it breaks
    Threads: `x += 1` is a read, an add and a store; two requests that read
    the same old value both store `old + 1` and one update is lost.  A plain
    `x = value` publishes one request's value to every other request.
    Processes: gunicorn and uWSGI run several worker processes, each with its
    own copy of the module, so the value silently differs between workers.

    Lazy initialisation (`if _client is None: _client = make_client()`) is
    not reported: a race only builds the object twice.  `strict = true`
    reports it too.

    Work a request starts after testing the flag the work sets (`if not
    RUNNING: Thread(target=work).start()`, where `work` sets `RUNNING = True`)
    is reported at the work's first store, with the test's line: two requests
    can both pass the test before the work runs and start it twice, on gevent
    too, since the start lets other requests run.  Claim the work in the
    request instead: test and set the flag under one lock, then start.

    ## Example
    ```python
    downloads = 0

    @app.route("/download")
    def download():
        global downloads
        downloads += 1
        return {"downloads": downloads}
    ```

    ## Use instead
    ```python
    downloads = 0
    downloads_lock = threading.Lock()

    @app.route("/download")
    def download():
        global downloads
        with downloads_lock:
            downloads += 1
            return {"downloads": downloads}
    ```
    With several worker processes keep the counter in Redis (`INCR`) or a
    database (`UPDATE counters SET n = n + 1`).

    ## See it happen
    `flaskglobals-lint --demo FGL001`
    """

    code = "FGL001"
    # One finding per write: the request data it stores is said in this message.
    supersedes = ("FGL004",)
    name = "global-rebind"
    fix_safety = LOCK_FIX_SAFETY
    summary = "A module-level or app-factory variable is rebound in request-time code."
    invalid = (
        '''
from flask import Flask
app = Flask(__name__)
hits = 0

@app.route("/")
def index():
    global hits
    hits += 1  # expect: FGL001
    return str(hits)
''',
        '''
from flask import Flask

def create_app():
    app = Flask(__name__)
    counter = 0

    @app.get("/next")
    def next_id():
        nonlocal counter
        counter = counter + 1  # expect: FGL001
        return str(counter)
    return app
''',
    )
    valid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
hits = 0
lock = threading.Lock()

@app.route("/")
def index():
    global hits
    with lock:
        hits += 1
    return "ok"
''',
        '''
from flask import Flask
app = Flask(__name__)
hits = 0

def reset():
    global hits
    hits = 0

if __name__ == "__main__":
    reset()
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.racy(("rebind",)):
            hazard = "concurrent requests lose updates" if write.access.read_modify_write \
                else "every concurrent request sees the value one request stored"
            yield write.finding(
                self.code,
                f"global {where(write)} rebound {when(write)} ({via(write)}){started_note(write)}{leak_note(write)}",
                f"{hazard}{workers_note(analysis, write)}; {remedy(write)}",
                fix=fix_for(write, analysis),
            )
