"""Hostile input: every file gets an answer, one bad file never costs the others'
findings, nothing blocks, nothing is run, nothing but the cache is written."""
from __future__ import annotations

import faulthandler
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

import flaskglobals_lint.facts.jobs as batch
from flaskglobals_lint import lint_paths
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.facts import module_facts
from flaskglobals_lint.facts.batch import FileJob
from flaskglobals_lint.facts.workers import WorkerPool
from flaskglobals_lint.settings import Settings

from .conftest import cli_command, marked_processes

RACY = ("from flask import Flask\napp = Flask(__name__)\nN = []\n\n"
        "@app.route('/')\ndef index():\n    N.append(len(N))\n    return ''\n")
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def error_of(data: bytes) -> str:
    return module_facts(data, "x.py", "x").error


@pytest.mark.parametrize("data, reason", [
    (b"print 'hello'\n", "syntax error: Missing parentheses in call to 'print'. Did you mean print("),
    (b"x = 1\x00\n", "file contains a NUL byte"),
    (b"x = '\xff\xfe'\n", "undecodable: cannot decode as utf-8:"),
    (b"# -*- coding: ascii -*-\nx = '\xe9'\n", "undecodable: cannot decode as ascii:"),
    (b"# -*- coding: nonsense -*-\nx = 1\n", "undecodable: unknown encoding: nonsense"),
    (b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "syntax error: too many nested parentheses"),
    ("".join("    " * i + "if x:\n" for i in range(1000)).encode() + b"pass\n",
     "syntax error: too many levels of indentation"),
    (b"x = " + b"-" * 20000 + b"1\n", "nesting too deep to analyse (Python's own parser gives up)"),
    (b"x = 1\n" * (10 * 1048576 // 6), "file too large (10.0 MB; the limit is 5 MB)"),
])
def test_bad_input_is_a_reason_not_an_exception(data: bytes, reason: str) -> None:
    assert error_of(data).startswith(reason)


@pytest.mark.parametrize("data", [
    b"", b"# only a comment\n", b"\xef\xbb\xbfx = 1\n", b"x = 1\r\ny = 2\r\n", b"x = 1\ry = 2\r",
    b"x = 1\n\x0c\ndef f():\n\treturn 1\n", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
    b"x = '" + b"a" * 200_000 + b"'\n", b"x = [" + b"1, " * 50_000 + b"]\n",
])
def test_odd_but_valid_files_are_analysed(data: bytes) -> None:
    assert error_of(data) == ""


def test_crlf_and_non_ascii_lines_give_right_positions() -> None:
    source = ("# é\r\nfrom flask import Flask\r\napp = Flask(__name__)\r\nN = []\r\n\r\n"
              "@app.route('/')\r\ndef index():\r\n    é = 1; N.append(é)\r\n    return ''\r\n").encode()
    found = [(d.line, d.column, d.end_column) for d in lint_paths_for(source)]
    assert found == [(8, 12, 23)]  # columns count characters, not UTF-8 bytes (which would end at 24)


def lint_paths_for(source: bytes) -> list:
    from flaskglobals_lint.engine import lint_facts
    from flaskglobals_lint.settings import Settings

    return lint_facts([module_facts(source, "app.py", "app")], Settings())


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.py").write_text(RACY)
    return tmp_path


def found(paths: list[str], settings: Settings | None = None, **options: object) -> list[tuple[str, str, str]]:
    result = lint_paths(paths, settings, options=RunOptions(cache=False, **options))  # type: ignore[arg-type]
    return [(d.path, d.code, d.message) for d in result.diagnostics]


def test_special_files_named_py_get_a_reason_and_never_block(tree: Path) -> None:
    os.mkfifo(tree / "fifo.py")
    (tree / "devzero.py").symlink_to("/dev/zero")
    (tree / "broken.py").symlink_to(tree / "missing.py")
    (tree / "loop.py").symlink_to(tree / "loop.py")
    (tree / "package.py").mkdir()
    (tree / "package.py" / "inner.py").write_text("x = 1\n")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tree / "sock.py"))
    try:
        started = time.monotonic()
        # Followed: /dev/zero lies outside the tree.
        result = found(["."], Settings(follow_symlinks=True))
        assert time.monotonic() - started < 30
    finally:
        listener.close()
    assert result == [
        ("broken.py", "FGL900", "file not analysed: broken symbolic link"),
        ("devzero.py", "FGL900", "file not analysed: not a regular file (a character device)"),
        ("fifo.py", "FGL900", "file not analysed: not a regular file (a FIFO)"),
        ("good.py", "FGL002", result[3][2]),
        ("loop.py", "FGL900", "file not analysed: cannot read file: Too many levels of symbolic links"),
        ("sock.py", "FGL900", "file not analysed: not a regular file (a socket)"),
    ]


def test_a_fifo_given_explicitly_does_not_block(tree: Path) -> None:
    os.mkfifo(tree / "pipe.py")
    assert found(["pipe.py"]) == [("pipe.py", "FGL900", "file not analysed: not a regular file (a FIFO)")]


def test_symlink_out_of_the_tree_is_followed_only_when_asked(tree: Path,
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "shared.py"
    outside.write_text(RACY)
    (tree / "linked.py").symlink_to(outside)
    assert [(p, c) for p, c, _ in found(["."])] == [("good.py", "FGL002")]
    assert [(p, c) for p, c, _ in found(["."], Settings(follow_symlinks=True))] == [
        ("good.py", "FGL002"), ("linked.py", "FGL002")]


def test_file_deleted_before_it_is_read(tree: Path) -> None:
    from flaskglobals_lint.discovery.sources import read_source
    from flaskglobals_lint.discovery.sources import SourceFile

    gone = SourceFile(tree / "gone.py", "gone.py", "gone", False)
    assert read_source(gone) == (None, "file vanished before it could be read")


def test_odd_file_names_are_escaped_in_every_format(tree: Path) -> None:
    for name in ("my app.py", "ünïcode.py", "new\nline.py", "per%cent,comma:colon.py"):
        (tree / name).write_text(RACY)
    run = lambda fmt: subprocess.run([*cli_command(), "--format", fmt, "--no-cache", "."], cwd=tree,  # noqa: E731
                                     capture_output=True, text=True, timeout=120)
    text = run("text").stdout.splitlines()
    assert len(text) == 9 and "new\\nline.py:7:5: FGL002 shared" in "\n".join(text)  # 5 findings, help, summary
    assert text[5:7] == ["", f"help (FGL002): {text[6].split(': ', 1)[1]}"]
    # The file whose name is shown escaped gets no fix: the fixer finds files by the names shown.
    assert text[-2:] == ["Found 5 problems (5 FGL002) in 5 files.", "[*] 4 fixable with --fix."]
    paths = {d["path"] for d in json.loads(run("json").stdout)}
    # Control characters in names are shown escaped in every format (a name cannot forge output lines).
    assert paths == {"good.py", "my app.py", "ünïcode.py", "new\\nline.py", "per%cent,comma:colon.py"}
    sarif = json.loads(run("sarif").stdout)
    jsonschema.validate(sarif, SCHEMA)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"good.py", "my%20app.py", "%C3%BCn%C3%AFcode.py", "new%5Cnline.py", "per%25cent%2Ccomma%3Acolon.py"}
    github = run("github").stdout.splitlines()
    assert len(github) == 5
    assert any(line.startswith("::warning file=new\\nline.py,") for line in github)
    assert any(line.startswith("::warning file=per%25cent%2Ccomma%3Acolon.py,") for line in github)
    assert {d["location"]["path"] for d in json.loads(run("gitlab").stdout)} == paths


@pytest.mark.parametrize("content, message", [
    ("[tool.flaskglobals-lint\nselect = 1\n", "invalid TOML"),
    ("[tool.flaskglobals-lint]\nselect = " + "[" * 100_000 + "]" * 100_000 + "\n", "invalid TOML"),
    ("[tool.flaskglobals-lint]\nwat = 1\n", "wat"),
    ("[tool.flaskglobals-lint]\nprocesses = 'many'\n", "processes"),
    ("[tool.flaskglobals-lint]\nselect = ['rm -rf /']\n", "select"),
], ids=["unclosed-table", "nested-100k", "unknown-key", "wrong-type", "not-a-code"])  # short ids: pytest puts
# the id in PYTEST_CURRENT_TEST, and a 200k-character one makes the environment too large to start a process
def test_hostile_pyproject_is_exit_2_with_a_message(tree: Path, content: str, message: str) -> None:
    (tree / "pyproject.toml").write_text(content)
    proc = subprocess.run([*cli_command(), "."], cwd=tree, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


# -------------------------------------------------------------- workers
def test_a_worker_that_crashes_costs_one_file(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.analyse

    def crash_on_poison(job: FileJob):
        if job.path.endswith("poison.py"):
            # The worker is a fork of pytest, whose faulthandler would print this crash's stack
            # into a green run; the crash itself is the test.
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(job)

    monkeypatch.setattr(batch, "analyse", crash_on_poison)
    good = (tree / "good.py").read_bytes()
    jobs = [FileJob(str(tree / "good.py"), "good.py", "good", False, True, good)] * 3
    jobs.insert(1, FileJob(str(tree / "poison.py"), "poison.py", "poison", False, True, good))
    results = WorkerPool(2).run(jobs)
    assert [r.error for r in results] == ["", "the analysis process crashed (SIGSEGV)", "", ""]
    assert all(r.functions for i, r in enumerate(results) if i != 1)


def test_a_file_over_its_time_budget_is_stopped(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.analyse

    def hang_on_slow(job: FileJob):
        if job.path.endswith("slow.py"):
            time.sleep(60)
        return real(job)

    monkeypatch.setattr(batch, "analyse", hang_on_slow)
    good = (tree / "good.py").read_bytes()
    jobs = [FileJob(str(tree / "slow.py"), "slow.py", "slow", False, True, good),
            FileJob(str(tree / "good.py"), "good.py", "good", False, True, good)]
    started = time.monotonic()
    results = WorkerPool(2, file_timeout=1.0).run(jobs)
    assert time.monotonic() - started < 10
    assert [r.error for r in results] == ["analysis took longer than 1 s", ""]


def test_ctrl_c_during_a_run_exits_130_and_leaves_no_worker(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from generate import generate

    generate(tmp_path, 60_000, seed=5)
    from flaskglobals_lint.demo.servers import RUN_MARKER

    env = dict(os.environ, **{RUN_MARKER: str(os.getpid())})
    proc = subprocess.Popen([*cli_command(), "--no-cache", "--jobs", "2", "."], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(marked_processes()) < 3 and time.monotonic() < deadline:  # the CLI and two workers
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 130
    assert err.strip().endswith("flaskglobals-lint: interrupted") and "Traceback" not in err
    time.sleep(0.2)
    assert marked_processes() == []


# ------------------------------------------------------ never run, never write
EVIL = """import pathlib
pathlib.Path({marker!r}).write_text("imported")

def __getattr__(name):
    pathlib.Path({marker!r}).write_text("attribute " + name)
    return None

from flask import Flask
app = Flask(__name__)
STATE = []

@app.route("/")
def index():
    STATE.append(1)
    return ""
"""


@pytest.mark.parametrize("options", [{"jobs": 1}, {"jobs": 2}, {"jobs": 1, "prepass": False}])
def test_analysed_code_is_never_imported_or_run(tree: Path, tmp_path_factory: pytest.TempPathFactory,
                                                options: dict) -> None:
    marker = tmp_path_factory.mktemp("marker") / "ran"
    for name in ("evil.py", "conftest.py", "setup.py", "__init__.py"):
        (tree / name).write_text(EVIL.format(marker=str(marker)))
    for i in range(30):  # enough files for a pool
        (tree / f"m{i}.py").write_text(EVIL.format(marker=str(marker)))
    result = found(["."], **options)
    assert ("evil.py", "FGL002") in [(p, c) for p, c, _ in result]
    assert not marker.exists()


def snapshot(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*")}


def test_nothing_is_written_but_the_cache_and_the_output_file(tree: Path) -> None:
    (tree / "pyproject.toml").write_text("[tool.flaskglobals-lint]\nstrict = false\n")
    before = snapshot(tree)
    env = {k: v for k, v in os.environ.items() if k != "FLASKGLOBALS_LINT_CACHE_DIR"}
    run = lambda *args: subprocess.run([*cli_command(), *args], cwd=tree, env=env,  # noqa: E731
                                       capture_output=True, timeout=120)
    run("--no-cache", ".")
    assert snapshot(tree) == before
    run("--output-file", "report.txt", "--no-cache", ".")
    assert set(snapshot(tree)) - set(before) == {"report.txt"}
    run(".")
    # The cache lives in the user's cache folder, never in the linted tree.
    assert set(snapshot(tree)) - set(before) == {"report.txt"}
    assert list((Path(os.environ["XDG_CACHE_HOME"]) / "flaskglobals-lint" / "projects").rglob("*.sqlite3"))


def test_no_network_connection_is_opened(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    site = tmp_path_factory.mktemp("site")
    marker = site / "connected"
    (site / "sitecustomize.py").write_text(
        "import socket, pathlib\n"
        "def refuse(*a, **k):\n"
        f"    pathlib.Path({str(marker)!r}).write_text(repr(a))\n"
        "    raise OSError('network use is not allowed')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n")
    for i in range(30):
        (tree / f"m{i}.py").write_text(RACY)
    env = dict(os.environ, PYTHONPATH=str(site))
    proc = subprocess.run([*cli_command(), "--no-cache", "--jobs", "2", "."], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "FGL002" in proc.stdout
    assert not marker.exists()
