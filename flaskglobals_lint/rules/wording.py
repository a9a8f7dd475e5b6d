"""Shared wording: how a finding names the state, the path to it and the fix."""
from __future__ import annotations

from ..frameworks.stdlib import PROCESS_SETTERS, PROCESS_STATE
from ..state.model import Analysis, Write

WORKERS = "each with its own copy"


def where(write: Write) -> str:
    """``'EVENTS' (store.py:3)``."""
    state = write.state
    if state.kind == "process":
        return f"'{state.name}' ({process_state(write)})"
    if state.path == write.module.path and state.line:
        return f"'{state.name}' (line {state.line})"
    return f"'{state.name}' ({state.defined_at})" if state.path else f"'{state.name}'"


def process_state(write: Write) -> str:
    """What process-wide state the write changes: ``the process environment``."""
    key = write.state.key
    return PROCESS_SETTERS[key][0] if key in PROCESS_SETTERS else PROCESS_STATE.get(key, "the process")


def when(write: Write) -> str:
    """``at request time``, or ``by a background thread`` the app started."""
    return "at request time" if write.reach.entry.request_time else "by a background thread"


def via(write: Write) -> str:
    """``route GET /visit -> record() -> EVENTS.append(...)``."""
    return write.chain_text


def workers_note(analysis: Analysis, write: Write | None = None) -> str:
    """What worker processes, and cooperative workers, make of the write."""
    switch = ""
    if write is not None and analysis.cooperative:
        point = analysis.switch_point(write)
        if point is not None:
            line, called = point
            what = f"{called}()" if called else "a call"
            switch = (f"; on cooperative workers ({analysis.cooperative}) another request runs while "
                      f"{what} at line {line} waits, between the read and the write")
    if analysis.processes > 1:
        reason = f" ({analysis.processes_reason})" if analysis.processes_reason else ""
        return f"{switch}; this app runs {analysis.processes} worker processes{reason}, {WORKERS}"
    return f"{switch}; worker processes each keep their own copy"


def remedy(write: Write) -> str:
    state = write.state
    if write.operation == "proxy":
        return "hold a manager Lock (manager.Lock()) around the whole read-modify-write"
    if write.operation == "client":
        return ("pass per-request settings to the call (e.g. session.get(url, headers=...)) "
                "instead of changing the shared client")
    if write.operation == "config":
        return "set configuration once in create_app(); keep per-request values on flask.g"
    if write.operation == "view" and write.reach.context.shared_self is not None:
        return ("keep per-request data in locals or on flask.g (one instance serves every request); "
                "share state only behind a lock or in a database")
    if write.operation == "view":
        return ("keep per-request data in locals or in attributes set on the per-request "
                "instance; share state only behind a lock or in a database")
    if state.kind == "process" and state.key in PROCESS_SETTERS:
        return PROCESS_SETTERS[state.key][1]
    if state.kind == "process":
        return "pass settings explicitly instead of changing os.environ at request time"
    if write.operation == "object":
        return ("guard the object's state with a lock it owns (with self._lock: ...), "
                "or keep it in Redis or a database if workers must share it")
    return ("guard every access with one module-level threading.Lock, or keep it in "
            "Redis, a database or a multiprocessing.Manager if workers must share it")


def started_note(write: Write) -> str:
    """For a write of work a request starts after testing the same state: the test and the start."""
    if write.started_after is None:
        return ""
    line, starter, start = write.started_after
    return (f"; {starter}() tests it at line {line} and then starts {start}: two requests can both pass "
            "the test before the work changes it, and start the work twice (claim the work in the request: "
            "test and set the state under one lock, then start)")


def leak_note(write: Write) -> str:
    """The FGL004 aspect of a write another rule reports (that rule supersedes FGL004 there): part of
    what the finding says, since other users' requests read what this one stored."""
    return "; it stores request data other users' requests can read" if write.stores_request_data else ""
