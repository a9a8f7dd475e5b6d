from __future__ import annotations

from typing import Iterator

from ..state.fixes import G_FIX_SAFETY, g_fix
from ..state.model import Analysis, Finding
from .base import Example, Rule
from .wording import via, where


class RequestDataLeak(Rule):
    """
    ## What it finds
    A value taken from the request (`request.*`, `session`, `g`,
    `current_user`, URL arguments of a view, a SocketIO payload) stored into
    state shared by all requests — reported next to the FGL001, FGL002,
    FGL003 or FGL006 finding of the same write.  The classic:
    `global current_user_name; current_user_name = request.headers["X-User"]`
    in a `before_request` hook.

    Aggregates (`total += amount`, `d[k] = d.get(k, 0) + n`) are not reported
    here: they mix values rather than publish one user's.  Neither is data
    filed under a key that also comes from the request
    (`drafts[author].append(text)`, `CACHE[slug] = render(slug)`): it is
    shared on purpose with whoever asks for that key.

    ## Why it breaks
    Threads: the next request handled by the process, which may belong to a
    different user, reads the value the previous request stored: user A is
    served as user B, or sees B's data.  Processes: whether the value is seen
    depends on which worker serves the request.

    ## Example
    ```python
    active_locale = "en"

    @app.before_request
    def pick_locale():
        global active_locale
        active_locale = request.accept_languages.best or "en"
    ```

    ## Use instead
    ```python
    from flask import g

    @app.before_request
    def pick_locale():
        g.locale = request.accept_languages.best or "en"
    ```

    ## See it happen
    `flaskglobals-lint --demo FGL004`
    """

    code = "FGL004"
    name = "request-data-in-shared-state"
    fix_safety = G_FIX_SAFETY
    summary = "Data from the request is stored in state shared by all requests."
    # Where FGL001/002/003/006 report the same write, their finding says it stores request
    # data and replaces this one; selected alone, this rule reports every such write.
    invalid = (
        Example('''
from flask import Flask, request
app = Flask(__name__)
last_user = None

@app.before_request
def remember():
    global last_user
    last_user = request.headers.get("X-User")  # expect: FGL004
''', settings={"select": ("FGL004",)}),
    )
    valid = (
        '''
from flask import Flask, request, g
app = Flask(__name__)

@app.before_request
def remember():
    g.user = request.headers.get("X-User")
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.racy(("rebind", "container", "object", "view"), interleaving=False):
            if not write.stores_request_data:
                continue
            yield write.finding(
                self.code,
                f"request data stored in shared {where(write)} ({via(write)})",
                "concurrent requests of other users read it, so one user's data is served to another; "
                "keep per-request data on flask.g (or pass it as an argument)",
                fix=g_fix(write, analysis.project),
            )
