"""The write properties of ``state.properties``, computed from the neutral facts."""
from __future__ import annotations

import textwrap
from typing import Optional

from flaskglobals_lint.facts import module_facts
from flaskglobals_lint.facts.model import Access, FunctionFacts
from flaskglobals_lint.program.callgraph import Context, Project
from flaskglobals_lint.state import properties
from flaskglobals_lint.state.yields import YieldPoints

HEADER = "import asyncio\nimport threading\nfrom flask import Flask\napp = Flask(__name__)\nlock = threading.Lock()\n"


def write_in(source: str, function: str, line: int) -> tuple[FunctionFacts, Access]:
    """The function's facts and its one write at ``line`` (counted in ``source``, after the header)."""
    facts = module_facts(HEADER + textwrap.dedent(source), "app.py", "app")
    assert not facts.error
    fn = facts.functions[function]
    offset = HEADER.count("\n")
    matches = [a for a in fn.accesses if a.span.line == line + offset]
    assert len(matches) == 1, fn.accesses
    return fn, matches[0]


def header_line(line: int) -> int:
    return line + HEADER.count("\n")


def test_test_outside_the_lock_then_a_locked_write() -> None:
    fn, write = write_in('''\
        booked = {}
        @app.post("/book/<seat>")
        def book(seat):
            if seat in booked:
                return "taken"
            with lock:
                booked[seat] = 1
        ''', "book", 7)
    span = properties.check_outside_lock(fn, write)
    assert span is not None and span.line == header_line(4)
    assert properties.rechecked_under_lock(fn, write) is False
    assert properties.memoizing(fn, write) is True
    assert properties.lazy_init(fn, write) is False
    assert properties.stale_after_await(fn, write) == 0


def test_double_checked_locking_is_rechecked() -> None:
    fn, write = write_in('''\
        booked = {}
        @app.post("/book/<seat>")
        def book(seat):
            if seat in booked:
                return "taken"
            with lock:
                if seat in booked:
                    return "taken"
                booked[seat] = 1
        ''', "book", 9)
    span = properties.check_outside_lock(fn, write)
    assert span is not None and span.line == header_line(4)
    assert properties.rechecked_under_lock(fn, write) is True


def test_a_test_only_under_the_lock_is_not_outside() -> None:
    fn, write = write_in('''\
        booked = {}
        @app.post("/book/<seat>")
        def book(seat):
            with lock:
                if seat in booked:
                    return "taken"
                booked[seat] = 1
        ''', "book", 7)
    assert properties.check_outside_lock(fn, write) is None
    assert properties.rechecked_under_lock(fn, write) is True


def test_memoizing_after_a_miss_check() -> None:
    fn, write = write_in('''\
        CACHE = {}
        def render(k):
            return k
        @app.get("/page/<k>")
        def page(k):
            if k not in CACHE:
                CACHE[k] = render(k)
            return CACHE[k]
        ''', "page", 7)
    assert properties.memoizing(fn, write) is True
    assert write.computed_value is True
    span = properties.check_outside_lock(fn, write)
    assert span is not None and span.line == header_line(6)
    assert properties.rechecked_under_lock(fn, write) is False
    assert properties.lazy_init(fn, write) is False


def test_a_write_under_another_key_is_not_memoizing() -> None:
    fn, write = write_in('''\
        CACHE = {}
        @app.get("/page/<k>/<j>")
        def page(k, j):
            if k not in CACHE:
                CACHE[j] = 1
            return "ok"
        ''', "page", 5)
    assert properties.memoizing(fn, write) is False


def test_lazy_initialisation() -> None:
    fn, write = write_in('''\
        client = None
        def make():
            return object()
        @app.get("/c")
        def get_client():
            global client
            if client is None:
                client = make()
            return "ok"
        ''', "get_client", 8)
    assert properties.lazy_init(fn, write) is True
    assert properties.memoizing(fn, write) is False
    span = properties.check_outside_lock(fn, write)
    assert span is not None and span.line == header_line(7)


def test_an_unconditional_rebind_is_not_lazy() -> None:
    fn, write = write_in('''\
        client = None
        @app.get("/c")
        def get_client():
            global client
            client = 1
            return "ok"
        ''', "get_client", 5)
    assert properties.lazy_init(fn, write) is False
    assert properties.check_outside_lock(fn, write) is None


def test_stale_after_await() -> None:
    fn, write = write_in('''\
        stock = {"n": 5}
        @app.route("/buy")
        async def buy():
            n = stock["n"]
            await asyncio.sleep(0)
            stock["n"] = n - 1
            return "ok"
        ''', "buy", 6)
    assert properties.stale_after_await(fn, write) == header_line(5)
    assert fn.awaits == ((write.index - 1, header_line(5)),)


def test_await_before_the_read_is_not_stale() -> None:
    fn, write = write_in('''\
        stock = {"n": 5}
        @app.route("/buy")
        async def buy():
            await asyncio.sleep(0)
            n = stock["n"]
            stock["n"] = n - 1
            return "ok"
        ''', "buy", 6)
    assert properties.stale_after_await(fn, write) == 0


def test_related() -> None:
    fn, write = write_in('''\
        stock = {"n": 5}
        @app.route("/buy")
        def buy():
            stock["n"] = 1
        ''', "buy", 4)
    ref = write.target
    assert properties.related(ref, ref)
    parent = type(ref)(ref.root, ())
    assert properties.related(parent, ref) and properties.related(ref, parent)
    assert not properties.related(type(ref)(type(ref.root)("global", "other"), ()), ref)


def yield_point(source: str, function: str, line: int) -> tuple[Optional[tuple[int, str]], FunctionFacts, Access]:
    """The write's yield point, with project functions followed through ``YieldPoints``."""
    facts = module_facts(HEADER + textwrap.dedent(source), "app.py", "app")
    fn, write = write_in(source, function, line)
    points = YieldPoints(Project([facts]))
    return properties.yield_point(fn, write, lambda call: points.may_yield(call, "app", Context())), fn, write


def test_yield_point_is_the_call_between_the_read_and_the_write() -> None:
    call, fn, write = yield_point('''\
        import requests
        BALANCE = {"total": 0}
        def deposit():
            total = BALANCE["total"]
            fee = requests.get("http://127.0.0.1:9/fee").json()
            n = len(str(fee))
            BALANCE["total"] = total + n
        ''', "deposit", 7)
    assert properties.read_at(fn, write) is not None
    assert call == (header_line(5), "requests[...].json")


def test_a_blind_write_and_a_window_of_builtins_have_no_yield_point() -> None:
    source = '''\
        import requests
        LOG = []
        HITS = {"n": 0}
        def hit(x):
            requests.get("http://127.0.0.1:9/")
            LOG.append(x)
            HITS["n"] = len(str(HITS["n"])) + 1
        '''
    blind_call, fn, blind = yield_point(source, "hit", 6)
    assert properties.read_at(fn, blind) is None and blind_call is None
    rmw_call, fn, rmw = yield_point(source, "hit", 7)
    assert properties.read_at(fn, rmw) is not None and rmw_call is None


def test_a_project_function_yields_only_through_its_own_calls() -> None:
    source = '''\
        import time
        GAMES = {}
        class Game:
            def __init__(self, name):
                self.name = name.strip()
        def slow(name):
            time.sleep(0.1)
            return name
        def fact(n):
            return 1 if n < 2 else n * fact(n - 1)
        def join(code):
            game = GAMES.get(code)
            if game is None:
                game = Game(code)
                GAMES[code] = game
            return game
        def count(code):
            if code not in GAMES:
                GAMES[code] = fact(len(code))
        def join_slowly(code):
            if code not in GAMES:
                GAMES[code] = slow(code)
        def load(code):
            with open(code) as f:
                return f.read()
        def join_from_file(code):
            if code not in GAMES:
                GAMES[code] = load(code)
        def join_from_own_file(code, f):
            if code not in GAMES:
                GAMES[code] = f.read()
        def touch(code):
            open(code, "a").close()
            return len(code)
        def join_touched(code):
            if code not in GAMES:
                GAMES[code] = touch(code)
        '''
    assert yield_point(source, "join", 15)[0] is None
    assert yield_point(source, "count", 19)[0] is None
    assert yield_point(source, "join_slowly", 22)[0] == (header_line(22), "slow")
    # Calls into no project function count by name: ``open()``, ``f.read()`` may block.
    assert yield_point(source, "join_from_file", 28)[0] == (header_line(28), "load")
    assert yield_point(source, "join_from_own_file", 31)[0] == (header_line(31), "f.read")
    assert yield_point(source, "join_touched", 37)[0] == (header_line(37), "touch")


def test_lazy_guarded_needs_a_test_of_the_same_key() -> None:
    fn, guarded = write_in('''\
        import os
        def run():
            if not os.environ.get("PYTHONIOENCODING"):
                os.environ["PYTHONIOENCODING"] = "UTF-8"
            os.environ["TERM"] = "xterm"
        ''', "run", 4)
    assert properties.lazy_guarded(fn, guarded) is True
    other = next(a for a in fn.accesses if a.span.line == header_line(5))
    assert properties.lazy_guarded(fn, other) is False
    assert guarded.value_text == '"UTF-8"' and other.value_text == '"xterm"'
