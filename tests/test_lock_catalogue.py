"""The lock catalogue: one entry per lock type, and the engine knows no lock besides them."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

import flaskglobals_lint
from flaskglobals_lint import lint_source
from flaskglobals_lint.frameworks import stdlib
from flaskglobals_lint.frameworks.stdlib import (
    LOCK_TYPES, LOCKS, Constructor, LockCatalogue, LockIdentity, LockScope, LockType, MethodOf,
)
from flaskglobals_lint.settings import Settings

PACKAGE = Path(flaskglobals_lint.__file__).parent


def found(source: str, processes: int = 1) -> list[tuple[int, str]]:
    settings = Settings(processes=processes) if processes > 1 else None
    return [(d.line, d.code) for d in lint_source(textwrap.dedent(source), settings=settings)]


def messages(source: str, processes: int = 1) -> list[str]:
    settings = Settings(processes=processes) if processes > 1 else None
    return [d.full_message for d in lint_source(textwrap.dedent(source), settings=settings)]


def by_qualname(qualname: str) -> LockType:
    [entry] = [t for t in LOCK_TYPES if t.qualname == qualname]
    return entry


# ------------------------------------------------------------ the catalogue
def test_each_family_has_its_scope() -> None:
    for kind in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"):
        assert by_qualname(f"threading.{kind}").scope is LockScope.THREADS
        assert by_qualname(f"gevent.lock.{kind}").scope is LockScope.THREADS
        assert by_qualname(f"eventlet.semaphore.{kind}").scope is LockScope.THREADS
        assert by_qualname(f"asyncio.{kind}").scope is LockScope.TASKS
        assert by_qualname(f"multiprocessing.{kind}").scope is LockScope.PROCESSES
        assert by_qualname(f"multiprocessing.managers.SyncManager.{kind}").scope is LockScope.PROCESSES
        assert by_qualname(f"multiprocessing.context.BaseContext.{kind}").scope is LockScope.PROCESSES


def test_the_three_new_types_are_one_entry_each() -> None:
    assert by_qualname("filelock.FileLock") == LockType(
        "filelock.FileLock", LockScope.PROCESSES, Constructor(), LockIdentity.NAME, "file lock", "lock_file")
    assert by_qualname("filelock.SoftFileLock").identity is LockIdentity.NAME
    redis_lock = by_qualname("redis.Redis.lock")
    assert (redis_lock.scope, redis_lock.identity) == (LockScope.PROCESSES, LockIdentity.NAME)
    assert isinstance(redis_lock.made_by, MethodOf)
    assert {"redis.Redis", "redis.StrictRedis", "redis.from_url"} <= redis_lock.made_by.makers
    write = by_qualname("readerwriterlock.rwlock.RWLockFair.gen_wlock")
    read = by_qualname("readerwriterlock.rwlock.RWLockFair.gen_rlock")
    assert (write.scope, write.identity, write.exclusive) == (LockScope.THREADS, LockIdentity.OWNER, True)
    assert (read.scope, read.exclusive) == (LockScope.THREADS, False)


def test_the_scattered_name_sets_are_gone() -> None:
    for old in ("LOCK_CONSTRUCTORS", "LOCK_CLASS_NAMES", "MANAGER_LOCK_METHODS"):
        assert not hasattr(stdlib, old), old


def test_the_index_is_built_from_the_entries() -> None:
    assert LOCKS.types == LOCK_TYPES
    assert LOCKS.constructors == {t.qualname for t in LOCK_TYPES if isinstance(t.made_by, Constructor)}
    assert {"threading.Lock", "asyncio.Semaphore", "filelock.FileLock"} <= LOCKS.constructors
    assert LOCKS.call_names == {t.call_name for t in LOCK_TYPES}
    assert LOCKS.method({"redis.StrictRedis"}, "lock") == by_qualname("redis.Redis.lock")
    assert LOCKS.method({"readerwriterlock.rwlock.RWLockRead"}, "gen_rlock").exclusive is False
    assert LOCKS.method({"redis.Redis"}, "pipeline") is None
    assert LOCKS.naming_keywords == {"FileLock": {"lock_file"}, "SoftFileLock": {"lock_file"}, "lock": {"name"}}


def _string_constants(path: Path) -> set[str]:
    """String literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings}


def test_the_engine_spells_no_lock_name_itself() -> None:
    names = {t.call_name for t in LOCK_TYPES} - {"lock"}  # "lock" is also the kind of a binding
    packages = {t.qualname.split(".")[0] for t in LOCK_TYPES}
    for module in ("facts/extract.py", "facts/binder.py", "facts/recorder.py", "facts/scanner.py",
                   "facts/scopes.py", "state/resolve.py", "state/locks.py", "state/model.py",
                   "program/callgraph.py"):
        constants = _string_constants(PACKAGE / module)
        assert not constants & names, (module, constants & names)
        assert not {c for c in constants if c.split(".")[0] in packages and "." in c}, module


# ------------------------------------------------ every entry is recognised
CONSTRUCTED = '''
import {module}
from flask import Flask
app = Flask(__name__)
ITEMS = []
GATE = {qualname}("/tmp/gate")

@app.post("/")
def add():
    with GATE:
        ITEMS.append(1)
    return "ok"
'''


@pytest.mark.parametrize("qualname", sorted(LOCKS.constructors))
def test_every_catalogued_constructor_protects_a_write(qualname: str) -> None:
    module = qualname.rsplit(".", 1)[0]
    assert found(CONSTRUCTED.format(module=module, qualname=qualname)) == []


def test_a_constructor_outside_the_catalogue_is_no_lock() -> None:
    assert found(CONSTRUCTED.format(module="mylocks", qualname="mylocks.SpinLock")) == [(11, "FGL002")]


MADE_PER_REQUEST = '''
import {module}
from flask import Flask
app = Flask(__name__)
ITEMS = []

@app.post("/")
def add():
    with {qualname}("/tmp/gate"):
        ITEMS.append(1)
    return "ok"
'''


@pytest.mark.parametrize("qualname", sorted(LOCKS.constructors))
def test_a_lock_made_per_request_is_useless_unless_its_name_is_the_lock(qualname: str) -> None:
    module = qualname.rsplit(".", 1)[0]
    result = found(MADE_PER_REQUEST.format(module=module, qualname=qualname))
    if LOCKS.constructor(qualname).identity is LockIdentity.NAME:  # type: ignore[union-attr]
        assert result == []
    else:
        assert result == [(9, "FGL008"), (10, "FGL002")]


@pytest.mark.parametrize("maker", sorted(by_qualname("redis.Redis.lock").made_by.makers))  # type: ignore[union-attr]
def test_every_redis_client_maker_makes_redis_locks(maker: str) -> None:
    source = f'''
        import {maker.rsplit(".", 1)[0]}
        from flask import Flask
        app = Flask(__name__)
        r = {maker}()
        JOBS = {{}}

        @app.post("/<job>")
        def start(job):
            with r.lock("jobs"):
                JOBS[job] = 1
            return "ok"
    '''
    assert found(source) == []


@pytest.mark.parametrize("maker", ["multiprocessing.Manager()", "multiprocessing.get_context('spawn')"])
@pytest.mark.parametrize("kind", ["Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"])
def test_manager_and_context_locks_come_from_the_catalogue(maker: str, kind: str) -> None:
    source = f'''
        import multiprocessing
        from flask import Flask
        app = Flask(__name__)
        manager = {maker}
        gate = manager.{kind}()
        TOTAL = {{}}

        @app.post("/")
        def add():
            with gate:
                TOTAL["n"] = 1
            return "ok"
    '''
    assert found(source) == []


def test_a_manager_lock_made_per_request_is_fgl008() -> None:
    assert found('''
        import multiprocessing
        from flask import Flask
        app = Flask(__name__)
        manager = multiprocessing.Manager()
        TOTAL = {}

        @app.post("/")
        def add():
            with manager.Lock():
                TOTAL["n"] = TOTAL.get("n", 0) + 1
            return "ok"
    ''') == [(10, "FGL008"), (11, "FGL002")]


def test_a_lock_made_by_a_method_of_another_attribute_of_the_instance_is_typed() -> None:
    source = '''
        import multiprocessing
        from flask import Flask
        app = Flask(__name__)

        class Tally:
            def __init__(self):
                self.manager = multiprocessing.Manager()
                self.turn = self.manager.Lock()
                self.counts = {}

            def add(self, key):
                with self.turn:
                    self.counts[key] = 1

        tally = Tally()

        @app.post("/<key>")
        def add(key):
            tally.add(key)
            return "ok"
    '''
    assert found(source) == []
    [message] = messages(source, processes=2)
    assert "the manager lock 'turn' excludes the other worker processes" in message


# ------------------------------------------------------------------ filelock
def test_a_filelock_made_per_request_protects_and_is_not_fgl008() -> None:
    assert found('''
        from filelock import FileLock
        from flask import Flask
        app = Flask(__name__)
        JOBS = {}

        @app.post("/<job>")
        def start(job):
            with FileLock("/tmp/jobs.lock"):
                JOBS[job] = "running"
            return "ok"

        @app.delete("/<job>")
        def stop(job):
            lock = FileLock("/tmp/jobs.lock", timeout=3)
            lock.acquire()
            try:
                JOBS.pop(job, None)
            finally:
                lock.release()
            return "ok"
    ''') == []


def test_a_soft_filelock_at_module_level_protects() -> None:
    assert found('''
        import filelock
        from flask import Flask
        app = Flask(__name__)
        JOBS = {}
        export_slot = filelock.SoftFileLock(lock_file="/tmp/export.lock")

        @app.post("/<job>")
        def start(job):
            with export_slot:
                JOBS[job] = "running"
            return "ok"
    ''') == []


def test_a_filelock_on_one_path_and_a_write_without_it_is_fgl009() -> None:
    assert found('''
        from filelock import FileLock
        from flask import Flask
        app = Flask(__name__)
        JOBS = {}

        @app.post("/<job>")
        def start(job):
            with FileLock("/tmp/jobs.lock"):
                JOBS[job] = "running"
            return "ok"

        @app.delete("/")
        def clear():
            JOBS.clear()
            return "ok"
    ''') == [(15, "FGL009")]


FILELOCK_COUNTER = '''
from filelock import FileLock
from flask import Flask
app = Flask(__name__)
JOBS = {}

@app.post("/<job>")
def start(job):
    with FileLock("/tmp/jobs.lock"):
        JOBS[job] = "running"
    return "ok"
'''


def test_fgl011_reports_a_dict_under_a_filelock_and_says_why_the_lock_does_not_help() -> None:
    assert found(FILELOCK_COUNTER) == []
    assert found(FILELOCK_COUNTER, processes=2) == [(10, "FGL011")]
    [message] = messages(FILELOCK_COUNTER, processes=2)
    assert ("the file lock '/tmp/jobs.lock' excludes the other worker processes, but each of them "
            "still has its own copy of 'JOBS'") in message


# --------------------------------------------------------------------- redis
REDIS_JOBS = '''
import redis
from flask import Flask
app = Flask(__name__)
r = redis.Redis()
JOBS = {}

@app.post("/<job>")
def start(job):
    with r.lock("jobs"):
        JOBS[job] = "running"
    return "ok"
'''


def test_a_redis_lock_protects_a_write() -> None:
    assert found(REDIS_JOBS) == []


def test_fgl011_reports_a_dict_under_a_redis_lock_and_names_the_lock() -> None:
    assert found(REDIS_JOBS, processes=2) == [(11, "FGL011")]
    [message] = messages(REDIS_JOBS, processes=2)
    assert ("the Redis lock 'jobs' excludes the other worker processes, but each of them still has "
            "its own copy of 'JOBS'") in message
    assert "the app runs 2 worker processes (processes setting)" in message


def test_fgl011_keeps_its_message_for_thread_locks() -> None:
    source = REDIS_JOBS.replace("import redis", "import threading").replace(
        "r = redis.Redis()", "jobs_lock = threading.Lock()").replace('r.lock("jobs")', "jobs_lock")
    [message] = messages(source, processes=2)
    assert "is protected by a lock but lives in one worker process" in message
    assert "each with its own copy and its own lock" in message


def test_a_redis_lock_made_from_a_client_made_per_request_still_protects() -> None:
    assert found('''
        import redis
        from flask import Flask
        app = Flask(__name__)
        JOBS = {}

        @app.post("/<job>")
        def start(job):
            conn = redis.from_url("redis://localhost")
            lock = conn.lock(name="jobs", timeout=5)
            with lock:
                JOBS[job] = "running"
            return "ok"
    ''') == []


def test_the_same_redis_lock_name_is_one_lock_and_two_names_are_two() -> None:
    source = '''
        import redis
        from flask import Flask
        app = Flask(__name__)
        r = redis.StrictRedis()
        JOBS = {}

        @app.post("/a/<job>")
        def a(job):
            with r.lock("jobs"):
                JOBS[job] = 1
            return "ok"

        @app.post("/b/<job>")
        def b(job):
            with r.lock("NAME"):
                JOBS[job] = 2
            return "ok"
    '''
    assert found(source.replace("NAME", "jobs")) == []
    assert found(source.replace("NAME", "other")) == [(17, "FGL009")]


def test_a_lock_method_of_something_not_a_redis_client_is_no_lock() -> None:
    assert found('''
        from flask import Flask
        from mycache import Cache
        app = Flask(__name__)
        cache = Cache()
        JOBS = {}

        @app.post("/<job>")
        def start(job):
            with cache.lock("jobs"):
                JOBS[job] = "running"
            return "ok"
    ''') == [(11, "FGL002")]


# ----------------------------------------------------------- readerwriterlock
RW = '''
from flask import Flask
from readerwriterlock import rwlock
app = Flask(__name__)
PRICES = {}
RW = rwlock.RWLockFair()

@app.put("/<sku>")
def put(sku):
    with RW.METHOD():
        PRICES[sku] = 1
    return "ok"
'''


def test_a_write_under_the_write_lock_is_protected() -> None:
    assert found(RW.replace("METHOD", "gen_wlock")) == []


def test_a_write_under_only_the_read_lock_is_an_unlocked_write() -> None:
    assert found(RW.replace("METHOD", "gen_rlock")) == [(11, "FGL002")]


def test_write_lock_at_one_site_and_read_lock_at_another_is_fgl009() -> None:
    source = RW.replace("METHOD", "gen_wlock") + '''
@app.patch("/<sku>")
def patch(sku):
    with RW.gen_rlock():
        PRICES[sku] = 2
    return "ok"
'''
    assert found(source) == [(17, "FGL009")]


def test_the_write_lock_of_an_instance_attribute_protects_its_writes() -> None:
    assert found('''
        from flask import Flask
        from readerwriterlock import rwlock
        app = Flask(__name__)

        class Prices:
            def __init__(self):
                self.table = {}
                self._rw = rwlock.RWLockWrite()

            def put(self, sku):
                with self._rw.gen_wlock():
                    self.table[sku] = 1

        prices = Prices()

        @app.put("/<sku>")
        def put(sku):
            prices.put(sku)
            return "ok"
    ''') == []


def test_a_reader_writer_lock_made_per_request_is_fgl008() -> None:
    assert found('''
        from flask import Flask
        from readerwriterlock import rwlock
        app = Flask(__name__)
        PRICES = {}

        @app.put("/<sku>")
        def put(sku):
            rw = rwlock.RWLockFair()
            with rw.gen_wlock():
                PRICES[sku] = 1
            return "ok"
    ''') == [(10, "FGL008"), (11, "FGL002")]


# ------------------------------------------------- one entry is all it takes
SPIN = '''
import mylocks
from flask import Flask
app = Flask(__name__)
ITEMS = []
SPIN = mylocks.SpinLock()

@app.post("/")
def add():
    with SPIN:
        ITEMS.append(1)
    return "ok"

@app.post("/fresh")
def fresh():
    with mylocks.SpinLock():
        ITEMS.append(2)
    return "ok"
'''


def with_entries(monkeypatch: pytest.MonkeyPatch, *entries: LockType) -> None:
    monkeypatch.setattr(stdlib, "LOCKS", LockCatalogue(LOCK_TYPES + entries))


def test_a_new_lock_type_is_one_catalogue_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert found(SPIN) == [(11, "FGL002"), (17, "FGL002")]
    with_entries(monkeypatch, LockType("mylocks.SpinLock", LockScope.THREADS))
    # The module-level one protects its write; the one made per request is FGL008 and protects nothing.
    assert found(SPIN) == [(16, "FGL008"), (17, "FGL009")]


def test_a_new_lock_made_by_a_method_is_one_catalogue_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    source = '''
        import mylocks
        from flask import Flask
        app = Flask(__name__)
        ITEMS = []
        pool = mylocks.Pool()

        @app.post("/")
        def add():
            with pool.hold("items"):
                ITEMS.append(1)
            return "ok"
    '''
    assert found(source) == [(11, "FGL002")]
    with_entries(monkeypatch, LockType("mylocks.Pool.hold", LockScope.PROCESSES, MethodOf(frozenset({"mylocks.Pool"})),
                                       LockIdentity.NAME, label="pool lock"))
    assert found(source) == []
    [message] = messages(source, processes=3)
    assert "the pool lock 'items' excludes the other worker processes" in message
