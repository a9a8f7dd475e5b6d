from __future__ import annotations

from typing import Iterator

from ..state import properties
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import via, where


class AwaitInterleaving(Rule):
    """
    ## What it finds
    In an `async def` view (or code it calls), shared state read into a
    local before an `await` and written back after it from that stale value:
    `left = seats["left"]; await ...; seats["left"] = left - 1`.

    ## Why it breaks
    Flask runs each async view in an event loop on a worker thread, and under
    an ASGI server or `asgiref` many requests share one loop: at every
    `await` other requests run and change the state, and the write then
    overwrites their changes.  Threads: several loops or threads race on the
    same object as well.  Processes: each worker has its own copy.

    ## Example
    ```python
    @app.route("/reserve")
    async def reserve():
        left = seats["left"]
        await charge_card()
        seats["left"] = left - 1
    ```

    ## Use instead
    Re-read after the `await` and change the value in one step under a lock
    (`with seats_lock: seats["left"] -= 1`), or keep it in a database and
    update it atomically.

    ## See it happen
    `flaskglobals-lint --demo FGL010`
    """

    code = "FGL010"
    name = "stale-write-after-await"
    fix_safety = """\
`--fix` does not change these findings: the fix moves the read after
the `await` (or puts both under an `asyncio.Lock`), and whether the code
between them may run with the state locked, or may read it again, is a
decision about what the coroutine waits for.  The message names the read
and the write to bring together."""
    summary = "Shared state read before an await is written after it from the stale value."
    invalid = (
        '''
import asyncio
from flask import Flask
app = Flask(__name__)
stock = {"n": 5}

@app.route("/buy")
async def buy():
    n = stock["n"]
    await asyncio.sleep(0)
    stock["n"] = n - 1  # expect: FGL010 FGL002
    return "ok"
''',
    )
    valid = (
        '''
import asyncio
from flask import Flask
app = Flask(__name__)
stock = {"n": 5}

@app.route("/buy")
async def buy():
    await asyncio.sleep(0)
    return {"n": stock["n"]}
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.writes:
            if write.protected:
                continue
            line = properties.stale_after_await(write.function, write.access)
            if not line:
                continue
            yield write.finding(
                self.code,
                f"shared {where(write)} written from a value read before the await at line "
                f"{line} ({via(write)})",
                "other requests run during the await and their changes are overwritten; re-read and "
                "update it in one step under a lock after the await",
            )
