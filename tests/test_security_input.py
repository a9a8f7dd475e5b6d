"""Input that tries to escape the tree, exhaust the run or evade the check."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import flaskglobals_lint.discovery.sources as files_module
from flaskglobals_lint import lint_paths, lint_source
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.settings import Settings

from .conftest import cli_command

RACY = ("from flask import Flask\napp = Flask(__name__)\nN = []\n\n"
        "@app.route('/')\ndef index():\n    N.append(1)\n    return ''\n")
PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def found(root: Path, settings: Settings | None = None, paths: tuple[str, ...] = (".",)) -> list[tuple[str, str, str]]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = lint_paths(list(paths), settings, RunOptions(cache=False, jobs=1))
    finally:
        os.chdir(cwd)
    return [(d.path, d.code, d.message) for d in result.diagnostics]


def cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cli_command(), "--no-cache", *args], cwd=root, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("target", ["/", "/usr"])
def test_a_symlink_out_of_the_tree_is_not_walked(tmp_path: Path, target: str) -> None:
    (tmp_path / "app.py").write_text(RACY)
    (tmp_path / "escape").symlink_to(target)
    started = time.monotonic()
    result = cli(tmp_path, ".", timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [lines[0].split(" ", 2)[:2], lines[1], lines[2][:15], lines[3]] == [
        ["app.py:7:5:", "FGL002"], "", "help (FGL002): ", "Found 1 problem (1 FGL002) in 1 file."]


def test_a_symlink_inside_the_tree_is_still_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "app.py").write_text(RACY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "alias").symlink_to(tmp_path / "real")
    assert [(p, c) for p, c, _ in found(tmp_path, paths=("real", "sub"))] == [("real/app.py", "FGL002")]
    assert [(p, c) for p, c, _ in found(tmp_path, paths=("sub",))] == []  # real/ is not linted: outside
    assert [(p, c) for p, c, _ in found(tmp_path, Settings(follow_symlinks=True), paths=("sub",))] == [
        ("sub/alias/app.py", "FGL002")]


def test_a_4gb_sparse_file_costs_no_memory(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(RACY)
    with open(tmp_path / "huge.py", "wb") as handle:
        handle.truncate(4 << 30)
    # VmHWM is this process's own peak (ru_maxrss would include the forking pytest's).
    probe = (
        "import re, sys\n"
        "from flaskglobals_lint.cli import main\n"
        "sys.argv = ['flaskglobals-lint', '--no-cache', '--jobs', '1', '.']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "print('RSS', peak, code)\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert "huge.py:1:1: FGL900 file not analysed: file too large (4096.0 MB; the limit is 5 MB)" in result.stdout
    assert "app.py:7:5: FGL002" in result.stdout
    rss_kb, code = result.stdout.split("RSS ")[1].split()
    assert code == "1"
    assert int(rss_kb) < 200 * 1024


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    from flaskglobals_lint.safe_io import ReadRefused, read_bounded

    path = tmp_path / "x.py"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(ReadRefused, match="file too large"):
        read_bounded(path, 99)


def test_a_thousand_nested_folders_lose_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(RACY)
    folders = [tmp_path / "d"]
    for _ in range(999):
        folders.append(folders[-1] / "d")
    try:
        for folder in folders:
            os.mkdir(folder)  # os.makedirs recurses, and so does shutil.rmtree: both done by hand
        (folders[-1] / "deep.py").write_text(RACY)
        result = cli(tmp_path, ".")
    finally:
        (folders[-1] / "deep.py").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.exists():
                folder.rmdir()
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and lines[-1] == "Found 2 problems (2 FGL002) in 2 files."  # findings, help, summary
    assert lines[0].startswith("app.py:7:5: FGL002")
    assert lines[1].startswith("d/" * 1000 + "deep.py:7:5: FGL002")


def test_an_unreadable_folder_is_an_fgl900_and_the_rest_is_reported(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(RACY)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(RACY)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        # root reads every folder: make this one refuse as it would for anyone else.
        scandir = os.scandir

        def refusing(path: object) -> object:
            if Path(str(path)) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)  # type: ignore[arg-type]

        monkeypatch.setattr(files_module.os, "scandir", refusing)
    try:
        assert found(tmp_path) == [
            ("app.py", "FGL002", found(tmp_path)[0][2]),
            ("locked", "FGL900", "file not analysed: cannot read folder: Permission denied"),
        ]
    finally:
        locked.chmod(0o755)


def test_an_unreadable_file_given_by_name_is_an_fgl900(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text(RACY)
    (tmp_path / "secret.py").write_text(RACY)
    if os.geteuid() != 0:
        (tmp_path / "secret.py").chmod(0)
    else:
        read = files_module.read_bounded

        def refusing(path: object, limit: int) -> bytes:
            if Path(str(path)).name == "secret.py":
                raise PermissionError(13, "Permission denied", str(path))
            return read(path, limit)  # type: ignore[arg-type]

        monkeypatch.setattr(files_module, "read_bounded", refusing)
    try:
        result = found(tmp_path, paths=("secret.py", "app.py"))
    finally:
        (tmp_path / "secret.py").chmod(0o644)
    assert [(p, c) for p, c, _ in result] == [("app.py", "FGL002"), ("secret.py", "FGL900")]
    assert result[1][2] == "file not analysed: cannot read file: Permission denied"


def test_identifiers_are_nfkc_normalised_like_python_does() -> None:
    source = RACY.replace("N = []", "files = []").replace("N.append(1)", "\ufb01les.append(1)")
    assert "\ufb01les" in source
    assert [(d.line, d.code) for d in lint_source(source)] == [(7, "FGL002")]
    # A name that only looks alike is another name, as for Python.
    other = RACY.replace("N.append(1)", "\u039d.append(1)")  # Greek capital nu
    assert lint_source(other) == []


MODERN = '''\
type Vector = list[float]
def first[T](items: list[T]) -> T:
    return items[0]
name = "x"
label = f"{name + f"{name}"}"
from flask import Flask
app = Flask(__name__)
N = []

@app.route('/')
def index():
    N.append(1)
    return ''
'''


def test_syntax_newer_than_this_python_is_analysed_with_libcst_positions() -> None:
    diagnostics = lint_source(MODERN)
    assert [(d.line, d.column, d.code) for d in diagnostics] == [(12, 5, "FGL002")]


def test_a_real_syntax_error_names_the_python_that_read_it() -> None:
    [diagnostic] = lint_source("def broken(:\n    pass\n")
    assert diagnostic.code == "FGL900"
    assert diagnostic.message == f"file not analysed: syntax error: invalid syntax (read as Python {PYTHON})"
