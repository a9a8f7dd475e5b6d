"""Output safety: what the analysed files contain can neither crash a
format nor steer a terminal, and a report is written whole or not at all, never silently cut."""
from __future__ import annotations

import errno
import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from flaskglobals_lint import cli

from .conftest import cli_command

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# FGL002's own `invalid` example; the route string is filled in per test.
SOURCE = '''from flask import Flask
app = Flask(__name__)
seen = {}

@app.route(ROUTE)
def hit(page):
    seen[page] = seen.get(page, 0) + 1
    return "ok"
'''
ADVICE = ("concurrent requests lose updates; worker processes each keep their own copy; guard every access "
          "with one module-level threading.Lock, or keep it in Redis, a database or a multiprocessing.Manager "
          "if workers must share it")
# Written into the decorator as Python escapes, which the linter evaluates like Python does.
HOSTILE_ROUTE = r'"/x\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u2028::error::fake\u202e/\x85\x9b2J\u2066\u200f"'
ROUTE_SHOWN = r"/x\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\u2028::error::fake\u202e/\x85\x9b2J\u2066\u200f"
# What must never reach a terminal raw: C0 but the line ends, DEL, C1, line/paragraph separators, bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
FORMATS = ("text", "json", "sarif", "github", "gitlab")


def write_app(folder: Path, route: str = '"/hit/<page>"', name: bytes = b"app.py") -> None:
    """The app under a byte name: os.open takes what a str path cannot hold (b"\\xff" is not UTF-8)."""
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "wb") as stream:
        stream.write(SOURCE.replace("ROUTE", route).encode("utf-8"))


def lint(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cli_command(), "--no-cache", *args], cwd=folder, capture_output=True, text=True,
                          timeout=120)


def in_shell(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    """``script`` with ``LINT`` standing for the installed command, run by bash (for ``ulimit``)."""
    command = shlex.join([*cli_command(), "--no-cache"])
    return subprocess.run(["bash", "-c", script.replace("LINT", command)], cwd=folder, capture_output=True,
                          text=True, timeout=120)


def message(path: str, route: str = "/hit/<page>") -> str:
    """The finding as machine formats carry it: what and where, then why and the fix."""
    return f"{line_message(route)}: {ADVICE}"


def line_message(route: str = "/hit/<page>") -> str:
    """The finding as a text line says it (the help follows once, after the findings)."""
    return f"shared 'seen' (line 3) changed at request time (route GET {route} -> hit() -> seen[page] = ...)"


def text_report(path: str, route: str = "/hit/<page>", fixable: bool = True) -> str:
    """The text report of the one finding (no fix for a file whose name is shown escaped)."""
    mark, footer = ("[*] ", "[*] 1 fixable with --fix.\n") if fixable else ("", "")
    return (f"{path}:7:5: FGL002 {mark}{line_message(route)}\n\nhelp (FGL002): {ADVICE}\n"
            f"Found 1 problem (1 FGL002) in 1 file.\n{footer}")


BAD_NAME = "app_\\xff.py"  # how b"app_\xff.py" is shown: backslashreplace of the undecodable byte
BAD_MESSAGE = message(BAD_NAME)


@pytest.fixture
def undecodable_name(tmp_path: Path) -> Path:
    write_app(tmp_path, name=b"app_\xff.py")
    return tmp_path


def test_undecodable_file_name_in_text_is_backslash_escaped(undecodable_name: Path) -> None:
    proc = lint(undecodable_name, "--format", "text", ".")

    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout == text_report(BAD_NAME, fixable=False)


def test_undecodable_file_name_in_json(undecodable_name: Path) -> None:
    proc = lint(undecodable_name, "--format", "json", ".")

    assert (proc.returncode, proc.stderr) == (1, "")
    assert json.loads(proc.stdout) == [{
        "path": "app_\\xff.py", "line": 7, "column": 5, "end_line": 7, "end_column": 39, "code": "FGL002",
        "name": "shared-container-mutation", "message": BAD_MESSAGE, "severity": "warning",
        "chain": [{"text": "route GET /hit/<page>", "path": "app_\\xff.py", "line": 6},
                  {"text": "hit()", "path": "app_\\xff.py", "line": 6},
                  {"text": "seen[page] = ...", "path": "app_\\xff.py", "line": 7}], "help": ADVICE,
        "state": {"name": "seen", "path": "app_\\xff.py", "line": 3},
        "fix": None,  # the fixer finds files by the names shown: not by an escaped one
    }]


def test_undecodable_file_name_in_sarif_used_to_crash(undecodable_name: Path) -> None:
    proc = lint(undecodable_name, "--format", "sarif", ".")

    assert (proc.returncode, proc.stderr) == (1, "")  # was 2: UnicodeEncodeError, surrogates not allowed
    log = json.loads(proc.stdout)
    jsonschema.validate(log, SCHEMA)
    [result] = log["runs"][0]["results"]
    assert result["message"] == {"text": BAD_MESSAGE}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "app_%5Cxff.py", "uriBaseId": "%SRCROOT%"}


def test_undecodable_file_name_in_github(undecodable_name: Path) -> None:
    proc = lint(undecodable_name, "--format", "github", ".")

    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout == (
        "::warning file=app_\\xff.py,line=7,col=5,endLine=7,endColumn=39,title=FGL002 shared-container-mutation"
        f"::{BAD_MESSAGE}\n")


def test_undecodable_file_name_in_gitlab_used_to_crash(undecodable_name: Path) -> None:
    proc = lint(undecodable_name, "--format", "gitlab", ".")

    assert (proc.returncode, proc.stderr) == (1, "")  # was 2, like SARIF
    [issue] = json.loads(proc.stdout)
    assert issue["description"] == f"FGL002 {BAD_MESSAGE}"
    assert issue["location"] == {"path": "app_\\xff.py", "lines": {"begin": 7, "end": 7}}


@pytest.mark.parametrize("output_format", ["text", "github"])
def test_undecodable_file_name_to_an_output_file_used_to_truncate_it(undecodable_name: Path,
                                                                    output_format: str) -> None:
    (undecodable_name / "report.txt").write_text("old report\n", encoding="utf-8")

    proc = lint(undecodable_name, "--format", output_format, "--output-file", "report.txt", ".")

    # Was exit 2 (UnicodeEncodeError while writing) with report.txt already truncated to 0 bytes.
    assert (proc.returncode, proc.stdout) == (1, "")
    assert lint(undecodable_name, "--format", output_format, ".").stdout == (
        undecodable_name / "report.txt").read_text(encoding="utf-8")


@pytest.fixture
def hostile_route(tmp_path: Path) -> Path:
    write_app(tmp_path, route=HOSTILE_ROUTE)
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
def test_terminal_escapes_from_a_route_string_are_made_visible(hostile_route: Path, output_format: str) -> None:
    proc = lint(hostile_route, "--format", output_format, ".")

    assert proc.returncode == 1
    assert not UNSAFE.search(proc.stdout), repr(proc.stdout)
    if output_format in ("text", "github"):
        # One line per finding (text adds the help, the summary and the fixable count).
        assert proc.stdout.count("\n") == (5 if output_format == "text" else 1) and ROUTE_SHOWN in proc.stdout
    else:
        # JSON escapes controls itself; what a consumer decodes and may print must be safe too.
        decoded = json.dumps(json.loads(proc.stdout), ensure_ascii=False)
        assert not UNSAFE.search(decoded)
        assert json.dumps(ROUTE_SHOWN)[1:-1] in decoded


def test_hostile_route_string_exact_text_and_github_lines(hostile_route: Path) -> None:
    shown = message("app.py", ROUTE_SHOWN)

    assert lint(hostile_route, ".").stdout == text_report("app.py", ROUTE_SHOWN)
    assert lint(hostile_route, "--format", "github", ".").stdout == (
        "::warning file=app.py,line=7,col=5,endLine=7,endColumn=39,title=FGL002 shared-container-mutation"
        f"::{shown}\n")


def test_hostile_route_string_chain_in_json(hostile_route: Path) -> None:
    [finding] = json.loads(lint(hostile_route, "--format", "json", ".").stdout)

    assert [step["text"] for step in finding["chain"]] == [f"route GET {ROUTE_SHOWN}", "hit()", "seen[page] = ..."]


RAW_SHOWN = r"/x\x1b[2J\u2028\u202e\x07"


def test_raw_control_characters_in_the_source_are_escaped_too(tmp_path: Path) -> None:
    write_app(tmp_path, route='"/x\x1b[2J\u2028\u202e\x07"')

    proc = lint(tmp_path, ".")

    assert proc.stdout == text_report("app.py", RAW_SHOWN)


def invoke(*args: str) -> tuple[int, str]:
    """In this process, so that a test can make the rename fail; returns exit status and stderr."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 keeps stderr apart and dropped the argument
        runner = CliRunner()
    result = runner.invoke(cli.cli, ["--no-cache", "--jobs", "1", *args], prog_name="flaskglobals-lint")
    return result.exit_code, result.stderr


def test_a_failed_rename_leaves_the_old_report_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.json").write_text("old report\n", encoding="utf-8")

    def disk_full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    status, stderr = invoke("--format", "json", "--output-file", "report.json", "app.py")

    assert (status, stderr) == (
        2, "flaskglobals-lint: error: cannot write report.json: No space left on device\n")
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old report\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["app.py", "report.json"]  # no temporary left


def test_the_new_report_replaces_the_old_with_the_umask_mode(tmp_path: Path) -> None:
    write_app(tmp_path)
    (tmp_path / "report.json").write_text("old report\n", encoding="utf-8")
    os.chmod(tmp_path / "report.json", 0o600)

    proc = in_shell(tmp_path, "umask 027; LINT --format json --output-file report.json app.py")

    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))[0]["code"] == "FGL002"
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["app.py", "report.json"]


def test_output_file_over_the_file_size_limit_keeps_the_old_report(tmp_path: Path) -> None:
    write_app(tmp_path)
    (tmp_path / "report.sarif").write_text("old report\n", encoding="utf-8")

    # bash counts ``ulimit -f`` in 1024-byte blocks; the SARIF log with its rule descriptions is far larger.
    proc = in_shell(tmp_path, "ulimit -f 1; LINT --format sarif --output-file report.sarif app.py")

    assert (proc.returncode, proc.stderr) == (
        2, "flaskglobals-lint: error: cannot write report.sarif: File too large\n")
    assert (tmp_path / "report.sarif").read_text(encoding="utf-8") == "old report\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["app.py", "report.sarif"]


def test_output_file_in_a_folder_that_is_a_file(tmp_path: Path) -> None:
    write_app(tmp_path)
    (tmp_path / "out").write_text("not a folder\n", encoding="utf-8")

    proc = lint(tmp_path, "--output-file", "out/report.txt", "app.py")

    assert (proc.returncode, proc.stderr) == (
        2, "flaskglobals-lint: error: cannot write out/report.txt: Not a directory\n")
    assert (tmp_path / "out").read_text(encoding="utf-8") == "not a folder\n"


def test_output_file_that_is_a_device_is_written_not_replaced(tmp_path: Path) -> None:
    write_app(tmp_path)

    proc = lint(tmp_path, "--output-file", os.devnull, "app.py")

    assert (proc.returncode, proc.stdout) == (1, "")
    assert Path(os.devnull).is_char_device()


def test_stdout_over_the_file_size_limit_is_exit_2_not_a_silently_cut_report(tmp_path: Path) -> None:
    for index in range(20):
        write_app(tmp_path, name=f"app{index}.py".encode())

    proc = in_shell(tmp_path, "ulimit -f 1; LINT . > report.txt")

    assert (proc.returncode, proc.stderr) == (
        2, "flaskglobals-lint: error: cannot write to standard output: File too large\n")
    assert (tmp_path / "report.txt").stat().st_size == 1024  # what fitted, and the exit status says it is not all


def test_stdout_on_a_full_disk_is_exit_2(tmp_path: Path) -> None:
    write_app(tmp_path)

    proc = in_shell(tmp_path, "LINT --format json . > /dev/full")

    assert (proc.returncode, proc.stderr) == (
        2, "flaskglobals-lint: error: cannot write to standard output: No space left on device\n")


def test_a_closed_pipe_is_exit_2_without_a_message_or_traceback(tmp_path: Path) -> None:
    write_app(tmp_path)
    proc = subprocess.Popen([*cli_command(), "--no-cache", "."], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the report is written: the write meets EPIPE

    stderr = proc.stderr.read()

    assert (proc.wait(timeout=120), stderr) == (2, b"")  # no "Exception ignored ... BrokenPipeError" at exit
