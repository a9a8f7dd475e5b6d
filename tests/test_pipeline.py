"""The per-file step at scale: cache, process pool and pre-pass never change the findings."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import flaskglobals_lint.facts.parse as parse_module
from flaskglobals_lint import lint_paths
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.facts.cache import FactsCache
from flaskglobals_lint.settings import Settings

from .conftest import cli_command, facts_entries, plant_cache_entry

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from generate import generate  # noqa: E402

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated Flask project, the case corpus and a few files the pre-pass can skip."""
    root = tmp_path_factory.mktemp("tree")
    generate(root, 15000, seed=7)
    shutil.copytree(CASES, root / "cases")
    plain = root / "plain"
    plain.mkdir()
    for i in range(30):
        (plain / f"numbers_{i}.py").write_text(f"TABLE = {{}}\n\ndef put(k, v):\n    TABLE[k] = v + {i}\n")
    (plain / "broken.py").write_text("def broken(:\n    pass\n")
    return root


def run(tree: Path, cache_dir: Path | None = None, **options: object) -> tuple[list[tuple[str, int, str, str]], int]:
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        result = lint_paths(["."], Settings(), RunOptions(cache_dir=cache_dir, **options))  # type: ignore[arg-type]
    finally:
        os.chdir(cwd)
    return [(d.path, d.line, d.code, d.message) for d in result.diagnostics], result.cache_hits


@pytest.fixture(scope="module")
def reference(tree: Path) -> list[tuple[str, int, str, str]]:
    """Everything analysed, in this process, no cache: what every other way must agree with."""
    found, _ = run(tree, jobs=1, cache=False, prepass=False)
    assert len(found) > 100
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    message = f"file not analysed: syntax error: invalid syntax (read as Python {python})"
    assert ("plain/broken.py", 1, "FGL900", message) in found
    return found


def test_process_pool_gives_the_same_findings(tree: Path, reference) -> None:
    assert run(tree, jobs=2, cache=False, prepass=False)[0] == reference


def test_pre_pass_gives_the_same_findings(tree: Path, reference) -> None:
    assert run(tree, jobs=1, cache=False, prepass=True)[0] == reference


def test_pre_pass_skips_files_that_cannot_matter(tree: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tree)
    try:
        result = lint_paths(["plain"], Settings(), RunOptions(cache=False))
    finally:
        os.chdir(cwd)
    assert result.files_checked == 31 and result.files_analysed == 0
    assert [(d.path, d.code) for d in result.diagnostics] == [("plain/broken.py", "FGL900")]


def test_cold_then_warm_cache_gives_the_same_findings(tree: Path, reference, tmp_path: Path) -> None:
    cold, hits = run(tree, cache_dir=tmp_path, jobs=2)
    assert cold == reference and hits == 0
    warm, hits = run(tree, cache_dir=tmp_path, jobs=2)
    assert warm == reference and hits > 100


def test_warm_run_parses_nothing(tree: Path, reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(tree, cache_dir=tmp_path, jobs=1)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm run parsed a file")

    monkeypatch.setattr(parse_module, "module_facts", no_parsing)
    monkeypatch.setattr("libcst.parse_module", no_parsing)
    monkeypatch.setattr("ast.parse", no_parsing)
    assert run(tree, cache_dir=tmp_path, jobs=1)[0] == reference


def test_corrupt_and_foreign_entries_are_ignored_and_rebuilt(tree: Path, reference, tmp_path: Path) -> None:
    run(tree, cache_dir=tmp_path, jobs=1)
    entries = sorted(facts_entries(tmp_path).items())
    assert len(entries) > 100
    plant_cache_entry(tmp_path, entries[0][0], b"not facts")
    plant_cache_entry(tmp_path, entries[1][0], entries[1][1][:32] + b'{"not": "facts"}')
    plant_cache_entry(tmp_path, entries[2][0], b"")
    found, hits = run(tree, cache_dir=tmp_path, jobs=1)
    assert found == reference
    assert hits == len(entries) - 3
    assert FactsCache(tmp_path).get(entries[0][0], "x.py") is not None


def test_changed_file_is_analysed_again(tree: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tree / "cases", copy)
    cache = tmp_path / "cache"
    run(copy, cache_dir=cache, jobs=1)
    target = copy / "shared_p01_route_counter.py"
    target.write_text(target.read_text().replace("downloads += 1", "downloads = downloads + 2"))
    found, hits = run(copy, cache_dir=cache, jobs=1)
    assert ("shared_p01_route_counter.py", 10, "FGL001") in [f[:3] for f in found]
    assert hits == len(list(copy.rglob("*.py"))) - 1


def test_read_only_cache_folder_is_not_an_error(tree: Path, reference, tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user that can write anywhere (root): the folder is not read-only for us")
        assert run(tree, cache_dir=folder, jobs=1)[0] == reference
    finally:
        folder.chmod(0o700)


def test_cache_that_cannot_be_written_is_not_an_error(tree: Path, reference, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    assert run(tree, cache_dir=blocker / "cache", jobs=1)[0] == reference


def test_two_runs_at_once_share_one_cache(tree: Path, tmp_path: Path) -> None:
    argv = [*cli_command(), "--format", "json", "--cache-dir", str(tmp_path), "--jobs", "2", "."]
    runs = [subprocess.Popen(argv, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [proc.communicate(timeout=300)[0] for proc in runs]
    assert [proc.returncode for proc in runs] == [1, 1]
    assert outputs[0] == outputs[1]
    again = subprocess.run(argv, cwd=tree, capture_output=True, text=True, timeout=300)
    assert again.stdout == outputs[0]
    cache = FactsCache(tmp_path)
    entries = facts_entries(tmp_path)
    assert entries and all(cache.get(key, "x.py") is not None for key in entries)


def test_a_copy_of_the_standard_library_is_not_the_project(tmp_path: Path) -> None:
    from flaskglobals_lint.frameworks.stdlib import STDLIB_MODULES

    copy = tmp_path / "lib"
    copy.mkdir()
    for name in sorted(n for n in STDLIB_MODULES if n.isidentifier() and not n.startswith("_"))[:25]:
        (copy / f"{name}.py").write_text("Lock = object\n")
    (copy / "threading.py").write_text("Lock = object\n")
    (tmp_path / "app.py").write_text(
        "import threading\nfrom flask import Flask\napp = Flask(__name__)\nlock = threading.Lock()\nN = []\n\n"
        "@app.route('/')\ndef index():\n    with lock:\n        N.append(1)\n    return ''\n")
    found, _ = run(tmp_path, cache=False)
    assert found == []  # threading.Lock is the real lock, not lib/threading.py's


def test_a_project_module_may_shadow_a_standard_one(tmp_path: Path) -> None:
    (tmp_path / "calendar.py").write_text("EVENTS = []\n\ndef add(x):\n    EVENTS.append(x)\n")
    (tmp_path / "app.py").write_text(
        "import calendar\nfrom flask import Flask\napp = Flask(__name__)\n\n"
        "@app.route('/<x>')\ndef index(x):\n    calendar.add(x)\n    return ''\n")
    found, _ = run(tmp_path, cache=False)
    assert [f[:3] for f in found] == [("calendar.py", 4, "FGL002")]


def test_flask_context_locals_stay_per_request_when_flask_is_in_the_tree(tmp_path: Path) -> None:
    flask = tmp_path / "flask"
    flask.mkdir()
    (flask / "__init__.py").write_text("from .globals import request\nfrom .app import Flask\n")
    (flask / "globals.py").write_text("class LocalProxy:\n    pass\n\nrequest = LocalProxy()\n")
    (flask / "app.py").write_text("class Flask:\n    def before_request(self, f):\n        return f\n")
    (tmp_path / "server.py").write_text(
        "from flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.before_request\ndef unzip():\n    request.stream = None\n")
    found, _ = run(tmp_path, cache=False)
    assert found == []
