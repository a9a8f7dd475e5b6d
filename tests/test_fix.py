"""--fix: each fix as input and expected output, and the command line around it."""
from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from flaskglobals_lint.engine import LintResult, RunOptions, lint_paths
from flaskglobals_lint.fixing import run_fixes

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"))


def fix(tmp_path: Path, files: dict[str, str], unsafe: bool = False) -> dict[str, str]:
    """The files after ``--fix`` (with ``--unsafe-fixes`` when asked), run in ``tmp_path``."""
    write(tmp_path, files)

    def lint() -> LintResult:
        return lint_paths([tmp_path], options=RunOptions(jobs=1, cache=False))

    run_fixes(lint, unsafe, diff=False)
    return {name: (tmp_path / name).read_text() for name in files}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


GLOBAL_COUNTER = """
    \"\"\"A counter.\"\"\"
    import time

    from flask import Flask

    app = Flask(__name__)
    downloads = 0  # how many so far


    @app.route("/download", methods=["POST"])
    def download():
        global downloads
        # read, wait, write back
        seen = downloads
        time.sleep(0.01)
        downloads = seen + 1
        return {"downloads": seen + 1}
"""


def test_a_global_read_modify_write_is_wrapped_with_a_lock_next_to_the_state(tmp_path: Path) -> None:
    assert fix(tmp_path, {"app.py": GLOBAL_COUNTER})["app.py"] == dedent("""
        \"\"\"A counter.\"\"\"
        import threading
        import time

        from flask import Flask

        app = Flask(__name__)
        downloads = 0  # how many so far
        _downloads_lock = threading.Lock()


        @app.route("/download", methods=["POST"])
        def download():
            global downloads
            # read, wait, write back
            with _downloads_lock:
                seen = downloads
                time.sleep(0.01)
                downloads = seen + 1
            return {"downloads": seen + 1}
    """)


def test_fixing_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    once = fix(tmp_path, {"app.py": GLOBAL_COUNTER})
    assert fix(tmp_path, once) == once


def test_global_in_several_functions_shares_one_lock(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        hits = 0


        @app.route("/hit")
        def hit():
            global hits
            hits += 1
            return "ok"


        @app.route("/reset")
        def reset():
            global hits
            hits = 0
            return "ok"
    """})["app.py"]
    assert fixed.count("_hits_lock = threading.Lock()") == 1
    assert "    with _hits_lock:\n        hits += 1\n" in fixed
    assert "    with _hits_lock:\n        hits = 0\n" in fixed


def test_an_existing_threading_alias_and_a_lock_of_that_name_are_used(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import threading as th

        from flask import Flask

        app = Flask(__name__)
        _jobs_lock = th.Lock()
        JOBS = []
        EVENTS = []


        @app.route("/job", methods=["POST"])
        def job():
            JOBS.append(1)
            EVENTS.append(len(EVENTS))
            return "ok"
    """})["app.py"]
    assert fixed == dedent("""
        import threading as th

        from flask import Flask

        app = Flask(__name__)
        _jobs_lock = th.Lock()
        JOBS = []
        EVENTS = []
        _events_lock = th.Lock()


        @app.route("/job", methods=["POST"])
        def job():
            with _jobs_lock:
                JOBS.append(1)
            with _events_lock:
                EVENTS.append(len(EVENTS))
            return "ok"
    """)


def test_a_lock_name_taken_by_something_else_gets_another_name(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        _cart_lock = "not a lock"
        CART = {}


        @app.route("/add/<item>")
        def add(item):
            CART[item] = CART.get(item, 0) + 1
            return "ok"
    """})["app.py"]
    assert "_cart_lock_2 = threading.Lock()" in fixed
    assert "    with _cart_lock_2:\n        CART[item] = CART.get(item, 0) + 1\n" in fixed


def test_a_write_in_try_finally_is_wrapped_inside_the_try(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        SEEN = {}


        @app.route("/see/<item>")
        def see(item):
            try:
                SEEN[item] = SEEN.get(item, 0) + 1  # count it
            finally:
                print("done")
            return "ok"
    """})["app.py"]
    assert ("    try:\n        with _seen_lock:\n            SEEN[item] = SEEN.get(item, 0) + 1  # count it\n"
            "    finally:\n") in fixed


def test_decorated_methods_and_object_state_get_one_lock_per_object(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask, request

        app = Flask(__name__)


        class Stats:
            def __init__(self):
                self.views = 0
                self.last = ""

            def seen(self, query):
                self.views += 1
                self.last = query


        stats = Stats()


        @app.route("/")
        def index():
            stats.seen(request.args.get("q", ""))
            return "ok"
    """}, unsafe=True)["app.py"]
    assert "        with _stats_lock:\n            self.views += 1\n            self.last = query\n" in fixed
    assert "stats = Stats()\n_stats_lock = threading.Lock()\n" in fixed


def test_a_nested_function_is_left_to_its_own_fix(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        LOG = []


        @app.route("/")
        def index():
            def note(text):
                LOG.append(f"{len(LOG)}: {text}")
            note("hit")
            return "ok"
    """})["app.py"]
    assert ("    def note(text):\n        with _log_lock:\n            LOG.append(f\"{len(LOG)}: {text}\")\n"
            "    note(\"hit\")\n") in fixed


STATE_ELSEWHERE = {
    "store.py": """
        ORDERS = []
    """,
    "app.py": """
        from flask import Flask, request

        from store import ORDERS

        app = Flask(__name__)


        @app.route("/order", methods=["POST"])
        def order():
            ORDERS.append((len(ORDERS) + 1, request.form["item"]))
            return "ok"
    """,
}


def test_state_in_another_module_is_an_unsafe_fix_that_imports_the_lock(tmp_path: Path) -> None:
    assert fix(tmp_path, STATE_ELSEWHERE) == {name: dedent(text) for name, text in STATE_ELSEWHERE.items()}
    fixed = fix(tmp_path, STATE_ELSEWHERE, unsafe=True)
    assert fixed["store.py"] == "import threading\n\nORDERS = []\n_orders_lock = threading.Lock()\n"
    assert "from store import ORDERS, _orders_lock\n" in fixed["app.py"]
    assert ("    with _orders_lock:\n        ORDERS.append((len(ORDERS) + 1, request.form[\"item\"]))\n"
            in fixed["app.py"])


def test_a_block_that_calls_project_code_is_unsafe(tmp_path: Path) -> None:
    files = {"app.py": """
        import threading

        from flask import Flask

        app = Flask(__name__)
        QUEUE = []
        AUDIT = []
        AUDIT_LOCK = threading.Lock()


        def audit():
            with AUDIT_LOCK:  # another lock: taking it while holding the queue's is a deadlock risk
                AUDIT.append(1)


        @app.route("/q")
        def q():
            QUEUE.append(1)
            audit()
            QUEUE.append(2)
            return "ok"
    """}
    assert fix(tmp_path, files)["app.py"] == dedent(files["app.py"])
    fixed = fix(tmp_path, files, unsafe=True)["app.py"]
    assert "    with _queue_lock:\n        QUEUE.append(1)\n        audit()\n        QUEUE.append(2)\n" in fixed


# ------------------------------------------------------------------ the command line
def test_diff_prints_the_fix_writes_nothing_and_exits_1(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER})
    before = (tmp_path / "app.py").read_text()
    proc = run_cli("--no-cache", "--diff", "app.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "+_downloads_lock = threading.Lock()\n" in proc.stdout
    assert "+    with _downloads_lock:\n" in proc.stdout
    assert (tmp_path / "app.py").read_text() == before


def test_fix_reports_what_is_left_and_fix_only_exits_0(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER, "other.py": STATE_ELSEWHERE["app.py"],
                     "store.py": STATE_ELSEWHERE["store.py"]})
    proc = run_cli("--no-cache", "--fix", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.endswith("Fixed 1 problem in 1 file.\nFound 1 problem (1 FGL002) in 1 of 3 files.\n"
                                "[*] 1 fixable with --fix --unsafe-fixes.\n")
    ast.parse((tmp_path / "app.py").read_text())
    proc = run_cli("--no-cache", "--fix-only", "--unsafe-fixes", ".", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "")
    assert run_cli("--no-cache", ".", cwd=tmp_path).returncode == 0


def test_exit_non_zero_on_fix(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER})
    proc = run_cli("--no-cache", "--fix", "--exit-non-zero-on-fix", ".", cwd=tmp_path)
    assert proc.returncode == 1 and "Fixed 1 problem in 1 file.\nAll checks passed: 1 file.\n" in proc.stdout
    assert run_cli("--no-cache", "--fix", "--exit-non-zero-on-fix", ".", cwd=tmp_path).returncode == 0


def test_text_marks_fixable_findings(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER})
    proc = run_cli("--no-cache", ".", cwd=tmp_path)
    assert proc.stdout.startswith("app.py:16:5: FGL001 [*] global 'downloads' (line 7) rebound at request time")
    assert proc.stdout.endswith("[*] 1 fixable with --fix.\n")


def test_json_and_sarif_carry_the_fix(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER})
    [finding] = json.loads(run_cli("--no-cache", "--format", "json", ".", cwd=tmp_path).stdout)
    assert finding["fix"]["applicability"] == "safe"
    assert finding["fix"]["message"] == "hold a module-level lock around it: with _downloads_lock:"
    edits = finding["fix"]["edits"]
    assert {"path": "app.py", "start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 1},
            "content": "import threading\n"} in edits
    sarif = json.loads(run_cli("--no-cache", "--format", "sarif", ".", cwd=tmp_path).stdout)
    jsonschema.validate(sarif, SCHEMA)
    [result] = sarif["runs"][0]["results"]
    [change] = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "app.py"
    assert {"text": "import threading\n"} in [r["insertedContent"] for r in change["replacements"]]


def test_add_noqa_silences_every_finding_and_keeps_existing_codes(run_cli, tmp_path: Path) -> None:
    write(tmp_path, {"app.py": GLOBAL_COUNTER.replace("downloads = seen + 1", "downloads = seen + 1  # noqa: E501")})
    proc = run_cli("--no-cache", "--add-noqa", ".", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "Added 1 noqa comment in 1 file.\n")
    assert "    downloads = seen + 1  # noqa: E501, FGL001\n" in (tmp_path / "app.py").read_text()
    assert run_cli("--no-cache", ".", cwd=tmp_path).returncode == 0


def test_fix_refuses_standard_input(run_cli, tmp_path: Path) -> None:
    proc = run_cli("--fix", "-", cwd=tmp_path)
    assert proc.returncode == 2 and "change files: name them, not '-'" in proc.stderr


@pytest.mark.parametrize("source", ["x = 1\n", "def f(:\n"])
def test_files_without_fixable_findings_are_not_touched(tmp_path: Path, source: str) -> None:
    assert fix(tmp_path, {"app.py": source}) == {"app.py": source}


def test_a_block_already_under_the_lock_is_never_wrapped_again(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        TASKS = [{"id": 1}]


        @app.route("/delete/<int:tid>", methods=["POST"])
        def delete(tid):
            task = [t for t in TASKS if t["id"] == tid]
            if not task:
                return "no", 404
            TASKS.remove(task[0])
            return "ok"
    """})["app.py"]
    assert ("    with _tasks_lock:\n        task = [t for t in TASKS if t[\"id\"] == tid]\n        if not task:\n"
            "            return \"no\", 404\n        TASKS.remove(task[0])\n    return \"ok\"\n") in fixed
    assert fix(tmp_path, {"app.py": fixed})["app.py"] == fixed


def test_a_method_the_analysis_cannot_follow_makes_the_fix_unsafe(tmp_path: Path) -> None:
    files = {"app.py": """
        from flask import Flask, request

        app = Flask(__name__)
        GAMES = {}


        @app.route("/join/<code>", methods=["POST"])
        def join(code):
            game = request.json
            GAMES[code] = game
            game.save()
            GAMES[code + "!"] = 1
            return "ok"
    """}
    write(tmp_path, files)
    [first, second] = lint_paths([tmp_path], options=RunOptions(jobs=1, cache=False)).diagnostics
    from flaskglobals_lint.fix import settle

    settled = settle([first, second])
    assert [d.fix.applicability for d in settled] == ["unsafe", "unsafe"]  # type: ignore[union-attr]
    assert settled[0].fix.why == ("the block calls game.save(), a method the analysis cannot follow, "  # type: ignore
                                  "which could take another lock (a deadlock risk)")
    assert fix(tmp_path, files)["app.py"] == dedent(files["app.py"])


def test_a_block_that_waits_for_another_thread_gets_no_fix(tmp_path: Path) -> None:
    files = {"app.py": """
        import threading

        from flask import Flask

        app = Flask(__name__)
        READY = threading.Event()
        WAITING = []


        @app.route("/wait")
        def wait():
            WAITING.append(1)
            READY.wait()
            WAITING.pop()
            return "ok"
    """}
    write(tmp_path, files)
    from flaskglobals_lint.fix import settle

    found = lint_paths([tmp_path], options=RunOptions(jobs=1, cache=False)).diagnostics
    assert found and all(d.fix is None for d in settle(found))
    assert fix(tmp_path, files, unsafe=True)["app.py"] == dedent(files["app.py"])


# ------------------------------------------------------------------ flask.g
PER_REQUEST = """
    from flask import Flask, request

    app = Flask(__name__)
    current_user = "anonymous"
    hits = 0


    @app.before_request
    def load_user():
        global current_user, hits
        current_user = request.headers.get("X-User", "anonymous")


    @app.route("/whoami")
    def whoami():
        current = "x"  # a local of its own
        return {"user": current_user, "local": current}
"""


def test_a_global_carrying_request_data_moves_to_flask_g(tmp_path: Path) -> None:
    assert fix(tmp_path, {"app.py": PER_REQUEST})["app.py"] == dedent("""
        from flask import Flask, request, g

        app = Flask(__name__)
        hits = 0


        @app.before_request
        def load_user():
            global hits
            g.current_user = request.headers.get("X-User", "anonymous")


        @app.route("/whoami")
        def whoami():
            current = "x"  # a local of its own
            return {"user": g.get("current_user", "anonymous"), "local": current}
    """)


def test_a_global_also_read_at_import_time_is_an_unsafe_move_that_keeps_the_binding(tmp_path: Path) -> None:
    files = {"app.py": dedent(PER_REQUEST) + '\n\nprint("starting as", current_user)\n'}
    assert fix(tmp_path, files) == {"app.py": dedent(files["app.py"])}
    fixed = fix(tmp_path, files, unsafe=True)["app.py"]
    assert 'current_user = "anonymous"\n' in fixed and 'print("starting as", current_user)' in fixed
    assert "    g.current_user = request.headers" in fixed and "global hits\n" in fixed


def test_flask_g_is_imported_when_flask_is_imported_as_a_module(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import flask

        app = flask.Flask(__name__)
        locale = "en"


        @app.before_request
        def pick():
            global locale
            locale = flask.request.args.get("lang", "en")


        @app.route("/")
        def index():
            return locale
    """})["app.py"]
    assert fixed.startswith("import flask\nfrom flask import g\n")
    assert '    g.locale = flask.request.args.get("lang", "en")\n' in fixed
    assert '    return g.get("locale", "en")\n' in fixed


def test_a_thread_that_writes_the_global_keeps_its_global_statement(tmp_path: Path) -> None:
    files = {"app.py": dedent(PER_REQUEST) + dedent("""


        def refresh():
            global current_user
            current_user = "system"
    """)}
    fixed = fix(tmp_path, files, unsafe=True)["app.py"]
    assert fixed.endswith('def refresh():\n    global current_user\n    current_user = "system"\n')
    assert "    g.current_user = request.headers" in fixed and 'current_user = "anonymous"\n' in fixed


# ------------------------------------------------------------------ FGL005 and FGL009
def test_the_lock_block_grows_up_to_the_check_and_a_second_with_dissolves(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import threading

        from flask import Flask, abort

        app = Flask(__name__)
        USERS = set()
        users_lock = threading.Lock()


        @app.route("/join/<name>", methods=["POST"])
        def join(name):
            if name in USERS:  # taken?
                abort(409)
            with users_lock:
                print("checking")
            with users_lock:
                USERS.add(name)
            return "ok"
    """})["app.py"]
    assert fixed.endswith(dedent("""
        def join(name):
            with users_lock:
                if name in USERS:  # taken?
                    abort(409)
                print("checking")
                USERS.add(name)
            return "ok"
    """))


def test_a_check_in_the_header_of_the_statement_that_holds_the_lock(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import threading

        from flask import Flask

        app = Flask(__name__)
        SEATS = {}
        seats_lock = threading.Lock()


        @app.route("/book/<int:seat>/<user>", methods=["POST"])
        def book(seat, user):
            if seat not in SEATS:
                with seats_lock:
                    SEATS[seat] = user
            return "ok"
    """})["app.py"]
    assert "    with seats_lock:\n        if seat not in SEATS:\n            SEATS[seat] = user\n    return" in fixed


def test_the_other_sites_lock_is_taken_where_a_write_skips_it(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import threading

        from flask import Flask

        app = Flask(__name__)


        class Ledger:
            def __init__(self):
                self._lock = threading.Lock()
                self.balance = 0

            def deposit(self, n):
                with self._lock:
                    self.balance += n

            def withdraw(self, n):
                self.balance -= n


        ledger = Ledger()


        @app.route("/deposit", methods=["POST"])
        def deposit():
            ledger.deposit(1)
            return "ok"


        @app.route("/withdraw", methods=["POST"])
        def withdraw():
            ledger.withdraw(1)
            return "ok"
    """})["app.py"]
    assert "    def withdraw(self, n):\n        with self._lock:\n            self.balance -= n\n" in fixed
    assert "_ledger_lock" not in fixed and fixed.count("threading.Lock()") == 1


def test_a_lone_store_gets_a_lock_only_where_other_code_takes_it(tmp_path: Path) -> None:
    files = {"app.py": """
        from flask import Flask, request

        app = Flask(__name__)


        class Registry:
            mode = "fast"

            @classmethod
            def set_mode(cls, mode):
                cls.mode = mode


        @app.route("/mode", methods=["POST"])
        def set_mode():
            Registry.set_mode(request.form["mode"])
            return "ok"
    """}
    # A lock around `cls.mode = mode` alone would change nothing: every request still sees the new mode.
    assert fix(tmp_path, files, unsafe=True) == {"app.py": dedent(files["app.py"])}


def test_builtin_methods_and_string_joins_keep_a_fix_safe(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask, request

        app = Flask(__name__)
        LOG = []


        @app.route("/log", methods=["POST"])
        def log():
            data = {"a": 1}
            LOG.append(", ".join([data.get("a", ""), str(len(LOG))]))
            return "ok"
    """})["app.py"]
    assert "    with _log_lock:\n        LOG.append(" in fixed


def test_writes_through_a_local_alias_of_the_state_are_inside_the_block(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask, abort, request

        app = Flask(__name__)
        TASKS = [{"id": 1, "title": "a", "done": False}]


        @app.route("/t/<int:tid>", methods=["PUT"])
        def update(tid):
            task = [t for t in TASKS if t["id"] == tid]
            if not task:
                abort(404)
            task[0]["title"] = request.json.get("title", task[0]["title"])
            task[0]["done"] = True
            count = len(TASKS)
            print(count)
            return "ok"
    """}, unsafe=True)["app.py"]
    assert fixed.endswith(dedent("""
        def update(tid):
            with _tasks_lock:
                task = [t for t in TASKS if t["id"] == tid]
                if not task:
                    abort(404)
                task[0]["title"] = request.json.get("title", task[0]["title"])
                task[0]["done"] = True
                count = len(TASKS)
            print(count)
            return "ok"
    """))


def test_two_states_changed_together_end_under_the_first_lock(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)
        SESSIONS = {}
        OWNERS = {}


        @app.route("/close/<sid>", methods=["POST"])
        def close(sid):
            for key in list(SESSIONS):
                if key == sid:
                    del SESSIONS[key]
                    for owner, session in list(OWNERS.items()):
                        if session == sid:
                            del OWNERS[owner]
            return "ok"
    """})["app.py"]
    # One block per round: after the first, OWNERS is changed under that lock too, and is left there
    # (no second lock nested in the first: no lock order to get wrong).
    assert fixed.count("with _") == 1 and fixed.count("threading.Lock()") == 1


def test_a_lone_append_or_item_store_gets_no_lock_that_no_reader_takes(tmp_path: Path) -> None:
    files = {"app.py": """
        from flask import Flask, request

        app = Flask(__name__)
        MESSAGES = []
        INVENTORY = {}


        @app.route("/say", methods=["POST"])
        def say():
            MESSAGES.append(request.form["text"])
            return "ok"


        @app.route("/items", methods=["POST"])
        def add_item():
            data = request.json
            INVENTORY[data["id"]] = data
            return "ok"
    """}
    write(tmp_path, files)
    found = lint_paths([tmp_path], options=RunOptions(jobs=1, cache=False)).diagnostics
    from flaskglobals_lint.fix import settle

    assert [d.code for d in found] == ["FGL002", "FGL002"] and all(d.fix is None for d in settle(found))


def test_a_lock_made_per_call_is_made_once_at_module_level(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": """
        import threading

        from flask import Flask

        app = Flask(__name__)
        likes = 0


        @app.route("/like", methods=["POST"])
        def like():
            global likes
            with threading.Lock():  # one per request: excludes nothing
                likes += 1
            return "ok"
    """})["app.py"]
    assert fixed.endswith(dedent("""
        likes = 0


        _like_lock = threading.Lock()


        @app.route("/like", methods=["POST"])
        def like():
            global likes
            with _like_lock:  # one per request: excludes nothing
                likes += 1
            return "ok"
    """))


def _many_fixes(root: Path, count: int) -> list:
    """``count`` modules, each with a counter its route bumps without a lock: one lock fix each."""
    from flaskglobals_lint.settings import Settings

    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    for i in range(count):
        (root / f"views{i}.py").write_text(
            f"from app import app\nhits = 0\n\n\n@app.route('/v{i}')\ndef view():\n    global hits\n"
            f"    hits += 1\n    return str(hits)\n")
    result = lint_paths([str(root)], Settings(root=root), RunOptions(cache=False, jobs=1))
    assert len([d for d in result.diagnostics if d.fix is not None]) == count
    return result.diagnostics


def test_fixes_settled_in_workers_are_those_settled_here(tmp_path: Path) -> None:
    from flaskglobals_lint.fix import settle, settle_in_parallel

    diagnostics = _many_fixes(tmp_path, 60)
    for edits in (False, True):
        here = [d.as_dict() for d in settle(diagnostics, edits=edits)]
        assert [d.as_dict() for d in settle_in_parallel(diagnostics, edits=edits, workers=2)] == here
    assert {d.fix.applicability for d in settle(diagnostics)} == {"safe"}


def test_a_settle_worker_that_dies_is_made_up_for_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import flaskglobals_lint.fix as fix

    diagnostics = _many_fixes(tmp_path, 60)
    here = [d.as_dict() for d in fix.settle(diagnostics)]
    marker = tmp_path / "worker-ran"

    def crash(job: object) -> None:
        marker.touch()
        os._exit(3)

    monkeypatch.setattr(fix, "settle_job", crash)
    assert [d.as_dict() for d in fix.settle_in_parallel(diagnostics, workers=2)] == here
    assert marker.exists()
