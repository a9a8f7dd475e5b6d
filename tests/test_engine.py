"""Engine behaviours, one per test: reachability, scopes, locks, taint, wording."""
from __future__ import annotations

import pickle
import textwrap

from flaskglobals_lint import lint_source
from flaskglobals_lint.facts import module_facts
from flaskglobals_lint.settings import Settings


def codes(source: str, **settings: object) -> list[tuple[int, str]]:
    found = lint_source(textwrap.dedent(source), "app.py", Settings(**settings))  # type: ignore[arg-type]
    return [(d.line, d.code) for d in found]


def test_message_names_state_definition_chain_hazard_and_fix() -> None:
    [d] = lint_source(textwrap.dedent('''
        from flask import Flask
        app = Flask(__name__)
        EVENTS = []

        def record(kind):
            EVENTS.append(kind)

        @app.route("/visit")
        def visit():
            record("visit")
            return "ok"
    '''), "app.py")
    assert (d.line, d.column, d.code, d.name) == (7, 5, "FGL002", "shared-container-mutation")
    assert d.message == ("shared 'EVENTS' (line 4) changed at request time "
                         "(route GET /visit -> visit() -> record() -> EVENTS.append(...))")
    assert "threading.Lock" in d.help and "Redis" in d.help
    assert d.chain == ("route GET /visit", "visit()", "record()", "EVENTS.append(...)")


def test_write_reached_from_two_routes_is_reported_once() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        LOG = []

        def log(x):
            LOG.append(x)

        @app.route("/a")
        def a():
            log(1)
            return ""

        @app.route("/b")
        def b():
            log(2)
            return ""
    ''') == [(7, "FGL002")]


def test_function_only_called_at_import_is_not_request_time() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        PLUGINS = []

        def load():
            PLUGINS.append("x")

        load()

        @app.route("/")
        def index():
            return str(PLUGINS)
    ''') == []


def test_local_shadowing_a_global_is_not_shared() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        items = []

        @app.route("/")
        def index():
            items = []
            items.append(1)
            return str(items)
    ''') == []


def test_parameter_shadowing_a_global_is_not_shared() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        items = []

        def add(items):
            items.append(1)

        @app.route("/")
        def index():
            add([])
            return ""
    ''') == []


def test_acquire_release_in_try_finally_protects() -> None:
    assert codes('''
        import threading
        from flask import Flask
        app = Flask(__name__)
        lock = threading.Lock()
        items = []

        @app.route("/")
        def index():
            lock.acquire()
            try:
                items.append(1)
            finally:
                lock.release()
            items.append(2)
            return ""
    ''') == [(15, "FGL009")]


def test_lock_held_by_the_caller_protects_the_helper() -> None:
    assert codes('''
        import threading
        from flask import Flask
        app = Flask(__name__)
        lock = threading.Lock()
        items = []

        def add():
            items.append(1)

        @app.route("/")
        def index():
            with lock:
                add()
            return ""
    ''') == []


def test_lock_held_by_only_one_caller_does_not_protect() -> None:
    assert codes('''
        import threading
        from flask import Flask
        app = Flask(__name__)
        lock = threading.Lock()
        items = []

        def add():
            items.append(1)

        @app.route("/a")
        def a():
            with lock:
                add()
            return ""

        @app.route("/b")
        def b():
            add()
            return ""
    ''') == [(9, "FGL002")]


def test_lock_created_per_request_is_reported_and_does_not_protect() -> None:
    assert codes('''
        import threading
        from flask import Flask
        app = Flask(__name__)
        items = []

        @app.route("/")
        def index():
            with threading.Lock():
                items.append(1)
            return ""
    ''') == [(9, "FGL008"), (10, "FGL002")]


def test_collections_counter_is_a_container_but_prometheus_counter_is_not() -> None:
    source = '''
        from flask import Flask
        from {module} import Counter
        app = Flask(__name__)
        HITS = Counter({args})

        @app.route("/")
        def index():
            HITS.update(["x"])
            return ""
    '''
    assert codes(source.format(module="collections", args="")) == [(9, "FGL002")]
    assert codes(source.format(module="prometheus_client", args='"hits", "Hits"')) == []


def test_memoization_is_benign_unless_strict() -> None:
    source = '''
        from flask import Flask
        app = Flask(__name__)
        CACHE = {}

        def render(slug):
            return slug.upper()

        @app.route("/<slug>")
        def page(slug):
            if slug not in CACHE:
                CACHE[slug] = render(slug)
            return CACHE[slug]
    '''
    assert codes(source) == []
    assert codes(source, strict=True) == [(12, "FGL002")]


def test_memoization_with_a_delete_elsewhere_is_reported() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        CACHE = {}

        def render(slug):
            return slug.upper()

        @app.route("/<slug>")
        def page(slug):
            if slug not in CACHE:
                CACHE[slug] = render(slug)
            return CACHE[slug]

        @app.route("/forget/<slug>")
        def forget(slug):
            del CACHE[slug]
            return ""
    ''') == [(12, "FGL002"), (17, "FGL002")]


def test_an_evicted_cache_read_through_get_is_benign() -> None:
    # The entry is taken once (``hit = CACHE.get(k)``): an eviction in between costs a recompute,
    # never a KeyError.
    source = '''
        from flask import Flask
        app = Flask(__name__)
        CACHE = {}

        def render(slug):
            return slug.upper()

        @app.route("/<slug>")
        def page(slug):
            hit = CACHE.get(slug)
            if hit is None:
                hit = render(slug)
                CACHE[slug] = hit
            return hit

        @app.route("/flush")
        def flush():
            CACHE.clear()
            return ""
    '''
    assert codes(source) == []
    assert codes(source, strict=True) == [(14, "FGL002"), (19, "FGL002")]


def test_memoized_value_built_in_locals_is_benign_but_a_random_one_is_not() -> None:
    source = '''
        import secrets
        from flask import Flask
        app = Flask(__name__)
        PAGES = {}
        KEYS = {}

        def parse(n):
            return n.upper()

        def new_key():
            return secrets.token_hex(16).encode()

        @app.route("/pages/<slug>")
        def page(slug):
            if slug not in PAGES:
                parts = {}
                for n in slug.split("-"):
                    parts[n] = parse(n)
                PAGES[slug] = parts
            return PAGES[slug]

        @app.route("/keys/<user>")
        def key(user):
            if user not in KEYS:
                made = new_key()
                KEYS[user] = made
            return KEYS[user]
    '''
    assert codes(source) == [(27, "FGL002")]



def test_lazy_initialisation_is_benign_unless_strict() -> None:
    source = '''
        from flask import Flask
        app = Flask(__name__)
        _client = None

        def make():
            return object()

        @app.route("/")
        def index():
            global _client
            if _client is None:
                _client = make()
            return ""
    '''
    assert codes(source) == []
    assert codes(source, strict=True) == [(13, "FGL001")]


def test_noqa_suppresses_all_or_named_codes() -> None:
    assert codes('''
        from flask import Flask, request
        app = Flask(__name__)
        last = None
        seen = []

        @app.route("/")
        def index():
            global last
            last = request.args["q"]  # noqa: FGL004
            seen.append(1)  # noqa
            return ""
    ''') == [(10, "FGL001")]


def test_skip_file_comment_silences_the_file() -> None:
    assert codes('''
        # flaskglobals-lint: skip-file
        from flask import Flask
        app = Flask(__name__)
        seen = []

        @app.route("/")
        def index():
            seen.append(1)
            return ""
    ''') == []


def test_ignore_and_select_settings() -> None:
    source = '''
        from flask import Flask, request
        app = Flask(__name__)
        last = None

        @app.route("/")
        def index():
            global last
            last = request.args["q"]
            return ""
    '''
    # FGL001 supersedes FGL004 at the same write, and says it stores request data.
    assert codes(source) == [(9, "FGL001")]
    assert codes(source, ignore=("FGL001",)) == [(9, "FGL004")]
    assert codes(source, select=("FGL004",)) == [(9, "FGL004")]


def test_processes_setting_turns_on_fgl011_for_locked_writes() -> None:
    source = '''
        import threading
        from flask import Flask
        app = Flask(__name__)
        lock = threading.Lock()
        hits = {"n": 0}

        @app.route("/")
        def index():
            with lock:
                hits["n"] += 1
            return ""
    '''
    assert codes(source) == []
    assert codes(source, processes=4) == [(11, "FGL011")]


def test_syntax_error_is_fgl900_with_pythons_message() -> None:
    [d] = lint_source("def broken(:\n    pass\n", "bad.py")
    assert (d.code, d.line, d.severity) == ("FGL900", 1, "error")
    assert d.message.startswith("file not analysed: syntax error: ")


def test_nul_byte_and_bad_encoding_are_reported_not_raised() -> None:
    assert module_facts(b"x = 1\x00\n", "a.py", "a").error == "file contains a NUL byte"
    assert module_facts(b"x = '\xff'\n", "a.py", "a").error.startswith("undecodable: ")
    latin = module_facts(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "a.py", "a")
    assert latin.error == ""


def test_facts_are_picklable_and_independent_of_other_files() -> None:
    source = textwrap.dedent('''
        from flask import Flask
        from .store import EVENTS
        app = Flask(__name__)

        @app.route("/")
        def index():
            EVENTS.append(1)
            return ""
    ''')
    facts = module_facts(source, "pkg/views.py", "pkg.views")
    again = pickle.loads(pickle.dumps(facts))
    assert again == facts
    assert facts.imports["EVENTS"].module == "pkg.store"


def test_shared_state_passed_as_an_argument_is_followed() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)
        EVENTS = []

        def add(store, item):
            store.append(item)

        @app.route("/e")
        def e():
            add(EVENTS, 1)
            add([], 2)
            return ""
    ''') == [(7, "FGL002")]


def test_a_local_passed_as_an_argument_is_not_shared() -> None:
    assert codes('''
        from flask import Flask
        app = Flask(__name__)

        def add(store, item):
            store.append(item)

        @app.route("/e")
        def e():
            mine = []
            add(mine, 1)
            return str(mine)
    ''') == []


def test_socketio_namespace_instance_is_shared() -> None:
    assert codes('''
        from flask import Flask
        from flask_socketio import Namespace, SocketIO
        app = Flask(__name__)
        socketio = SocketIO(app)

        class Chat(Namespace):
            def on_join(self, data):
                self.last_room = data["room"]

        socketio.on_namespace(Chat("/chat"))
    ''') == [(9, "FGL006")]


def test_test_modules_define_no_entry_points() -> None:
    source = textwrap.dedent('''
        from flask import Flask

        def test_hooks():
            app = Flask(__name__)
            calls = []

            @app.before_request
            def before():
                calls.append(1)
    ''')
    assert lint_source(source, "test_hooks.py") == []
    assert [(d.line, d.code) for d in lint_source(source, "hooks.py")] == [(10, "FGL002")]


def test_thousands_of_implicitly_concatenated_strings_are_analysed() -> None:
    fragments = "\n".join(f"    'line {i}\\n'" for i in range(2500))
    source = f"TEXT = (\n{fragments}\n)\n"
    facts = module_facts(source, "topics.py", "topics")
    assert facts.error == "" and facts.bindings["TEXT"].kind == "scalar"


def test_valid_python_that_libcst_rejects_says_so() -> None:
    fragments = "\n".join("    'x'" for _ in range(5000))
    facts = module_facts(f"T = (\n{fragments}\n)\n", "big.py", "big")
    assert facts.error.startswith("libcst cannot parse this valid file: ")
