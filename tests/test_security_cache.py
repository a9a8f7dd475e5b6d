"""The facts cache can neither run code nor lie, whoever wrote its folder."""
from __future__ import annotations

import os
import pickle
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from flaskglobals_lint import lint_paths
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.facts import cache as cache_module
from flaskglobals_lint.facts import codec, module_facts
from flaskglobals_lint.facts.batch import FileJob, collect
from flaskglobals_lint.facts.cache import FactsCache, cache_key
from flaskglobals_lint.facts.model import ModuleFacts
from flaskglobals_lint.settings import Settings

from .conftest import cli_command, facts_entries, plant_cache_entry

RACY = ("from flask import Flask\napp = Flask(__name__)\nN = []\n\n"
        "@app.route('/')\ndef index():\n    N.append(1)\n    return ''\n")
QUIET = "from flask import Flask\napp = Flask(__name__)\n"
FINDING = ("app.py", 7, "FGL002")


class Exploit:
    """What an attacker plants: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.flaskglobals-lint]\n")
    (root / "app.py").write_text(RACY)
    return root


def lint(root: Path, cache_dir: Path | None = None, **options: object) -> list[tuple[str, int, str]]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = lint_paths(["."], Settings(root=root), RunOptions(cache_dir=cache_dir, jobs=1, **options))  # type: ignore[arg-type]
    finally:
        os.chdir(cwd)
    return [(d.path, d.line, d.code) for d in result.diagnostics]


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full.pop("FLASKGLOBALS_LINT_CACHE_DIR", None)  # the default location, as a user runs it
    full.update(env or {})
    return subprocess.run([*cli_command(), *args], cwd=root, env=full, capture_output=True, text=True, timeout=120)


def test_crafted_pickles_in_the_repository_run_nothing(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    data = (project / "app.py").read_bytes()
    # Where earlier versions looked (a pickle per file, keyed by predictable inputs) and where entries live now.
    for key in {cache_key(data, "app", False), "0" * 64}:
        for folder, name in (("v1", f"{key}.pickle"), ("v2", f"{key}.json")):
            entry = project / ".flaskglobals_lint_cache" / folder / key[:2] / name
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_bytes(pickle.dumps(Exploit(marker)))
    result = cli(project, "--cache-dir", str(project / ".flaskglobals_lint_cache"))
    assert result.returncode == 1, result.stderr
    assert "app.py:7:5: FGL002" in result.stdout
    result = cli(project)
    assert result.returncode == 1 and "app.py:7:5: FGL002" in result.stdout
    assert not marker.exists()


def test_a_crafted_pickle_in_the_cache_folder_runs_nothing(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    lint(project, cache)
    entries = facts_entries(cache)
    assert len(entries) == 1
    marker = tmp_path / "PWNED"
    plant_cache_entry(cache, next(iter(entries)), pickle.dumps(Exploit(marker)))
    assert lint(project, cache) == [FINDING]
    assert not marker.exists()


def test_a_crafted_database_in_the_cache_folder_runs_nothing_and_is_replaced(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    marker = tmp_path / "PWNED"
    (cache / cache_module.DATABASE).write_bytes(pickle.dumps(Exploit(marker)))
    assert lint(project, cache) == [FINDING]
    assert not marker.exists()
    assert len(facts_entries(cache)) == 1  # a store of the right shape took its place


def test_a_database_with_a_trigger_is_not_used(project: Path, tmp_path: Path) -> None:
    """A crafted store that would run SQL of its own on our writes is replaced, never written to."""
    import sqlite3

    cache = tmp_path / "cache"
    lint(project, cache)
    connection = sqlite3.connect(cache / cache_module.DATABASE)
    with connection:
        connection.execute("CREATE TABLE stolen (key TEXT)")
        connection.execute("CREATE TRIGGER copy AFTER INSERT ON entries BEGIN INSERT INTO stolen VALUES (new.key); END")
    connection.close()
    (project / "app.py").write_text(RACY + "\n")  # a new entry to write
    assert lint(project, cache) == [FINDING]
    connection = sqlite3.connect(cache / cache_module.DATABASE)
    tables = sorted(name for (name,) in connection.execute("SELECT name FROM sqlite_master"))
    connection.close()
    assert tables == ["entries"]


def test_the_tool_never_unpickles() -> None:
    package = Path(cache_module.__file__).resolve().parent.parent
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "pickle.load" not in text and "import pickle" not in text, path


def test_a_forged_entry_under_the_right_key_changes_nothing(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert lint(project, cache) == [FINDING]
    key, raw = next(iter(facts_entries(cache).items()))
    empty = codec.dumps(ModuleFacts(path="app.py", module="app"))
    # Without the user's secret an attacker can only guess the MAC: every guess is a miss.
    for mac in (b"\0" * 32, raw[:32]):
        plant_cache_entry(cache, key, mac + empty)
        assert lint(project, cache) == [FINDING]
    other_user = FactsCache(cache, secret=b"s" * 32)
    other_user.put(key, ModuleFacts(path="app.py", module="app"))
    other_user.flush()
    assert lint(project, cache) == [FINDING]


def test_an_entry_of_an_old_shape_is_a_miss_and_is_rewritten(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    lint(project, cache_dir)
    key = next(iter(facts_entries(cache_dir)))
    cache = FactsCache(cache_dir)
    # A correctly authenticated entry whose facts miss a field, as an older tool version wrote them.
    payload = b'["' + codec.SCHEMA.encode() + b'",["app.py","app"]]'
    plant_cache_entry(cache_dir, key, cache._mac(key, payload) + payload)
    assert cache.get(key, "app.py") is None
    assert lint(project, cache_dir) == [FINDING]
    assert FactsCache(cache_dir).get(key, "app.py") is not None  # rebuilt


def test_an_entry_whose_root_kind_is_not_a_kind_is_a_miss(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    lint(project, cache_dir)
    key = next(iter(facts_entries(cache_dir)))
    cache = FactsCache(cache_dir)
    # Correctly authenticated and of the right shape, but ``N`` is rooted in a kind no Root has.
    facts = module_facts(RACY, "app.py", "app")
    fn = facts.functions["index"]
    target = fn.accesses[0].target
    forged = replace(target, root=replace(target.root, kind="builtin"))  # type: ignore[arg-type]
    fn.accesses[0] = replace(fn.accesses[0], target=forged)
    payload = codec.dumps(facts)
    with pytest.raises(codec.CodecError, match="one of"):
        codec.loads(payload)
    plant_cache_entry(cache_dir, key, cache._mac(key, payload) + payload)
    assert cache.get(key, "app.py") is None
    assert lint(project, cache_dir) == [FINDING]
    assert FactsCache(cache_dir).get(key, "app.py") is not None  # rebuilt


def test_the_key_covers_the_interpreter_libcst_tool_and_analyser(monkeypatch: pytest.MonkeyPatch) -> None:
    data = RACY.encode()
    monkeypatch.setattr(cache_module, "_ENVIRONMENT", None)
    before = cache_key(data, "app", False)
    changes = [
        ("sys.version", lambda mp: mp.setattr(cache_module.sys, "version", "3.99.0 (other)")),
        ("libcst", lambda mp: mp.setattr(cache_module, "_libcst_version", lambda: "0.0.1")),
        ("tool", lambda mp: mp.setattr(cache_module, "__version__", "9.9.9")),
        ("analyser", lambda mp: mp.setattr(cache_module, "analyser_digest", lambda: b"edited engine")),
    ]
    keys = {before}
    for _, change in changes:
        with monkeypatch.context() as inner:
            inner.setattr(cache_module, "_ENVIRONMENT", None)
            change(inner)
            keys.add(cache_key(data, "app", False))
    assert cache_key(data, "app", False) == before
    assert len(keys) == 1 + len(changes)


def test_another_environment_gives_the_results_of_no_cache(project: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    (project / "modern.py").write_text("type Alias = list[int]\n" + RACY.replace("N = []", "M = []").replace(
        "N.append", "M.append"))
    reference = lint(project, cache=False)
    assert lint(project, cache) == reference
    monkeypatch.setattr(cache_module, "_ENVIRONMENT", None)
    monkeypatch.setattr(cache_module.sys, "version", "3.12.0 (another interpreter)")
    assert lint(project, cache) == reference
    assert ("modern.py", 8, "FGL002") in reference


def test_facts_are_made_from_the_bytes_that_were_hashed(tmp_path: Path) -> None:
    """A file saved while a run is under way: the worker must not read the new content."""
    path = tmp_path / "app.py"
    path.write_text(QUIET)  # what is on disk now
    hashed = RACY.encode()  # what the run read and hashed before the save
    for workers in (1, 2):
        cache = FactsCache(tmp_path / f"cache{workers}")
        job = FileJob(str(path), "app.py", "app", False, True, hashed)
        facts = collect([job], workers, cache)[0]
        assert "index" in facts.functions
        stored = cache.get(cache_key(hashed, "app", False), "app.py")
        assert stored is not None and "index" in stored.functions


def test_a_symlinked_cache_folder_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = project / ".flaskglobals_lint_cache"
    link.symlink_to(elsewhere)
    result = cli(project, "--cache-dir", str(link))
    assert result.returncode == 1
    assert "app.py:7:5: FGL002" in result.stdout
    assert f"warning: cache not used: {link} is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_planted_link_inside_the_cache_is_replaced_not_written_through(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    lint(project, cache_dir)
    database = cache_dir / cache_module.DATABASE
    database.unlink()
    database.symlink_to(victim)
    assert lint(project, cache_dir) == [FINDING]
    assert victim.read_text() == "precious\n"
    assert not database.is_symlink() and len(facts_entries(cache_dir)) == 1


def test_a_cache_folder_the_user_made_gets_no_ignore_file(project: Path, tmp_path: Path) -> None:
    result = cli(project, "--cache-dir", ".")
    assert result.returncode == 1
    assert not (project / ".gitignore").exists()
    # A symlinked .gitignore in a folder the tool did not create is never written through.
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    folder = project / "mycache"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(victim)
    assert cli(project, "--cache-dir", "mycache").returncode == 1
    assert victim.read_text() == "keep\n"


def test_a_folder_the_tool_creates_ignores_itself(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "c")
    cache.put("ab" * 32, ModuleFacts(path="x.py", module="x"))
    cache.flush()
    assert (tmp_path / "c" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_the_default_cache_is_outside_the_project(project: Path, tmp_path: Path) -> None:
    user_cache = tmp_path / "user-cache"
    result = cli(project, env={"XDG_CACHE_HOME": str(user_cache)})
    assert result.returncode == 1
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "pyproject.toml"]
    stores = list((user_cache / "flaskglobals-lint" / "projects").rglob(cache_module.DATABASE))
    assert len(stores) == 1 and len(facts_entries(stores[0].parent)) == 1
    key = user_cache / "flaskglobals-lint" / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_entries_round_trip_exactly() -> None:
    facts = module_facts(RACY, "app.py", "app")
    assert codec.loads(codec.dumps(facts)) == facts
    for broken in (b"", b"[]", b"{}", codec.dumps(facts)[:-5], b"[" * 100_000):
        with pytest.raises(codec.CodecError):
            codec.loads(broken)


def test_loaded_facts_share_each_reference_as_extracted_ones_do() -> None:
    """JSON writes a shared Ref once per use; loading makes them one object again (a 1M-line
    project's facts took three times the memory without it)."""
    source = RACY.replace("    N.append(1)\n", "    N.append(1)\n    N.append(2)\n    N.extend([3])\n")
    facts = module_facts(source, "app.py", "app")
    loaded = codec.loads(codec.dumps(facts))
    refs = [access.target for access in loaded.functions["index"].accesses if access.target.root.name == "N"]
    assert len(refs) >= 3 and len({id(ref) for ref in refs}) == len(set(refs))
    assert loaded == facts
