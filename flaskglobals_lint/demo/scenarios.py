"""One demonstration per rule (and per cross-process remedy): which apps, which
server, what load, and how the damage is measured.

Every buggy app widens its race window honestly, with a ``time.sleep(0.01)``
between the read and the write where a slow database call would sit in real
code; the requests of a burst leave the client together.  So the buggy app
misbehaves on every run and the fixed app, under the same load, never does.
"""
from __future__ import annotations

import contextlib
import os
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Iterator, Optional

from .load import Request, Response, burst, send
from .servers import GunicornServer, RedisServer, Server, ThreadedServer

APPS = Path(__file__).parent / "apps"
REQUESTS = 30


@dataclass(frozen=True)
class Outcome:
    """What one app did under the load, in numbers."""

    observed: str
    expected: str
    correct: bool
    damage: str = ""


@dataclass(frozen=True)
class App:
    """A demo app: ``folder`` under apps/, served by threads or by gunicorn."""

    folder: str
    module: str = ""  # for the threaded server; gunicorn reads gunicorn.conf.py

    @property
    def path(self) -> Path:
        return APPS / self.folder

    @property
    def source(self) -> Path:
        return self.path / (f"{self.module}.py" if self.module else "app.py")

    @property
    def multi_process(self) -> bool:
        return not self.module

    def lint_targets(self) -> list[Path]:
        """The app and the modules beside its folder that it may import (a shared helper module)."""
        beside = sorted(p for p in self.path.parent.glob("*.py")) if self.multi_process else []
        return [self.source, *beside]


Measure = Callable[[Server], Outcome]


@dataclass(frozen=True)
class Demo:
    code: str
    title: str
    buggy: App
    fixed: App
    remedy: str
    load: str
    measure: Measure
    needs_redis: bool = False
    # The rule whose finding the buggy app shows, when the demo is not named after it.
    rule: str = ""
    # Other packages the apps import (``flask_limiter``), as import names.
    packages: tuple[str, ...] = ()
    # Environment for the app processes, made fresh for each run; what it made is removed when the run ends.
    env: Callable[[], ContextManager[dict[str, str]]] = field(default=lambda: contextlib.nullcontext({}))

    @property
    def lint_code(self) -> str:
        """The rule the buggy app's finding belongs to ('' for a demo of a remedy)."""
        return self.rule or (self.code if self.code.startswith("FGL") else "")


# ---------------------------------------------------------------- measures
def lost_updates(post: str, read: str, key: str, n: int = REQUESTS, start: int = 0,
                 background: bool = False) -> Measure:
    """N concurrent POSTs that each add one; the counter should end at start + N.

    ``background``: each POST starts the update in a thread of its own and answers at once; the
    counter is read once it has stopped moving.
    """

    def measure(server: Server) -> Outcome:
        burst(server.url, [Request("POST", post)] * n)
        value = send(server.url, Request("GET", read)).body[key]
        if background:
            value = _settled(server, read, key, value)
        expected = start + n
        lost = expected - value
        return Outcome(f"{key} = {value}", str(expected), value == expected,
                       f"{lost} of {n} updates lost" if lost else "")
    return measure


def per_worker_totals(post: str, read: str, key: str, n: int = 40, shared: bool = False) -> Measure:
    """N POSTs spread over the workers; every worker should then report N.

    ``shared``: the buggy app's state is shared between the workers (a
    manager dict), so what it loses are updates, not a per-worker share.
    """

    def measure(server: Server) -> Outcome:
        burst(server.url, [Request("POST", post)] * n, concurrency=16)
        seen: dict[int, int] = {}
        workers = getattr(server, "workers", 1)
        for _ in range(60):
            body = send(server.url, Request("GET", read)).body
            seen[body["pid"]] = body[key]
            if len(seen) >= workers:
                break
        values = ", ".join(f"worker {pid}: {value}" for pid, value in sorted(seen.items()))
        wrong = [v for v in seen.values() if v != n]
        if not wrong:
            damage = ""
        elif not shared:
            damage = f"each of the {len(seen)} workers counts only the requests it served"
        else:
            damage = f"the workers agree, but {n - wrong[0]} of {n} updates were lost between them"
        return Outcome(f"{key} = {values}", f"{n} from every worker", not wrong, damage)
    return measure


def echoed_identity(path: str, header: str, got: str, sent: str, n: int = REQUESTS) -> Measure:
    """N concurrent requests from N different users; each response should name its own user."""

    def measure(server: Server) -> Outcome:
        requests = [Request("GET", path, ((header, f"user-{i}"),)) for i in range(n)]
        responses = burst(server.url, requests)
        wrong = [r for r in responses if r.body[got] != r.body[sent]]
        return Outcome(f"{len(wrong)} of {n} responses carried another request's {header}", "0",
                       not wrong, f"{len(wrong)} responses served another user's value" if wrong else "")
    return measure


def double_booking(n: int = REQUESTS) -> Measure:
    """N users book seat 7 at once; exactly one booking should exist."""

    def measure(server: Server) -> Outcome:
        responses: list[Response] = burst(server.url, [Request("POST", "/book/7")] * n)
        bookings = Counter(send(server.url, Request("GET", "/bookings")).body["bookings"])
        accepted = sum(1 for r in responses if r.status == 201)
        return Outcome(f"seat 7 booked {_times(bookings[7])} ({accepted} requests told 'booked')", "1",
                       bookings[7] == 1, f"{bookings[7] - 1} double bookings" if bookings[7] > 1 else "")
    return measure


def mixed_balance(n: int = REQUESTS) -> Measure:
    """N/2 deposits (locked) and N/2 withdrawals (unlocked) of 10: the balance should not move."""

    def measure(server: Server) -> Outcome:
        half = n // 2
        burst(server.url, [Request("POST", "/deposit"), Request("POST", "/withdraw")] * half)
        value = send(server.url, Request("GET", "/balance")).body["balance"]
        return Outcome(f"balance = {value}", "1000", value == 1000,
                       f"off by {value - 1000}" if value != 1000 else "")
    return measure


def rate_limit(path: str, limit: int, n: int = 40) -> Measure:
    """N requests from one client, 16 at a time, against a limit of ``limit`` a minute."""

    def measure(server: Server) -> Outcome:
        responses = burst(server.url, [Request("GET", path)] * n, concurrency=16)
        passed = sum(1 for r in responses if r.status == 200)
        return Outcome(f"{passed} of {n} requests let through", str(limit), passed == limit,
                       f"a limit of {limit} let {passed} through" if passed > limit else "")
    return measure


def _settled(server: Server, read: str, key: str, value: int) -> int:
    """The value once five reads 0.1 s apart agree (at most 10 s)."""
    same = 0
    for _ in range(100):
        time.sleep(0.1)
        now = send(server.url, Request("GET", read)).body[key]
        same = same + 1 if now == value else 0
        value = now
        if same >= 5:
            break
    return value


def seeded_deals(n: int = REQUESTS) -> Measure:
    """N concurrent deals, each with its own seed; each hand should be the one its seed deals."""

    def measure(server: Server) -> Outcome:
        responses = burst(server.url, [Request("GET", f"/deal?seed={seed}") for seed in range(n)])
        wrong = [r for r in responses if r.body["hand"] != _hand(r.body["seed"])]
        return Outcome(f"{len(wrong)} of {n} hands were not their seed's", "0", not wrong,
                       f"{len(wrong)} requests were dealt from another request's seed" if wrong else "")
    return measure


def _hand(seed: int) -> list[int]:
    deck = list(range(52))
    random.Random(seed).shuffle(deck)
    return deck[:5]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


@contextlib.contextmanager
def sqlite_env() -> Iterator[dict[str, str]]:
    """A database in a temporary folder, removed however the run ends (an error, Ctrl-C, SIGTERM)."""
    with tempfile.TemporaryDirectory(prefix="fgl-demo-") as folder:
        yield {"FGL_DB_PATH": os.path.join(folder, "counter.sqlite3")}


# ----------------------------------------------------------------- catalogue
def _pair(code: str) -> tuple[App, App]:
    return App(code, "buggy_app"), App(code, "fixed_app")


DEMOS: dict[str, Demo] = {}


def _add(demo: Demo) -> None:
    DEMOS[demo.code] = demo


_add(Demo("FGL001", "a global counter rebound by a view", *_pair("FGL001"),
          remedy="a module-level threading.Lock around the read-modify-write",
          load=f"{REQUESTS} concurrent POST /download", measure=lost_updates("/download", "/count", "downloads")))
_add(Demo("FGL002", "a module-level dict changed by a view", *_pair("FGL002"),
          remedy="a module-level threading.Lock around the read-modify-write",
          load=f"{REQUESTS} concurrent POST /buy", measure=lost_updates("/buy", "/stock", "sold")))
_add(Demo("FGL003", "a module-level object whose method changes self", *_pair("FGL003"),
          remedy="the object guards its own state with self._lock",
          load=f"{REQUESTS} concurrent POST /tickets", measure=lost_updates("/tickets", "/issued", "issued")))
_add(Demo("FGL004", "the user name kept in a global by before_request", *_pair("FGL004"),
          remedy="flask.g for per-request data",
          load=f"{REQUESTS} concurrent GET /whoami, each with its own X-User",
          measure=echoed_identity("/whoami", "X-User", "user", "sent")))
_add(Demo("FGL005", "a seat checked outside the lock, booked inside it", *_pair("FGL005"),
          remedy="check and booking in one locked block",
          load=f"{REQUESTS} concurrent POST /book/7", measure=double_booking()))
_add(Demo("FGL006", "a MethodView class attribute changed through self", *_pair("FGL006"),
          remedy="a module-level threading.Lock around the read-modify-write",
          load=f"{REQUESTS} concurrent POST /views", measure=lost_updates("/views", "/views", "views")))
_add(Demo("FGL007", "app.config changed per request", *_pair("FGL007"),
          remedy="flask.g for per-request settings",
          load=f"{REQUESTS} concurrent GET /tenant, each with its own X-Tenant",
          measure=echoed_identity("/tenant", "X-Tenant", "tenant", "sent")))
_add(Demo("FGL008", "a lock created inside the view", *_pair("FGL008"),
          remedy="one lock created at module level",
          load=f"{REQUESTS} concurrent POST /like", measure=lost_updates("/like", "/count", "likes")))
_add(Demo("FGL009", "deposits locked, withdrawals not", *_pair("FGL009"),
          remedy="the same lock at every write",
          load=f"{REQUESTS // 2} deposits and {REQUESTS // 2} withdrawals of 10, concurrently",
          measure=mixed_balance()))
_add(Demo("FGL010", "an async view that writes back a value read before an await", *_pair("FGL010"),
          remedy="the update made in one step under a lock after the await",
          load=f"{REQUESTS} concurrent POST /tickets", measure=lost_updates("/tickets", "/sold", "sold")))
_add(Demo("FGL011", "a lock-protected counter under 2 gunicorn workers",
          App("FGL011/buggy"), App("FGL011/fixed"),
          remedy="SQLite: UPDATE counters SET n = n + 1 (atomic across processes)",
          load="40 POST /hit from 16 threads, then GET /count until every worker answered",
          measure=per_worker_totals("/hit", "/count", "total"), env=sqlite_env))
_add(Demo("FGL012", "Flask-Limiter's in-memory storage under 2 gunicorn workers",
          App("FGL012/buggy"), App("FGL012/fixed"),
          remedy="the limiter's counters in Redis (storage_uri)",
          load="40 GET /quote from one client, 16 at a time, against a limit of 10 per minute",
          measure=rate_limit("/quote", 10), needs_redis=True, packages=("flask_limiter",)))
_add(Demo("started-thread", "work started by a request in a thread of its own", *_pair("doors/started_thread"),
          remedy="a module-level threading.Lock in the started work", rule="FGL002",
          load=f"{REQUESTS} concurrent POST /scan, each starting a thread",
          measure=lost_updates("/scan", "/scanned", "files", background=True)))
_add(Demo("random-seed", "random.seed() per request", *_pair("doors/random_seed"),
          remedy="a generator of the request's own: random.Random(seed)", rule="FGL002",
          load=f"{REQUESTS} concurrent GET /deal?seed=N, each with its own seed", measure=seeded_deals()))
_add(Demo("admin-view", "a Flask-Admin view (one instance per app) that keeps the user on self",
          *_pair("doors/admin_view"), remedy="per-request data in locals", rule="FGL006",
          load=f"{REQUESTS} concurrent GET /admin/report/, each with its own X-User",
          measure=echoed_identity("/admin/report/", "X-User", "user", "sent"), packages=("flask_admin",)))
_add(Demo("redis", "remedy: Redis INCR under 2 gunicorn workers",
          App("FGL011/buggy"), App("remedies/redis"),
          remedy="Redis: INCR (atomic across processes)",
          load="40 POST /hit from 16 threads, then GET /count until every worker answered",
          measure=per_worker_totals("/hit", "/count", "total"), needs_redis=True))
_add(Demo("manager", "remedy: a multiprocessing.Manager dict with its lock",
          App("remedies/manager/buggy"), App("remedies/manager/fixed"),
          remedy="the manager's lock around the read-modify-write (a Manager proxy alone is not enough)",
          load="40 POST /hit from 16 threads, then GET /count until every worker answered",
          measure=per_worker_totals("/hit", "/count", "total", shared=True)))


def server_for(app: App, env: Optional[dict[str, str]] = None) -> Server:
    if app.multi_process:
        return GunicornServer(app.path, env)
    return ThreadedServer(app.path, app.module, env)


__all__ = ["DEMOS", "Demo", "App", "Outcome", "server_for", "RedisServer"]
