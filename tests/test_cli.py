from __future__ import annotations

import json
import shlex
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import jsonschema
import pytest
from click.testing import CliRunner, Result

import flaskglobals_lint.engine
import flaskglobals_lint.replay
import flaskglobals_lint.rules
from flaskglobals_lint import LintResult, __version__, cli
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.diagnostics import Diagnostic
from flaskglobals_lint.settings import Settings

from .conftest import readme_snippet
from .example_rules import LostUpdate, RequestDataInGlobal

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

HITS = Diagnostic(path="app.py", line=7, column=5, code="FGL002", message="`hits` is updated without a lock",
                  name="lost-update")
USER = Diagnostic(path="app.py", line=3, column=1, code="FGL004", message="`last_user` holds request data",
                  name="request-data-in-global")


class FakeLinter:
    """Stands in for the engine: returns fixed findings and remembers what it was asked."""

    def __init__(self, diagnostics: Sequence[Diagnostic] = (), files_checked: int = 2,
                 error: BaseException | None = None) -> None:
        self.result = LintResult(list(diagnostics), files_checked)
        self.error = error
        self.calls: list[tuple[list[str], Settings]] = []
        self.options: list[RunOptions] = []

    def __call__(self, paths: Sequence[str], settings: Settings | None = None,
                 options: RunOptions | None = None) -> LintResult:
        assert settings is not None and options is not None
        self.calls.append((list(paths), settings))
        self.options.append(options)
        if self.error is not None:
            raise self.error
        return self.result

    @property
    def settings(self) -> Settings:
        return self.calls[-1][1]


@pytest.fixture(autouse=True)
def rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flaskglobals_lint.rules, "ALL_RULES", [RequestDataInGlobal, LostUpdate], raising=False)


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def lint_with(monkeypatch: pytest.MonkeyPatch, linter: FakeLinter) -> FakeLinter:
    """The fake serves the fix modes' lints (``engine.lint_paths``) and a report's (``replay.lint``)."""
    monkeypatch.setattr(flaskglobals_lint.engine, "lint_paths", linter)
    monkeypatch.setattr(flaskglobals_lint.replay, "lint",
                        lambda paths, settings, options, edits: linter(paths, settings, options))
    return linter


def run(*args: str, stdin: str | None = None) -> Result:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 always keeps stderr apart and dropped the argument
        runner = CliRunner()
    return runner.invoke(cli.cli, list(args), prog_name="flaskglobals-lint", input=stdin)


def test_findings_are_printed_sorted_with_a_summary_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS, USER], files_checked=12))

    result = run("app.py")

    assert result.exit_code == 1
    assert result.stdout == (
        "app.py:3:1: FGL004 `last_user` holds request data\n"
        "app.py:7:5: FGL002 `hits` is updated without a lock\n"
        "Found 2 problems (1 FGL002, 1 FGL004) in 1 of 12 files.\n"
    )
    assert result.stderr == ""


def test_no_findings_exit_0(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([], files_checked=3))

    result = run()

    assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed: 3 files.\n", "")


def test_default_path_is_the_current_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    linter = lint_with(monkeypatch, FakeLinter())

    run()

    assert linter.calls[0][0] == ["."]


def test_exit_zero_with_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    assert run("--exit-zero").exit_code == 0


def test_a_parse_error_finding_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Diagnostic(path="bad.py", line=1, column=1, code="FGL900", message="cannot parse", severity="error")
    lint_with(monkeypatch, FakeLinter([broken]))

    assert run().exit_code == 1


def test_json_format_prints_only_json(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS, USER]))

    result = run("--format", "json")

    assert result.exit_code == 1
    assert json.loads(result.stdout) == [USER.as_dict(), HITS.as_dict()]
    assert result.stderr == ""


def test_sarif_format_is_valid_sarif_with_all_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    result = run("--format", "sarif")

    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["FGL002", "FGL004"]


def test_github_format(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    result = run("--format", "github")

    assert result.stdout == (
        "::warning file=app.py,line=7,col=5,endLine=7,endColumn=5,title=FGL002 lost-update"
        "::`hits` is updated without a lock\n"
    )


def test_output_file_receives_the_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lint_with(monkeypatch, FakeLinter([HITS], files_checked=1))

    result = run("--output-file", "report.txt")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == (
        "app.py:7:5: FGL002 `hits` is updated without a lock\n"
        "Found 1 problem (1 FGL002) in 1 file.\n")
    assert result.stderr == ""


def test_unwritable_output_file_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    result = run("--output-file", "missing/report.txt")

    assert result.exit_code == 2
    assert result.stderr == "flaskglobals-lint: error: cannot write missing/report.txt: No such file or directory\n"


def test_statistics_follow_a_text_report(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS, USER]))

    result = run("--statistics")

    assert result.stdout.endswith("1     FGL002 lost-update\n1     FGL004 request-data-in-global\n"
                                  "Found 2 problems (1 FGL002, 1 FGL004) in 1 of 2 files.\n")


def test_statistics_go_to_stderr_for_machine_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    result = run("--format", "json", "--statistics")

    assert json.loads(result.stdout) == [HITS.as_dict()]
    assert result.stderr == "1     FGL002 lost-update\n"


def test_select_and_ignore_reach_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    linter = lint_with(monkeypatch, FakeLinter())

    run("--select", "FGL0, FGL002", "--ignore", "FGL004")

    assert (linter.settings.select, linter.settings.ignore) == (("FGL0", "FGL002"), ("FGL004",))


def test_repeated_select_names_and_lowercase_codes_all_count(monkeypatch: pytest.MonkeyPatch) -> None:
    linter = lint_with(monkeypatch, FakeLinter())

    run("--select", "lost-update", "--select", "fgl004", "--extend-ignore", "FGL00", "--extend-select", "FGL0")

    settings = linter.settings
    assert (settings.select, settings.extend_ignore, settings.extend_select) == (
        ("FGL002", "FGL004"), ("FGL00",), ("FGL0",))


@pytest.mark.parametrize(("value", "message"), [
    ("FGL999", "--select: unknown rule code 'FGL999'"),
    ("FGL0002", "--select: unknown rule code 'FGL0002' (did you mean 'FGL002'?)"),
    ("lost-updates", "--select: unknown rule name 'lost-updates' (did you mean 'lost-update'?)"),
    ("FGL1", "--select: unknown rule code 'FGL1' (did you mean 'FGL004'?)"),
])
def test_unknown_codes_and_names_are_usage_errors_with_a_suggestion(value: str, message: str) -> None:
    result = run("--select", value)

    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: {message}\n")


def test_an_extend_select_alone_keeps_the_default_rules() -> None:
    settings = Settings(extend_select=("FGL011",))

    assert settings.code_selected("FGL002") and settings.code_selected("FGL011", default_enabled=False)
    assert not Settings(extend_select=("FGL",)).code_selected("FGL011", default_enabled=False)
    assert not Settings(extend_ignore=("FGL002",)).code_selected("FGL002")


def test_command_line_overrides_the_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flaskglobals-lint]\nselect = ["FGL00"]\nignore = ["FGL004"]\nprocesses = 2\n', encoding="utf-8")
    linter = lint_with(monkeypatch, FakeLinter())

    run("--select", "FGL002", "--processes", "4", "--strict")

    settings = linter.settings
    assert (settings.select, settings.ignore, settings.processes, settings.strict) == (
        ("FGL002",), ("FGL004",), 4, True)
    assert settings.root == tmp_path


def test_config_is_found_from_the_linted_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nstrict = true\n', encoding="utf-8")
    linter = lint_with(monkeypatch, FakeLinter())

    run("project/src")

    assert linter.settings.strict is True
    assert linter.settings.root == project


def test_explicit_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "lint.toml").write_text('[tool.flaskglobals-lint]\nlock-names = ["guard"]\n', encoding="utf-8")
    linter = lint_with(monkeypatch, FakeLinter())

    run("--config", "lint.toml")

    assert linter.settings.lock_names == ("guard",)


def test_invalid_config_exits_2_with_the_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nstrict = 1\n', encoding="utf-8")
    linter = lint_with(monkeypatch, FakeLinter())

    result = run()

    assert result.exit_code == 2
    assert result.stderr == (
        f"flaskglobals-lint: error: {tmp_path / 'pyproject.toml'}: [tool.flaskglobals-lint] strict: "
        "expected true or false, got an integer (1)\n")
    assert linter.calls == []


def test_invalid_select_code_is_a_usage_error() -> None:
    result = run("--select", "E501")

    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --select: unknown rule name 'E501'\n")


def test_processes_must_be_positive() -> None:
    assert run("--processes", "0").exit_code == 2


def test_missing_path_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(error=FileNotFoundError("nothere.py")))

    result = run("nothere.py")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "flaskglobals-lint: error: path does not exist: nothere.py\n"


def test_unexpected_exception_is_reported_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(error=RuntimeError("boom")))

    result = run()

    assert result.exit_code == 2
    assert result.stderr == "flaskglobals-lint: internal error: RuntimeError: boom\n"


def test_exit_zero_does_not_hide_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(error=RuntimeError("boom")))

    assert run("--exit-zero").exit_code == 2


def test_list_rules() -> None:
    result = run("--list-rules")

    assert result.exit_code == 0
    assert result.stdout == (
        "FGL002  lost-update             Read-modify-write of shared state in a request handler.\n"
        "FGL004  request-data-in-global  Per-request data stored in shared state.\n"
    )


def test_explain_prints_the_rule_documentation() -> None:
    result = run("--explain", "fgl002")

    assert result.exit_code == 0
    assert result.stdout == LostUpdate.documentation()


def test_explain_unknown_code_exits_2() -> None:
    result = run("--explain", "FGL999")

    assert result.exit_code == 2
    assert result.stderr == "flaskglobals-lint: error: unknown rule code: FGL999\n"


def test_version() -> None:
    result = run("--version")

    assert (result.exit_code, result.stdout) == (0, f"flaskglobals-lint {__version__}\n")


def test_color_forces_ansi_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter([HITS]))

    assert "\x1b[1;31mFGL002\x1b[0m" in run("--color").stdout
    assert "\x1b[1;31mFGL002\x1b[0m" in run("--color=always").stdout
    assert "\x1b" not in run().stdout
    assert "\x1b" not in run("--color", "never").stdout and "\x1b" not in run("--no-color").stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[1;31mFGL002\x1b[0m" in run().stdout


class Terminal:
    def isatty(self) -> bool:
        return True


def test_color_is_automatic_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", Terminal())

    assert cli._use_color("auto", None) is True
    assert cli._use_color("auto", Path("report.txt")) is False
    assert cli._use_color("never", None) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color("auto", None) is False
    assert cli._use_color("always", None) is True


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run([sys.executable, "-m", "flaskglobals_lint", "--version"],
                               capture_output=True, text=True, check=False)

    assert (completed.returncode, completed.stdout) == (0, f"flaskglobals-lint {__version__}\n")


def test_run_options_come_from_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    linter = lint_with(monkeypatch, FakeLinter())
    run("--jobs", "1", "--no-cache", ".")
    run("--cache-dir", str(tmp_path / "c"), ".")
    assert [replace(o, progress=None) for o in linter.options] == [RunOptions(jobs=1, cache=False),
                                                                  RunOptions(cache_dir=tmp_path / "c")]
    assert all(o.progress is not None for o in linter.options)
    run("-q", ".")
    assert linter.options[-1].progress is None  # --quiet: no progress bar either


HELPED = [replace(HITS, help="guard it with a lock"), replace(HITS, line=9, help="guard it with a lock"),
          replace(USER, help="keep it on flask.g")]


def test_text_lines_are_short_and_each_help_comes_once_after_them(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(HELPED, files_checked=1))

    result = run()

    assert result.stdout == (
        "app.py:3:1: FGL004 `last_user` holds request data\n"
        "app.py:7:5: FGL002 `hits` is updated without a lock\n"
        "app.py:9:5: FGL002 `hits` is updated without a lock\n"
        "\n"
        "help (FGL002): guard it with a lock\n"
        "help (FGL004): keep it on flask.g\n"
        "Found 3 problems (2 FGL002, 1 FGL004) in 1 file.\n")


def test_verbose_puts_the_help_under_every_finding_and_quiet_drops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(HELPED[:2], files_checked=1))

    assert run("-v").stdout == (
        "app.py:7:5: FGL002 `hits` is updated without a lock\n  help: guard it with a lock\n"
        "app.py:9:5: FGL002 `hits` is updated without a lock\n  help: guard it with a lock\n"
        "Found 2 problems (2 FGL002) in 1 file.\n")
    assert run("--quiet", "--output-format", "text").stdout == (
        "app.py:7:5: FGL002 `hits` is updated without a lock\n"
        "app.py:9:5: FGL002 `hits` is updated without a lock\n")


def test_machine_formats_keep_the_full_message_and_the_help(monkeypatch: pytest.MonkeyPatch) -> None:
    lint_with(monkeypatch, FakeLinter(HELPED[:1], files_checked=1))

    [finding] = json.loads(run("--output-format", "json").stdout)

    assert (finding["message"], finding["help"]) == (
        "`hits` is updated without a lock: guard it with a lock", "guard it with a lock")


def test_show_settings_and_show_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nextend-exclude = ["gen"]\nstrict = true\n')
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "g.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text("x = 1\n")

    shown = run("--show-settings", "--select", "FGL002")
    assert shown.exit_code == 0
    assert "select = [\"FGL002\"]\n" in shown.stdout and "extend-exclude = [\"gen\"]\n" in shown.stdout
    assert "strict = true\n" in shown.stdout and f"root = \"{tmp_path}\"\n" in shown.stdout
    assert (run("--show-files").exit_code, run("--show-files").stdout) == (0, "app.py\n")


def test_standard_input_is_linted_as_the_file_the_editor_names(tmp_path: Path) -> None:
    source = ("from flask import Flask\napp = Flask(__name__)\nhits = []\n\n"
              "@app.route('/')\ndef index():\n    hits.append(1)\n    return 'ok'\n")

    result = run("--stdin-filename", "src/views.py", "--format", "json", "-", stdin=source)

    assert result.exit_code == 1, result.output
    assert [(d["path"], d["line"], d["code"]) for d in json.loads(result.stdout)] == [("src/views.py", 7, "FGL002")]


def test_exclude_and_per_file_ignores_on_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nextend-exclude = ["gen"]\n')
    linter = lint_with(monkeypatch, FakeLinter())

    run("--exclude", "build,dist", "--extend-exclude", "migrations", "--per-file-ignores", "tests/*:lost-update")

    settings = linter.settings
    assert (settings.exclude, settings.extend_exclude) == (("build", "dist"), ("gen", "migrations"))
    assert settings.per_file_ignores == (("tests/*", ("FGL002",)),)
    assert run("--per-file-ignores", "tests/*").exit_code == 2


BASELINED_APP = """from flask import Flask
app = Flask(__name__)
hits = []
@app.route("/")
def index():
    hits.append(1)
    return "ok"
"""


def test_a_baseline_hides_todays_findings_even_when_lines_move_and_shows_new_ones(run_cli, tmp_path: Path) -> None:
    # The README's two commands, as written.
    record, use = [shlex.split(line)[1:] for line in readme_snippet("baseline").splitlines()]
    (tmp_path / "app.py").write_text(BASELINED_APP)
    written = run_cli(*record, cwd=tmp_path)
    assert written.returncode == 1
    baseline = json.loads((tmp_path / ".flaskglobals-baseline.json").read_text())
    assert [f["code"] for f in baseline["findings"]] == ["FGL002"]

    (tmp_path / "app.py").write_text("import os\n\n" + BASELINED_APP)  # the finding moves down two lines
    assert run_cli(*use, cwd=tmp_path).returncode == 0
    (tmp_path / "baseline.json").write_text((tmp_path / ".flaskglobals-baseline.json").read_text())
    new = "seen = {}\n@app.route('/s')\ndef s():\n    seen['k'] = seen.get('k', 0) + 1\n"
    (tmp_path / "app.py").write_text(BASELINED_APP + new)
    proc = run_cli("--baseline", "baseline.json", "--format", "json", ".", cwd=tmp_path)
    assert [(d["line"], d["code"]) for d in json.loads(proc.stdout)] == [(11, "FGL002")]


def test_a_file_that_is_not_a_baseline_is_exit_2(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BASELINED_APP)
    (tmp_path / "baseline.json").write_text('{"findings": []}')

    proc = run_cli("--baseline", "baseline.json", ".", cwd=tmp_path)

    assert (proc.returncode, proc.stderr) == (
        2, "flaskglobals-lint: error: baseline.json is not a flaskglobals-lint-baseline file of version 1\n")


NOQA_APP = """import threading
from flask import Flask
app = Flask(__name__)
hits = {"n": 0}
lock = threading.Lock()
seen = []
@app.post("/hit")
def hit():
    with lock:
        hits["n"] += 1  # noqa: FGL002
    seen.append(1)  # noqa: FGL002
    return "ok"  # noqa: FGL011, E501
"""


def test_unused_noqa_is_reported_only_when_selected_and_only_for_rules_that_ran(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(NOQA_APP)

    assert run_cli(".", cwd=tmp_path).returncode == 0
    proc = run_cli("--extend-select", "unused-noqa", "--format", "json", ".", cwd=tmp_path)
    assert [(d["line"], d["code"], d["message"]) for d in json.loads(proc.stdout)] == [
        (10, "FGL901", "unused noqa: FGL002 suppresses nothing on this line")]


def test_show_source_frames_each_finding_with_its_help(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BASELINED_APP)

    proc = run_cli("--show-source", ".", cwd=tmp_path)

    assert proc.stdout.splitlines()[1:6] == [
        "  |",
        "5 | def index():",
        "6 |     hits.append(1)",
        "  |     ^^^^^^^^^^^^^^",
        "  help: concurrent requests change it at the same time; worker processes each keep their own copy; "
        "guard every access with one module-level threading.Lock, or keep it in Redis, a database or a "
        "multiprocessing.Manager if workers must share it",
    ]
