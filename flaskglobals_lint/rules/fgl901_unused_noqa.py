from __future__ import annotations

from typing import Iterator

from ..state.model import Analysis, Finding
from .base import Example, Rule


class UnusedNoqa(Rule):
    """
    ## What it finds
    A `# noqa: FGLxxx` comment whose code suppresses nothing on its line: the
    race was fixed, the code moved, or the code is misspelled.  Off unless
    selected (`--extend-select FGL901`), like ruff's RUF100; only codes of
    rules that ran are checked.

    ## Why it breaks
    It does not: a stale `noqa` hides the next real finding on that line, and
    tells the reader that a race is accepted where there is none.

    ## Example
    ```python
    with hits_lock:
        hits += 1  # noqa: FGL001   (the lock fixed it)
    ```

    ## Use instead
    Remove the comment, or the code from it.

    ## See it happen
    `flaskglobals-lint --extend-select FGL901 src/`
    """

    code = "FGL901"
    name = "unused-noqa"
    summary = "A noqa comment names a code that suppresses nothing on its line."
    enabled_by_default = False
    invalid = (
        Example('''
from flask import Flask
app = Flask(__name__)
TOTAL = {"n": 0}

@app.route("/")
def index():
    return str(TOTAL["n"])  # noqa: FGL002  # expect: FGL901
''', settings={"extend_select": ("FGL901",)}),
    )
    valid = (
        Example('''
from flask import Flask
app = Flask(__name__)
TOTAL = {"n": 0}

@app.route("/")
def index():
    TOTAL["n"] += 1  # noqa: FGL002
    return "ok"  # noqa: FGL011 (FGL011 did not run: one worker process)
''', settings={"extend_select": ("FGL901",)}),
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        return iter(())  # reported by the engine, which sees the findings before suppression
