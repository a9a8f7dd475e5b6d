"""--fix for per-request data on a view instance every request shares (FGL006 with
``init_every_request = False``, a SocketIO namespace), and reads of ``flask.g`` inside f-strings."""
from __future__ import annotations

import ast
import difflib
import json
from pathlib import Path

from click.testing import CliRunner

from flaskglobals_lint.cli import cli
from flaskglobals_lint.fix.views import ToRequest, to_request

from .test_fix import dedent, fix, write


def _fixes(root: Path) -> list[tuple[int, str, object]]:
    out = CliRunner().invoke(cli, ["--no-cache", "--format", "json", str(root)]).output
    return [(d["line"], d["code"], d["fix"] and (d["fix"]["applicability"], d["fix"]["message"]))
            for d in json.loads(out)]


SINGLE_METHOD = """
    from flask import Flask, request
    from flask.views import View

    app = Flask(__name__)


    class ReportView(View):
        init_every_request = False

        def dispatch_request(self):
            # whose report
            self.owner = request.args.get("owner", "me")  # the requester's own
            rows = [self.owner, "total"]
            return {"owner": self.owner, "rows": rows}


    app.add_url_rule("/report", view_func=ReportView.as_view("report"))
"""


def test_an_attribute_only_its_method_uses_becomes_a_local(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SINGLE_METHOD})
    assert _fixes(tmp_path) == [(12, "FGL006", ("safe", "keep it per request in a local: owner"))]
    fixed = fix(tmp_path, {"app.py": SINGLE_METHOD})["app.py"]
    assert fixed == dedent(SINGLE_METHOD).replace("self.owner", "owner")
    assert _fixes(tmp_path) == []
    assert fix(tmp_path, {"app.py": fixed})["app.py"] == fixed  # a second --fix changes nothing


SEVERAL_METHODS = """
    from flask import Flask, request
    from flask.views import MethodView

    app = Flask(__name__)


    class Search(MethodView):
        init_every_request = False

        def get(self):
            self.query = request.args["q"]
            self.page = int(request.args.get("page", 1))
            return self.render()

        def render(self):
            return f"{self.query} page {self.page}"


    app.add_url_rule("/s", view_func=Search.as_view("s"))
"""


def test_an_attribute_several_methods_use_goes_on_g_as_an_unsafe_fix(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SEVERAL_METHODS})
    assert _fixes(tmp_path) == [(11, "FGL006", ("unsafe", "keep it per request on flask.g: g.query")),
                                (12, "FGL006", ("unsafe", "keep it per request on flask.g: g.page"))]
    assert fix(tmp_path, {"app.py": SEVERAL_METHODS})["app.py"] == dedent(SEVERAL_METHODS)
    fixed = fix(tmp_path, {"app.py": SEVERAL_METHODS}, unsafe=True)["app.py"]
    assert fixed == dedent("""
        from flask import Flask, request, g
        from flask.views import MethodView

        app = Flask(__name__)


        class Search(MethodView):
            init_every_request = False

            def get(self):
                g.query = request.args["q"]
                g.page = int(request.args.get("page", 1))
                return self.render()

            def render(self):
                return f"{g.query} page {g.page}"


        app.add_url_rule("/s", view_func=Search.as_view("s"))
    """)
    assert _fixes(tmp_path) == []


CLASS_SETTING = """
    from flask import Flask, request
    from flask.views import MethodView

    app = Flask(__name__)


    class BaseForm(MethodView):
        init_every_request = False
        columns = None  # subclasses list theirs

        def get(self):
            if request.args.get("reset"):
                self.columns = []
            return self.render()

        def render(self):
            return {"columns": self.columns}


    class UserForm(BaseForm):
        columns = ["name", "email"]


    app.add_url_rule("/user", view_func=UserForm.as_view("user"))
"""


def test_an_attribute_the_class_sets_is_a_setting_and_does_not_go_on_g(tmp_path: Path) -> None:
    # g.columns would drop UserForm's own columns for every request that does not reset them.
    write(tmp_path, {"app.py": CLASS_SETTING})
    assert _fixes(tmp_path) == [(13, "FGL006", None)]
    assert fix(tmp_path, {"app.py": CLASS_SETTING}, unsafe=True)["app.py"] == dedent(CLASS_SETTING)


READ_FIRST = """
    from flask import Flask, request
    from flask.views import View

    app = Flask(__name__)


    class Last(View):
        init_every_request = False

        def dispatch_request(self):
            if request.args.get("again"):
                return self.choice
            self.choice = request.args["choice"]
            return self.choice


    app.add_url_rule("/last", view_func=Last.as_view("last"))
"""


def test_an_attribute_read_before_it_is_stored_goes_on_g_not_a_local(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": READ_FIRST}, unsafe=True)["app.py"]
    assert fixed == dedent(READ_FIRST).replace("self.choice", "g.choice").replace(
        "from flask import Flask, request", "from flask import Flask, request, g")


SET_IN_INIT = """
    from flask import Flask, request
    from flask.views import View

    app = Flask(__name__)


    class Owner(View):
        init_every_request = False

        def __init__(self):
            self.owner = None

        def dispatch_request(self):
            self.owner = request.args["owner"]
            return self.owner


    app.add_url_rule("/o", view_func=Owner.as_view("o"))
"""


def test_an_attribute_init_sets_gets_no_fix(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": SET_IN_INIT})
    assert _fixes(tmp_path) == [(14, "FGL006", None)]
    assert fix(tmp_path, {"app.py": SET_IN_INIT}, unsafe=True)["app.py"] == dedent(SET_IN_INIT)


COUNTER = """
    from flask import Flask
    from flask.views import MethodView

    app = Flask(__name__)


    class Counter(MethodView):
        init_every_request = False

        def __init__(self):
            self.hits = 0

        def get(self):
            self.hits += 1
            return str(self.hits)


    app.add_url_rule("/c", view_func=Counter.as_view("c"))
"""


def test_a_count_on_the_shared_instance_takes_a_lock_named_after_the_class(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": COUNTER})["app.py"]
    assert fixed == dedent("""
        import threading

        from flask import Flask
        from flask.views import MethodView

        app = Flask(__name__)


        class Counter(MethodView):
            init_every_request = False

            def __init__(self):
                self.hits = 0

            def get(self):
                with _counter_hits_lock:
                    self.hits += 1
                    return str(self.hits)


        _counter_hits_lock = threading.Lock()


        app.add_url_rule("/c", view_func=Counter.as_view("c"))
    """)


NAMESPACE = """
    from flask import Flask
    from flask_socketio import Namespace, SocketIO, emit

    app = Flask(__name__)
    socketio = SocketIO(app)


    class Chat(Namespace):
        def on_join(self, data):
            self.room = data["room"]
            emit("joined", self.room)


    socketio.on_namespace(Chat("/chat"))
"""


def test_a_socketio_namespace_attribute_becomes_a_local(tmp_path: Path) -> None:
    assert fix(tmp_path, {"app.py": NAMESPACE})["app.py"] == dedent(NAMESPACE).replace("self.room", "room")


GLOBAL_IN_FSTRING = """
    from flask import Flask, request

    app = Flask(__name__)
    user = "anonymous"


    @app.before_request
    def load_user():
        global user
        user = request.headers.get("X-User", "anonymous")


    @app.route("/hello")
    def hello():
        return f"hello {user}"
"""


def test_a_global_read_in_an_f_string_moves_to_g_with_quotes_that_fit(tmp_path: Path) -> None:
    fixed = fix(tmp_path, {"app.py": GLOBAL_IN_FSTRING})["app.py"]
    assert fixed == dedent("""
        from flask import Flask, request, g

        app = Flask(__name__)


        @app.before_request
        def load_user():
            g.user = request.headers.get("X-User", "anonymous")


        @app.route("/hello")
        def hello():
            return f"hello {g.get('user', 'anonymous')}"
    """)
    ast.parse(fixed, feature_version=(3, 9))


def test_diff_shows_every_round_and_equals_what_fix_writes(run_cli, tmp_path: Path) -> None:
    # Two attributes of one class: one fix per file and class a round, so --fix takes two rounds.
    write(tmp_path, {"app.py": SEVERAL_METHODS})
    proc = run_cli("--no-cache", "--diff", "--unsafe-fixes", "app.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert (tmp_path / "app.py").read_text() == dedent(SEVERAL_METHODS)  # nothing written
    assert "+        g.page = int(request.args.get(\"page\", 1))\n" in proc.stdout  # the second round's
    fixed = fix(tmp_path, {"app.py": SEVERAL_METHODS}, unsafe=True)["app.py"]
    assert proc.stdout == "".join(difflib.unified_diff(
        dedent(SEVERAL_METHODS).splitlines(keepends=True), fixed.splitlines(keepends=True),
        fromfile="a/app.py", tofile="b/app.py"))


def test_diff_marks_a_last_line_without_newline_as_diff_does(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('from flask import Flask\napp = Flask(__name__)\nhits = 0\n\n@app.post("/h")\n'
                                     'def h():\n    global hits\n    hits += 1\n    return "ok"')
    proc = run_cli("--no-cache", "--diff", "app.py", cwd=tmp_path)
    assert proc.stdout.endswith('+    with _hits_lock:\n+        hits += 1\n     return "ok"\n'
                                "\\ No newline at end of file\n")


AUGMENTED_FIRST = """
    from flask import Flask, request
    from flask.views import View

    app = Flask(__name__)


    class Tally(View):
        init_every_request = False

        def dispatch_request(self):
            self.total += 1
            self.total = int(request.args["start"])
            return str(self.total)


    app.add_url_rule("/t", view_func=Tally.as_view("t"))
"""


def test_an_attribute_first_used_by_an_augmented_assignment_is_not_made_a_local() -> None:
    # ``total += 1`` on a new local would raise UnboundLocalError: only g can hold it.  (The linter
    # reports the two writes as one, at the read-modify-write, which gets the lock fix; the fixer
    # must still not make a local of it when asked.)
    job = ToRequest("total", "Tally", 10)
    fixed = to_request(dedent(AUGMENTED_FIRST), job)
    assert (job.done, job.local) == (True, False)
    assert "        g.total += 1\n        g.total = int(" in fixed
