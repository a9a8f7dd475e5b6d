from __future__ import annotations

from typing import Iterator

from ..state.fixes import LOCK_FIX_SAFETY, fix_for
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import leak_note, started_note, process_state, remedy, via, when, where, workers_note


class SharedContainerMutation(Rule):
    """
    ## What it finds
    Request-time code that changes a list, dict, set, deque or other container
    that outlives the request: a module-level container, one created in an app
    factory, a class attribute, a mutable default argument, `os.environ`, or
    anything nested in them or taken from them (`STATE["rooms"].setdefault(...)`,
    `for item in ITEMS: item["n"] += 1`).  Calls of mutating methods
    (`append`, `update`, `setdefault`, `pop`, ...), item stores and `del`.
    Also calls that change process-wide settings for every thread:
    `random.seed`, `numpy.random.seed`, `locale.setlocale`, `os.chdir`,
    `os.umask`, `socket.setdefaulttimeout`, `sys.setrecursionlimit`,
    `time.tzset` (catalogue: `frameworks/stdlib.py`).

    `multiprocessing.Manager()` proxies are shared between processes on
    purpose and each single operation is safe; only a read-modify-write
    (`d[k] += 1`) or check-then-act on them is reported.

    ## Why it breaks
    Threads: every request of a worker changes the same object.
    `d[k] = d.get(k, 0) + 1` loses updates, check-then-act sequences tear,
    iterating while another request appends raises `RuntimeError`, and data
    one user stored is served to others.  Processes: each worker has its own
    copy, so what one request stored is missing for the next request served
    by another worker.

    Idempotent memoization (`if k not in CACHE: CACHE[k] = compute(k)`, with
    nothing ever deleted) is not reported: a race only computes twice and a
    per-worker cache is harmless.  `strict = true` reports it.

    ## Example
    ```python
    EVENTS = []

    @app.post("/events")
    def record():
        EVENTS.append(request.json)
        return "", 204
    ```

    ## Use instead
    ```python
    EVENTS = []
    EVENTS_LOCK = threading.Lock()

    @app.post("/events")
    def record():
        with EVENTS_LOCK:
            EVENTS.append(request.json)
        return "", 204
    ```
    If every worker process must see the events, store them in a database or
    Redis (`RPUSH`), or a `multiprocessing.Manager().list()`.

    ## See it happen
    `flaskglobals-lint --demo FGL002`
    """

    code = "FGL002"
    # One finding per write: the request data it stores is said in this message.
    supersedes = ("FGL004",)
    name = "shared-container-mutation"
    fix_safety = LOCK_FIX_SAFETY
    summary = "A container shared by all requests is changed without a lock."
    invalid = (
        '''
from flask import Flask
app = Flask(__name__)
seen = {}

@app.route("/hit/<page>")
def hit(page):
    seen[page] = seen.get(page, 0) + 1  # expect: FGL002
    return "ok"
''',
        '''
from flask import Flask
app = Flask(__name__)
ROOMS = {"lobby": []}

def join(room, name):
    members = ROOMS[room]
    members.append(name)  # expect: FGL002

@app.post("/join/<room>/<name>")
def join_view(room, name):
    join(room, name)
    return "ok"
''',
    )
    valid = (
        '''
from flask import Flask
app = Flask(__name__)
DEFAULTS = {"theme": "light"}

@app.route("/prefs")
def prefs():
    prefs = dict(DEFAULTS)
    prefs["theme"] = "dark"
    return prefs
''',
        '''
from flask import Flask
app = Flask(__name__)
REGISTRY = {}

def register(name):
    def deco(fn):
        REGISTRY[name] = fn
        return fn
    return deco

@register("upper")
def upper(s):
    return s.upper()

@app.route("/run/<name>/<s>")
def run(name, s):
    return REGISTRY[name](s)
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.racy(("container", "proxy")):
            if write.operation == "proxy":
                hazard = ("the manager makes each operation atomic, not the read-modify-write "
                          "or check-then-act around it, so concurrent requests lose updates")
                note = ""
            elif write.state.kind == "process":
                hazard = f"it changes {process_state(write)} for every thread of the process"
                note = ""
            else:
                hazard = ("concurrent requests lose updates" if write.access.read_modify_write
                          else "concurrent requests change it at the same time")
                note = workers_note(analysis, write)
            yield write.finding(
                self.code,
                f"shared {where(write)} changed {when(write)} ({via(write)}){started_note(write)}{leak_note(write)}",
                f"{hazard}{note}; {remedy(write)}",
                fix=fix_for(write, analysis),
            )
