from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Rule
from .wording import via


class ConfigMutation(Rule):
    """
    ## What it finds
    Request-time code that changes the application's configuration:
    `app.config[...] = ...`, `current_app.config.update(...)`,
    `app.config.setdefault(key, <non-constant>)`, `app.secret_key = ...`,
    `app.debug = ...`.  Configuration set in `create_app()` or at import time
    is fine.

    ## Why it breaks
    Threads: `app.config` is one dict read by every request without a lock;
    a value set for one request changes the behaviour of every concurrent
    request (a per-user setting becomes everybody's setting).  Processes:
    only the worker that served the request changes, so the app behaves
    differently depending on which worker answers.

    ## Example
    ```python
    @app.route("/lang/<code>")
    def set_lang(code):
        current_app.config["LANGUAGE"] = code
    ```

    ## Use instead
    ```python
    @app.route("/lang/<code>")
    def set_lang(code):
        session["language"] = code
    ```
    Per-request values go on `flask.g` or in the session; configuration is set
    once in `create_app()`.

    ## See it happen
    `flaskglobals-lint --demo FGL007`
    """

    code = "FGL007"
    name = "config-mutated-at-request-time"
    fix_safety = """\
`--fix` does not change these findings: what to do depends on what the
value is.  A per-user choice belongs in `session`, a per-request value on
`flask.g`, a setting in `create_app()` before the first request; the
linter cannot tell which from the code, so it suggests them in the
message and leaves the choice to you."""
    summary = "The app's configuration is changed while serving a request."
    invalid = (
        '''
from flask import Flask, current_app, request
app = Flask(__name__)

@app.route("/theme")
def theme():
    current_app.config["THEME"] = request.args["t"]  # expect: FGL007
    return "ok"
''',
    )
    valid = (
        '''
from flask import Flask

def create_app():
    app = Flask(__name__)
    app.config["THEME"] = "dark"
    app.secret_key = "dev"
    return app
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.writes:
            if write.operation != "config" or analysis.benign(write):
                continue
            yield write.finding(
                self.code,
                f"app configuration '{write.state.name}' changed at request time ({via(write)})",
                "every concurrent request sees the change and other worker processes never do; set "
                "configuration once in create_app() and keep per-request values on flask.g or in the session",
            )
