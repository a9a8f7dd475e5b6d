"""What the value flow follows and where it stops: parameter guards, and the imports it cannot
resolve (``-v``).  The shapes themselves are cases in tests/cases."""
from __future__ import annotations

import textwrap
from pathlib import Path

from flaskglobals_lint.facts.model import Call, FunctionFacts, Ref, Root, Span
from flaskglobals_lint.program.constants import merged, passed, satisfiable


def _call(fills: tuple[str, ...], consts: tuple[str, ...] = (), kwargs: tuple[tuple[str, str], ...] = ()) -> Call:
    return Call(Ref(Root("global", "f")), Span(1, 1, 1, 1), fills=fills, arg_consts=consts, kwarg_consts=kwargs)


def test_a_call_passes_its_constants_and_leaves_the_defaults() -> None:
    fn = FunctionFacts("fire", "fire", Span(1, 1, 1, 1), params=("event", "payload", "migrate"),
                       param_defaults=(("payload", "None"), ("migrate", "False")))
    params = ["event", "payload", "migrate"]
    assert passed(_call(("1",), ("Events.LOGIN",)), fn, params) == {
        "event": frozenset({"Events.LOGIN"}), "payload": frozenset({"None"}), "migrate": frozenset({"False"})}
    # a value that is not a constant, then a keyword: the first is unknown, the last as written
    assert passed(_call(("2", "migrate"), ("", "3"), (("migrate", "True"),)), fn, params) == {
        "payload": frozenset({"3"}), "migrate": frozenset({"True"})}
    assert passed(_call(("*",)), fn, params) == {}  # *args may fill anything


def test_constants_widen_and_unknown_wins() -> None:
    a = {"event": frozenset({"Events.LOGIN"}), "migrate": frozenset({"False"})}
    b = {"event": frozenset({"Events.LOGOUT"})}
    assert merged(a, b) == {"event": frozenset({"Events.LOGIN", "Events.LOGOUT"})}


def test_guards_that_no_constant_passes() -> None:
    login = {"event": frozenset({"Events.LOGIN"}), "migrate": frozenset({"False"}), "name": frozenset({"None"})}
    assert not satisfiable([("event", "==", "Events.STARTUP")], login)
    assert satisfiable([("event", "!=", "Events.STARTUP")], login)
    assert not satisfiable([("migrate", "truthy", "")], login)
    assert satisfiable([("migrate", "falsy", "")], login)
    assert not satisfiable([("name", "is not", "None")], login)
    assert satisfiable([("other", "truthy", "")], login)  # not known: may be anything
    # a constant of another namespace, or not a literal: cannot be told apart
    assert satisfiable([("event", "==", "STARTUP")], login)
    assert not satisfiable([("n", "==", "2")], {"n": frozenset({"1", "3"})})
    assert satisfiable([("n", "==", "1")], {"n": frozenset({"1", "3"})})


def test_verbose_names_the_project_imports_it_cannot_resolve(run_cli, tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "__init__.py").write_text("")
    (tmp_path / "services" / "stats.py").write_text("hits = []\n")
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from flask import Flask
        from services.stats import hits
        from services.missing import record

        app = Flask(__name__)
    """))
    proc = run_cli("--no-cache", "-v", ".", cwd=tmp_path)
    assert proc.stderr == ("flaskglobals-lint: note: app.py:3: import of services.missing.record not found in the "
                           "project; what it names is not analysed\n")
    assert run_cli("--no-cache", ".", cwd=tmp_path).stderr == ""


def test_a_function_importing_what_the_module_imports_names_the_same_module(run_cli, tmp_path: Path) -> None:
    # The import's line is where it is, not what it is: the view's own import is the module's.
    (tmp_path / "pool.py").write_text("workers = []\n")
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from flask import Flask
        import pool

        app = Flask(__name__)


        @app.post("/add")
        def add():
            import pool
            pool.workers.append(1)
            return "ok"
    """))
    proc = run_cli("--no-cache", "-q", "--select", "FGL002", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["app.py:10:5: FGL002 shared 'workers' (pool.py:1) changed at request time "
                                        "(route POST /add -> add() -> pool.workers.append(...))"]


def test_a_singleton_handed_out_to_another_module_is_changed_through_a_local(run_cli, tmp_path: Path) -> None:
    # ``q = TaskQueue.get_instance()`` in a view: ``q`` is the one object; the store under the
    # object's own lock (``with q.lock``) is protected, the other is not.
    (tmp_path / "tasks.py").write_text(textwrap.dedent("""\
        import threading


        class TaskQueue:
            _instance = None

            def __init__(self):
                self.num = 0
                self.done = 0
                self.lock = threading.Lock()

            @classmethod
            def get_instance(cls):
                if cls._instance is None:
                    cls._instance = TaskQueue()
                return cls._instance
    """))
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from flask import Flask
        from tasks import TaskQueue

        app = Flask(__name__)


        @app.post("/add")
        def add():
            q = TaskQueue.get_instance()
            q.num += 1
            with q.lock:
                q.done += 1
            return "ok"
    """))
    proc = run_cli("--no-cache", "-q", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == [
        "app.py:10:5: FGL003 shared object 'TaskQueue._instance.num' (tasks.py:15) changed at request time "
        "(route POST /add -> add() -> q.num += ...)"]


def test_work_started_after_a_test_of_what_it_sets_names_the_test(run_cli, tmp_path: Path) -> None:
    # The start is a switch point even on gevent: the finding names the test and the start.
    (tmp_path / "gunicorn.conf.py").write_text('worker_class = "gevent"\n')
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        import threading

        from flask import Flask

        app = Flask(__name__)
        RUNNING = False


        def work():
            global RUNNING
            RUNNING = True
            RUNNING = False


        @app.post("/jobs")
        def start():
            if not RUNNING:
                threading.Thread(target=work).start()
            return "ok"
    """))
    proc = run_cli("--no-cache", "-q", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == [
        "app.py:11:5: FGL001 global 'RUNNING' (line 6) rebound at request time (route POST /jobs -> start() "
        "-> Thread(target=work) -> work() -> RUNNING = ...); start() tests it at line 17 and then starts "
        "Thread(target=work): two requests can both pass the test before the work changes it, and start the "
        "work twice (claim the work in the request: test and set the state under one lock, then start)"]


def test_a_count_through_a_registry_element_names_the_element_in_the_chain(run_cli, tmp_path: Path) -> None:
    # Only the count the class tests is reported (a test, not a returned comparison); the round,
    # never tested, is a protocol step.  What ``setup.make`` puts into ``games`` makes them Games.
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from flask import Flask

        app = Flask(__name__)
        games = {}


        class Game:
            def __init__(self):
                self.answers = 0
                self.round = 0

            def submit(self):
                self.answers += 1
                self.round += 1
                if self.answers == 4:
                    return "done"
                return "waiting"


        @app.post("/games/<code>/answer")
        def answer(code):
            game = games[code]
            return game.submit()
    """))
    (tmp_path / "setup.py").write_text(textwrap.dedent("""\
        from app import Game, games


        def make(code):
            games[code] = Game()
    """))
    proc = run_cli("--no-cache", "-q", ".", cwd=tmp_path)
    assert proc.stdout.splitlines() == [
        "app.py:13:9: FGL003 [*] shared object 'games[...].answers' (line 4) changed at request time "
        "(route POST /games/<code>/answer -> answer() -> games[...].submit() -> self.answers += ...)"]
