from __future__ import annotations

from typing import Iterator

from ..state.fixes import LOCK_FIX_SAFETY, fix_for
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import leak_note, started_note, remedy, via, when, where, workers_note


class SharedObjectMutation(Rule):
    """
    ## What it finds
    Request-time code that changes the state of an object shared by all
    requests: attribute writes on a module-level instance of a project class
    or on a class (`stats.hits += 1`, `Stats.hits += 1`), writes to `self`
    inside a method called on such an instance (`sequence.next()` whose
    method does `self.current += 1`), and per-request changes to a shared
    HTTP client's configuration (`http.headers.update(...)` on a module-level
    `requests.Session()`).

    ## Why it breaks
    Threads: the object is one object for the whole process; `self.n += 1`
    from two requests loses updates and a half-updated object is visible to
    other requests.  A shared session's headers or auth set for one user are
    sent with every other user's requests.  Processes: every worker holds its
    own instance, so the state differs between workers.

    ## Example
    ```python
    class Sequence:
        def __init__(self):
            self.current = 0

        def next(self):
            self.current += 1
            return self.current

    sequence = Sequence()

    @app.route("/id")
    def new_id():
        return {"id": sequence.next()}
    ```

    ## Use instead
    ```python
    class Sequence:
        def __init__(self):
            self.current = 0
            self._lock = threading.Lock()

        def next(self):
            with self._lock:
                self.current += 1
                return self.current
    ```
    Across worker processes use a database sequence or Redis `INCR`.

    ## See it happen
    `flaskglobals-lint --demo FGL003`
    """

    code = "FGL003"
    # One finding per write: the request data it stores is said in this message.
    supersedes = ("FGL004",)
    name = "shared-object-mutation"
    fix_safety = LOCK_FIX_SAFETY
    summary = "The state of an object shared by all requests is changed without a lock."
    invalid = (
        '''
from flask import Flask
app = Flask(__name__)

class Stats:
    hits = 0

@app.route("/")
def index():
    Stats.hits += 1  # expect: FGL003
    return "ok"
''',
    )
    valid = (
        '''
from flask import Flask
app = Flask(__name__)

class Basket:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)

@app.route("/basket/<item>")
def basket(item):
    b = Basket()
    b.add(item)
    return {"n": len(b.items)}
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.racy(("object", "client")):
            if write.operation == "client":
                hazard = "the setting applies to every request that uses the shared client"
            else:
                hazard = ("concurrent requests lose updates" if write.access.read_modify_write
                          else "concurrent requests change the same object")
            yield write.finding(
                self.code,
                f"shared object {where(write)} changed {when(write)} ({via(write)})"
                f"{started_note(write)}{leak_note(write)}",
                f"{hazard}{workers_note(analysis, write) if write.operation != 'client' else ''}"
                f"; {remedy(write)}",
                fix=fix_for(write, analysis),
            )
