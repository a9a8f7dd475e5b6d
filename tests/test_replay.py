"""The run-level result cache: a warm run gives exactly what a cold one gives, whatever changed."""
from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Callable

import pytest

from flaskglobals_lint import replay
from flaskglobals_lint.diagnostics import LintResult
from flaskglobals_lint.engine import lint_paths, settle_fixes
from flaskglobals_lint.facts import cache as cache_module
from flaskglobals_lint.facts.cache import FactsCache
from flaskglobals_lint.settings import RunOptions, Settings, load_settings

from .conftest import cache_entries, plant_cache_entry
from .test_security_cache import Exploit

VIEWS = """\
from flask import Flask
from helpers import record

app = Flask(__name__)
hits = 0


@app.route("/")
def index():
    global hits
    hits += 1
    record("/")
    return "ok"
"""
HELPERS = """\
SEEN = []


def record(path):
    SEEN.append(path)
"""
OTHER = """\
from flask import Blueprint

bp = Blueprint("other", __name__)
COUNTS = {}


@bp.route("/count")
def count():
    COUNTS["n"] = COUNTS.get("n", 0) + 1
    return ""
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.flaskglobals-lint]\n")
    (root / "views.py").write_text(VIEWS)
    (root / "helpers.py").write_text(HELPERS)
    (root / "other.py").write_text(OTHER)
    monkeypatch.chdir(root)
    return root


def settings(root: Path) -> Settings:
    return load_settings(None, root)


def warm(root: Path, cache: Path, edits: bool = False) -> LintResult:
    return replay.lint(["."], settings(root), RunOptions(cache_dir=cache, jobs=1), edits)


def cold(root: Path, edits: bool = False) -> LintResult:
    return settle_fixes(lint_paths(["."], settings(root), RunOptions(cache=False, jobs=1)), edits)


def report(result: LintResult) -> list[dict[str, object]]:
    """Everything a report can show of each finding: chain, help, state and the fix with its edits."""
    return [d.as_dict() for d in result.diagnostics]


def test_an_unchanged_run_replays_exactly_what_a_cold_run_finds(project: Path, tmp_path: Path) -> None:
    first = warm(project, tmp_path / "cache")
    second = warm(project, tmp_path / "cache")
    assert not first.replayed and second.replayed
    assert report(second) == report(first) == report(cold(project))
    assert [(d.path, d.line, d.code) for d in second.diagnostics] == [
        ("helpers.py", 5, "FGL002"), ("other.py", 9, "FGL002"), ("views.py", 11, "FGL001")]
    assert (second.files_checked, second.entries) == (first.files_checked, first.entries)


def test_a_replay_imports_neither_the_engine_nor_libcst(project: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    cache = tmp_path / "cache"
    warm(project, cache)
    probe = (f"import sys; from pathlib import Path; from flaskglobals_lint import replay; "
             f"from flaskglobals_lint.settings import RunOptions, load_settings; "
             f"r = replay.lint(['.'], load_settings(None, Path.cwd()), RunOptions(cache_dir=Path({str(cache)!r}), "
             f"jobs=1), False); "
             f"print(r.replayed, sorted(m for m in sys.modules if m == 'libcst' or m.endswith('.engine')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ))
    assert out.stdout.strip() == "True []", out.stderr


def rename(root: Path) -> None:
    (root / "other.py").rename(root / "renamed.py")


def delete(root: Path) -> None:
    (root / "helpers.py").unlink()


def edit(root: Path) -> None:
    (root / "helpers.py").write_text(HELPERS.replace("SEEN.append(path)", "SEEN.append(path)\n    SEEN.append(1)"))


def same_size_same_mtime(root: Path) -> None:
    """An edit that keeps size and mtime (restored): only ctime tells."""
    path = root / "helpers.py"
    before = path.stat()
    path.write_text(HELPERS.replace("SEEN.append(path)", "SEEN.remove(path)"))
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def settings_change(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nignore = ["FGL001"]\n')


def deployment_change(root: Path) -> None:
    # Four gunicorn workers (a file that is not Python): per-process state (FGL011) starts to count.
    (root / "Procfile").write_text("web: gunicorn -w 4 views:app\n")


@pytest.mark.parametrize("change", [edit, same_size_same_mtime, rename, delete, settings_change, deployment_change])
def test_after_a_change_a_warm_run_gives_the_cold_runs_result(project: Path, tmp_path: Path,
                                                              change: Callable[[Path], None]) -> None:
    cache = tmp_path / "cache"
    before = warm(project, cache)
    change(project)
    after = warm(project, cache)
    assert not after.replayed
    assert report(after) == report(cold(project))
    assert report(after) != report(before)
    assert warm(project, cache).replayed


def test_a_touch_without_a_content_change_is_replayed(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = warm(project, cache)
    os.utime(project / "views.py")
    (project / "helpers.py").write_text(HELPERS)  # written again, the same bytes
    after = warm(project, cache)
    assert after.replayed and report(after) == report(before) == report(cold(project))


def test_an_analyser_source_change_makes_the_run_again(project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    warm(project, cache)
    monkeypatch.setattr(cache_module, "_ENVIRONMENT", None)
    monkeypatch.setattr(cache_module, "analyser_digest", lambda: b"an edited engine")
    after = warm(project, cache)
    assert not after.replayed and report(after) == report(cold(project))


def test_an_edit_during_a_run_is_never_recorded_under_the_old_content(project: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The run analyses exactly the bytes it hashed: a save after the hash cannot slip in."""
    import flaskglobals_lint.engine as engine

    real = engine.lint_paths

    def saved_meanwhile(*args: object, **kwargs: object) -> LintResult:
        edit(project)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    cache = tmp_path / "cache"
    monkeypatch.setattr(engine, "lint_paths", saved_meanwhile)
    during = warm(project, cache)
    monkeypatch.setattr(engine, "lint_paths", real)
    assert ("helpers.py", 6, "FGL002") not in [(d.path, d.line, d.code) for d in during.diagnostics]
    after = warm(project, cache)
    assert not after.replayed and report(after) == report(cold(project))


def test_json_and_text_runs_keep_their_own_records(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    text, edits = warm(project, cache), warm(project, cache, edits=True)
    assert not edits.replayed
    assert warm(project, cache, edits=True).replayed and warm(project, cache).replayed
    assert report(edits) == report(cold(project, edits=True)) != report(text)
    assert any(d.fix is not None and d.fix.edits for d in edits.diagnostics)


def test_only_the_edited_files_fixes_are_settled_again(project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import flaskglobals_lint.fix as fix

    cache = tmp_path / "cache"
    warm(project, cache)
    settled: list[list[str]] = []
    real = fix.settle

    def counting(diagnostics, **kwargs):  # type: ignore[no-untyped-def]
        settled.append(sorted({d.path for d in diagnostics}))
        return real(diagnostics, **kwargs)

    monkeypatch.setattr(fix, "settle", counting)
    (project / "other.py").write_text(OTHER.replace('"n"', '"m"'))
    after = warm(project, cache)
    assert settled == [["other.py"]]
    assert report(after) == report(cold(project))


@pytest.mark.parametrize("planted", [b"", b"garbage", pickle.dumps(Exploit(Path("/nonexistent/x")))])
def test_a_corrupt_or_planted_run_record_is_a_miss(project: Path, tmp_path: Path, planted: bytes) -> None:
    cache = tmp_path / "cache"
    warm(project, cache)
    for key in [k for k in cache_entries(cache) if k.startswith(("run-", "fix-"))]:
        plant_cache_entry(cache, key, planted)
    after = warm(project, cache)
    assert not after.replayed and report(after) == report(cold(project))
    assert warm(project, cache).replayed


def test_a_forged_run_record_is_a_miss_and_runs_nothing(project: Path, tmp_path: Path) -> None:
    """Authenticated with the user's own key (the worst case): of the wrong shape, it is a miss;
    an attacker's own key never authenticates anything."""
    cache = tmp_path / "cache"
    marker = tmp_path / "PWNED"
    warm(project, cache)
    (key,) = [k for k in cache_entries(cache) if k.startswith("run-")]
    store = FactsCache(cache)
    for payload in (pickle.dumps(Exploit(marker)), json.dumps(["0" * 16, []]).encode(),
                    store.read(key)[:-10]):  # type: ignore[index]
        plant_cache_entry(cache, key, store._mac(key, payload) + payload)
        after = warm(project, cache)
        assert not after.replayed and report(after) == report(cold(project))
    other = FactsCache(cache, secret=b"x" * 32)
    other.write(key, store.read(key) or b"")
    other.flush()
    assert not warm(project, cache).replayed
    assert not marker.exists()


def test_a_forged_record_cannot_hide_findings(project: Path, tmp_path: Path) -> None:
    """A record that says "nothing found", stored without the user's key, changes nothing."""
    cache = tmp_path / "cache"
    found = warm(project, cache)
    (key,) = [k for k in cache_entries(cache) if k.startswith("run-")]
    record = replay._RECORDS.loads("RunRecord", FactsCache(cache).read(key) or b"")
    empty = replay._RECORDS.dumps("RunRecord", type(record)(record.key, record.files, LintResult()))
    plant_cache_entry(cache, key, b"\0" * 32 + empty)
    assert report(warm(project, cache)) == report(found)


def test_without_the_cache_nothing_is_recorded(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    result = replay.lint(["."], settings(project), RunOptions(cache=False, cache_dir=cache, jobs=1), False)
    assert report(result) == report(cold(project)) and not cache.exists()


def test_a_run_with_a_file_that_timed_out_is_not_recorded(project: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import flaskglobals_lint.engine as engine

    real = engine.lint_paths
    monkeypatch.setattr(engine, "lint_paths", lambda *a, **k: LintResult(complete=False))
    cache = tmp_path / "cache"
    warm(project, cache)
    monkeypatch.setattr(engine, "lint_paths", real)
    stored = cache_entries(cache) if (cache / cache_module.DATABASE).exists() else {}
    assert not [key for key in stored if key.startswith("run-")]
    assert not warm(project, cache).replayed


def test_old_entries_are_evicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FactsCache(tmp_path / "cache")
    store.write("old", b"1")
    store.flush()
    store.close()
    monkeypatch.setattr(FactsCache, "MAX_ENTRIES", 2)
    later = FactsCache(tmp_path / "cache")
    later._today += FactsCache.KEEP_DAYS + 1
    for key in ("a", "b", "c"):
        later.write(key, key.encode())
    later.flush()
    kept = later.keys()
    assert len(kept) == 2 and set(kept) < {"a", "b", "c"}


def test_a_copied_project_does_not_replay_the_originals_record(project: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    warm(project, cache)
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    (copy / "helpers.py").write_text(HELPERS.replace("SEEN.append(path)", "pass"))
    monkeypatch.chdir(copy)
    after = warm(copy, cache)
    assert not after.replayed and report(after) == report(cold(copy))


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_the_command_line_replays_byte_for_byte(project: Path, tmp_path: Path, output_format: str) -> None:
    import subprocess

    from .conftest import cli_command

    def run(*args: str) -> str:
        done = subprocess.run([*cli_command(), "--output-format", output_format, *args, "."], cwd=project,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr
        return done.stdout

    cache = str(tmp_path / "cache")
    reference = run("--no-cache")
    assert run("--cache-dir", cache) == reference
    assert run("--cache-dir", cache) == reference
    assert [k for k in cache_entries(Path(cache)) if k.startswith("run-")]
