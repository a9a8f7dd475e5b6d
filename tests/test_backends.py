"""FGL012: which extensions keep their state in each worker process, decided over the whole project."""
from __future__ import annotations

import textwrap
from pathlib import Path

from flaskglobals_lint import lint_paths
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.settings import Settings

LIMITER_APP = """
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
app = Flask(__name__)
{config}
limiter = Limiter(get_remote_address, app=app)
"""


def findings(tmp_path: Path, files: dict[str, str], processes: int | None = 4) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = lint_paths([tmp_path], Settings(processes=processes), RunOptions(cache=False, jobs=1))
    return [(Path(d.path).name, d.line, d.code) for d in result.diagnostics]


def test_limiter_default_storage_is_reported_at_its_construction(tmp_path: Path) -> None:
    assert findings(tmp_path, {"app.py": LIMITER_APP.format(config="")}) == [("app.py", 7, "FGL012")]


def test_limiter_message_names_the_storage_the_workers_and_the_remedy(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(LIMITER_APP.format(config=""))
    (tmp_path / "gunicorn.conf.py").write_text("workers = 3\n")
    result = lint_paths([tmp_path], Settings(), RunOptions(cache=False, jobs=1))
    [finding] = result.diagnostics
    assert finding.message == (
        "Flask-Limiter keeps its rate-limit counters in each worker process (the default storage); the app "
        "runs 3 worker processes (gunicorn.conf.py: workers = 3)")
    assert finding.help == (
        "each worker counts only the hits it served, so a client gets up to 3 times the limit; set "
        "storage_uri (or RATELIMIT_STORAGE_URI) to a Redis or Memcached URI")


def test_one_worker_process_keeps_the_rule_off(tmp_path: Path) -> None:
    assert findings(tmp_path, {"app.py": LIMITER_APP.format(config="")}, processes=None) == []


def test_storage_chosen_in_a_config_class_of_another_module_counts(tmp_path: Path) -> None:
    app = LIMITER_APP.format(config="app.config.from_object('settings.Config')")
    redis = {"app.py": app, "settings.py": "class Config:\n    RATELIMIT_STORAGE_URI = 'redis://cache:6379'\n"}
    assert findings(tmp_path, redis) == []
    memory = {"app.py": app, "settings.py": "class Config:\n    RATELIMIT_STORAGE_URI = 'memory://'\n"}
    assert findings(tmp_path, memory) == [("app.py", 7, "FGL012")]


def test_storage_from_the_environment_or_an_outside_config_file_may_be_anything(tmp_path: Path) -> None:
    env = LIMITER_APP.format(config="import os\napp.config['RATELIMIT_STORAGE_URI'] = os.environ['STORAGE']")
    assert findings(tmp_path / "env", {"app.py": env}) == []
    outside = LIMITER_APP.format(config="app.config.from_pyfile('settings.cfg')")
    assert findings(tmp_path / "cfg", {"app.py": outside}) == []


def test_cache_is_reported_only_when_every_configured_type_is_in_memory(tmp_path: Path) -> None:
    app = """
    from flask import Flask
    from flask_caching import Cache
    cache = Cache()
    def create_app(config):
        app = Flask(__name__)
        app.config.from_object(config)
        cache.init_app(app)
        return app
    """
    split = "class Dev:\n    CACHE_TYPE = 'SimpleCache'\nclass Prod:\n    CACHE_TYPE = 'RedisCache'\n"
    assert findings(tmp_path / "split", {"app.py": app, "config.py": split}) == []
    simple = "class Base:\n    CACHE_TYPE = 'simple'\n"
    assert findings(tmp_path / "simple", {"app.py": app, "config.py": simple}) == [("app.py", 4, "FGL012")]
    # No CACHE_TYPE at all is Flask-Caching's null cache: nothing kept, nothing stale.
    assert findings(tmp_path / "none", {"app.py": app}) == []


def test_scheduler_in_a_script_block_or_a_test_is_not_the_app(tmp_path: Path) -> None:
    files = {
        "app.py": """
        from flask import Flask
        from apscheduler.schedulers.background import BackgroundScheduler
        app = Flask(__name__)
        if __name__ == "__main__":
            BackgroundScheduler().start()
        """,
        "test_app.py": """
        from apscheduler.schedulers.background import BackgroundScheduler
        def test_jobs():
            BackgroundScheduler().start()
        """,
    }
    assert findings(tmp_path, files) == []


def test_scheduler_started_in_the_app_factory_is_reported(tmp_path: Path) -> None:
    files = {"app.py": """
    from flask import Flask
    from flask_apscheduler import APScheduler
    def create_app():
        app = Flask(__name__)
        scheduler = APScheduler()
        scheduler.init_app(app)
        scheduler.start()
        return app
    """}
    assert findings(tmp_path, files) == [("app.py", 6, "FGL012")]


def test_a_project_class_named_like_an_extension_is_not_the_extension(tmp_path: Path) -> None:
    files = {"app.py": """
    from flask import Flask
    app = Flask(__name__)
    class Limiter:
        def __init__(self, app):
            self.app = app
    limiter = Limiter(app)
    """}
    assert findings(tmp_path, files) == []


def test_an_import_inside_the_function_decides_what_the_constructor_is(tmp_path: Path) -> None:
    files = {"app.py": """
    from flask import Flask
    def create_app(limits):
        app = Flask(__name__)
        if limits:
            from flask_limiter import Limiter
            limiter = Limiter(app=app, storage_uri=limits)
        else:
            from .no_limiter import Limiter
            limiter = Limiter()
        return app
    def create_cache():
        from flask_caching import Cache
        return Cache(config={"CACHE_TYPE": "SimpleCache"})
    """}
    assert findings(tmp_path, files) == [("app.py", 14, "FGL012")]


def test_a_scheduler_the_gunicorn_config_starts_in_the_master_runs_once(tmp_path: Path) -> None:
    files = {
        "scheduler.py": """
        from apscheduler.schedulers.background import BackgroundScheduler
        def setup():
            BackgroundScheduler().start()
        """,
        "app.py": """
        import os
        from flask import Flask
        import scheduler
        app = Flask(__name__)
        if "gunicorn" not in os.environ.get("SERVER_SOFTWARE", ""):
            scheduler.setup()
        """,
    }
    files["cleanup.py"] = """
    from apscheduler.schedulers.background import BackgroundScheduler
    def setup():
        BackgroundScheduler().start()
    """
    files["app.py"] = textwrap.dedent(files["app.py"]) + "import cleanup\ncleanup.setup()\n"
    assert findings(tmp_path / "plain", files) == [("cleanup.py", 4, "FGL012"), ("scheduler.py", 4, "FGL012")]
    hooks = "workers = 4\ndef on_starting(server):\n    import scheduler\n    scheduler.setup()\n"
    assert findings(tmp_path / "hooked", {**files, "gunicorn.conf.py": hooks}, processes=None) == [
        ("cleanup.py", 4, "FGL012")]


def test_a_constructor_imported_under_another_name_is_found(tmp_path: Path) -> None:
    files = {"app.py": """
    from flask import Flask
    from apscheduler.schedulers.background import BackgroundScheduler as BScheduler
    app = Flask(__name__)
    class Jobs:
        scheduler = BScheduler()
    """}
    assert findings(tmp_path, files) == [("app.py", 6, "FGL012")]


def test_dev_server_processes_count_when_no_deployment_file_serves_the_app(tmp_path: Path) -> None:
    app = LIMITER_APP.format(config="") + "if __name__ == '__main__':\n    app.run(processes=3)\n"
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "app.py").write_text(app)
    result = lint_paths([tmp_path / "dev"], Settings(), RunOptions(cache=False, jobs=1))
    assert [(d.line, d.code) for d in result.diagnostics] == [(7, "FGL012")]
    assert result.processes == 3
    assert result.processes_reason == f"{tmp_path / 'dev' / 'app.py'}:9: app.run(processes=3)"
    served = {"app.py": app, "Procfile": "web: gunicorn app:app\n"}
    assert findings(tmp_path / "served", served, processes=None) == []
