from __future__ import annotations

from typing import Iterator

from ..state.fixes import ATTR_FIX_SAFETY, LOCK_FIX_SAFETY, fix_for
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import leak_note, started_note, remedy, via, where, workers_note


class ViewClassState(Rule):
    """
    ## What it finds
    State of a class-based view (`flask.views.View`/`MethodView`,
    flask-restful/flask-restx `Resource`, a Flask-SocketIO `Namespace`) that
    is shared by all requests and changed by them: a mutable class attribute
    changed through `self`/`cls` (`self.recent.append(...)` where
    `recent = []` sits in the class body), and any `self.x = ...` in the
    request methods of a view that sets `init_every_request = False` or of a
    SocketIO namespace (one instance serves every request).

    Attributes set on the per-request view instance (Flask creates one per
    request by default) are fine and not reported.

    ## Why it breaks
    Threads: a class attribute, and the single instance of an
    `init_every_request = False` view, is one object for the whole process:
    requests overwrite each other's values and one user's data shows up in
    another's response.  Processes: each worker has its own class, so the
    state differs between workers.

    ## Example
    ```python
    class CommentAPI(MethodView):
        recent = []

        def post(self):
            self.recent.append(request.form["body"])
    ```

    ## Use instead
    Keep per-request data in locals (or `flask.g`), and shared data in a
    database, or behind a module-level lock.

    ## See it happen
    `flaskglobals-lint --demo FGL006`
    """

    code = "FGL006"
    # One finding per write: the request data it stores is said in this message.
    supersedes = ("FGL004",)
    name = "view-class-shared-state"
    fix_safety = LOCK_FIX_SAFETY + "\n\n" + ATTR_FIX_SAFETY
    summary = "A class-based view changes state shared by every request it serves."
    invalid = (
        '''
from flask import Flask
from flask.views import MethodView
app = Flask(__name__)

class Counter(MethodView):
    init_every_request = False
    hits = 0

    def get(self):
        self.hits += 1  # expect: FGL006
        return "ok"

app.add_url_rule("/c", view_func=Counter.as_view("c"))
''',
    )
    valid = (
        '''
from flask import Flask
from flask.views import MethodView
app = Flask(__name__)

class Counter(MethodView):
    def get(self):
        self.last = 1
        return "ok"

app.add_url_rule("/c", view_func=Counter.as_view("c"))
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.racy(("view",)):
            hazard = ("concurrent requests lose updates" if write.access.read_modify_write
                      else "every request handled by this process sees and overwrites it")
            yield write.finding(
                self.code,
                f"view state {where(write)} is shared by all requests and changed at request time "
                f"({via(write)}){started_note(write)}{leak_note(write)}",
                f"{hazard}{workers_note(analysis, write)}; {remedy(write)}",
                fix=fix_for(write, analysis),
            )
