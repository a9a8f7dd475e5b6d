from __future__ import annotations

from typing import Iterator

from ..state import properties
from ..state.fixes import WIDEN_SAFETY, widen_fix
from ..state.model import Analysis, Finding
from .base import Rule
from .wording import via, where


class CheckThenAct(Rule):
    """
    ## What it finds
    A write made under a lock after a test of the same shared state made
    outside that lock acquisition: `if seat in booked: abort(409)` and then
    `with lock: booked[seat] = user`.  Double-checked locking, which repeats
    the test inside the lock before writing, is accepted.  The same holds for a
    value computed from the state outside the lock and stored under it:
    `pet = {"id": len(pets) + 1}` and then `with lock: pets.append(pet)`, and
    for a test made by a project predicate whose answer reads the state
    (`if not name_free(name): abort(409)`, where `name_free` returns
    `name not in users`).

    ## Why it breaks
    Threads: between the test and the lock another request can change the
    state, so the decision is made on stale data: two users book the same seat,
    a username is registered twice.  The lock protects only the write, not the
    decision.  Processes: the lock and the state are per worker anyway (see
    FGL011).

    ## Example
    ```python
    if name in usernames:
        return "taken", 409
    with usernames_lock:
        usernames.add(name)
    ```

    ## Use instead
    ```python
    with usernames_lock:
        if name in usernames:
            return "taken", 409
        usernames.add(name)
    ```

    ## See it happen
    `flaskglobals-lint --demo FGL005`
    """

    code = "FGL005"
    name = "check-then-act-outside-lock"
    fix_safety = WIDEN_SAFETY
    summary = "Shared state is tested outside the lock that protects the write that depends on it."
    invalid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
booked = {}
lock = threading.Lock()

@app.post("/book/<seat>/<user>")
def book(seat, user):
    if seat in booked:
        return "taken", 409
    with lock:
        booked[seat] = user  # expect: FGL005
    return "ok"
''',
    )
    valid = (
        '''
import threading
from flask import Flask
app = Flask(__name__)
booked = {}
lock = threading.Lock()

@app.post("/book/<seat>/<user>")
def book(seat, user):
    if seat in booked:
        return "taken", 409
    with lock:
        if seat in booked:
            return "taken", 409
        booked[seat] = user
    return "ok"
''',
    )

    def check(self, analysis: Analysis) -> Iterator[Finding]:
        for write in analysis.writes:
            if not write.protected:
                continue
            a, fn = write.access, write.function
            outside = properties.check_outside_lock(fn, a)
            stale = properties.read_outside_lock(fn, a) if outside is None else None
            helper = write.tested_by if outside is None and stale is None else None
            # The test that decided, inline or by a project predicate: (line, " by name_free()").
            test = (outside.line, "") if outside is not None else \
                (helper[0], f" by {helper[1]}()") if helper is not None else None
            if stale is None and (test is None or properties.rechecked_under_lock(fn, a)):
                continue
            if analysis.benign(write) or write.operation == "config" or not analysis.interleaves(write):
                continue
            if test is None:
                yield write.finding(
                    self.code,
                    f"the value stored in shared {where(write)} is computed at line {stale} from it, outside "
                    f"the lock held for this write ({via(write)})",
                    "another request can change it in between, so the write stores a stale result; compute "
                    "the value inside the locked block",
                    fix=widen_fix(write, stale) if stale is not None else None,
                )
                continue
            yield write.finding(
                self.code,
                f"shared {where(write)} is tested at line {test[0]}{test[1]} outside the lock "
                f"held for this write ({via(write)})",
                "another request can change it in between, so the write acts on a stale decision; make "
                "the test and the write one locked block",
                fix=widen_fix(write, test[0]),
            )
