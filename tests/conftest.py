from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent

# What `pytest -m "not slow"` leaves out, and why: the fast loop is rules, cases and the engine, in process.
SLOW_MODULES = {
    "test_bench.py": "runs the benchmark harness",
    "test_demo.py": "runs real servers",
    "test_fixtures.py": "lints every fixture app through the installed console script",
    "test_integrations.py": "runs pre-commit, flake8 and git",
    "test_pipeline.py": "generates a 15k-line project and lints it every way",
    "test_property.py": "generates programs with hypothesis",
    "test_security_processes.py": "starts, signals and kills real runs and servers",
}
SLOW_TESTS = {"test_a_thousand_nested_folders_lose_nothing": "walks a 1,000-deep tree"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = Path(str(item.fspath)).name
        if module in SLOW_MODULES or item.originalname in SLOW_TESTS or item.get_closest_marker("race"):
            item.add_marker(pytest.mark.slow)


def marked_processes() -> list[int]:
    """Live processes that a demo server of this test session started (Linux: read from /proc)."""
    from flaskglobals_lint.demo.servers import RUN_MARKER

    mine = f"{RUN_MARKER}={os.getpid()}".encode()
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if mine in environ.split(b"\0") and state != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.fixture(scope="session", autouse=True)
def cache_outside_the_source_tree(tmp_path_factory: pytest.TempPathFactory):
    """Runs in tests cache their facts, and keep the cache's secret key, in temporary folders,
    never in the user's real cache."""
    folder = tmp_path_factory.mktemp("facts-cache")
    user_cache = tmp_path_factory.mktemp("user-cache")
    saved = {name: os.environ.get(name) for name in ("FLASKGLOBALS_LINT_CACHE_DIR", "XDG_CACHE_HOME")}
    os.environ["FLASKGLOBALS_LINT_CACHE_DIR"] = str(folder)
    os.environ["XDG_CACHE_HOME"] = str(user_cache)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_session():
    """Every process a test starts is stopped by the test: checked once more at the very end."""
    yield
    if Path("/proc").is_dir():
        assert marked_processes() == []


def readme_snippet(name: str) -> str:
    """The code block under ``<!-- snippet: NAME -->`` in the README, as written."""
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w+\n(.*?)```", readme, re.DOTALL)
    assert match, f"README has no snippet {name}"
    return match.group(1)


def cli_command() -> list[str]:
    """The installed console script, as a user runs it (``python -m`` if not on PATH)."""
    script = Path(sys.executable).parent / "flaskglobals-lint"
    if script.exists():
        return [str(script)]
    found = shutil.which("flaskglobals-lint")
    return [found] if found else [sys.executable, "-m", "flaskglobals_lint"]


@pytest.fixture
def run_cli():
    def run(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.pop("NO_COLOR", None)
        full_env.pop("FORCE_COLOR", None)
        if env:
            full_env.update(env)
        return subprocess.run([*cli_command(), *args], cwd=cwd, env=full_env, capture_output=True,
                              text=True, timeout=timeout)
    return run


@pytest.fixture(autouse=True, scope="session")
def no_forced_colour():
    """Exact outputs are compared: a FORCE_COLOR in the environment (some CI systems set it) would
    colour every report the tests start."""
    saved = os.environ.pop("FORCE_COLOR", None)
    yield
    if saved is not None:
        os.environ["FORCE_COLOR"] = saved


def cache_entries(folder: Path) -> dict[str, bytes]:
    """What the cache store in ``folder`` holds, read as an attacker would: key -> MAC + payload."""
    import sqlite3

    from flaskglobals_lint.facts.cache import DATABASE

    connection = sqlite3.connect(folder / DATABASE)
    try:
        return {key: mac + payload for key, mac, payload in connection.execute("SELECT key, mac, payload FROM entries")}
    finally:
        connection.close()


def facts_entries(folder: Path) -> dict[str, bytes]:
    """``cache_entries`` without the run records and settled fixes (``replay``)."""
    return {key: raw for key, raw in cache_entries(folder).items() if not key.startswith(("run-", "fix-"))}


def plant_cache_entry(folder: Path, key: str, raw: bytes) -> None:
    """Overwrite an entry with ``raw`` (its first 32 bytes as the MAC), as an attacker with write
    access to the cache folder could."""
    import sqlite3

    from flaskglobals_lint.facts.cache import DATABASE

    connection = sqlite3.connect(folder / DATABASE)
    try:
        with connection:
            connection.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, 0)", (key, raw[:32], raw[32:]))
    finally:
        connection.close()
