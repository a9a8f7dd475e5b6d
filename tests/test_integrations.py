"""The README's integration snippets, run for real: pre-commit, flake8, the
GitHub Actions and GitLab CI commands."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from .conftest import readme_snippet

ROOT = Path(__file__).parent.parent
APPS = ROOT / "flaskglobals_lint" / "demo" / "apps"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


snippet = readme_snippet


def project_with(tmp_path: Path, fixture: str) -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True)
    shutil.copy(APPS / fixture, project / "app.py")
    return project


WHEEL = "tools/flaskglobals_lint-0.1.0-py3-none-any.whl"


def project_source_copy(target: Path) -> Path:
    """The project's own files (what a clone holds), without caches and build output."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (subprocess.CalledProcessError, FileNotFoundError):  # an unpacked sdist
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                 and not any(part.endswith((".egg-info", "_cache", "__pycache__")) or part in ("build", "dist")
                             for part in p.relative_to(ROOT).parts)]
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name, follow_symlinks=False)
    return target


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The README's wheel, built as it says, and a fresh virtualenv to install it in as the snippets do.

    Offline on purpose: the build uses the setuptools already installed
    (``--no-build-isolation``), and the virtualenv sees this environment's
    packages through a ``.pth`` file (everything but flaskglobals-lint itself),
    so ``pip install <wheel>`` finds its dependencies satisfied and installs only the wheel.
    """
    clone = project_source_copy(tmp_path_factory.mktemp("clone"))
    [build] = [c for c in snippet("build-wheel").splitlines() if c.strip()]
    argv = shlex.split(build)
    assert argv[:2] == ["pip", "wheel"]
    proc = subprocess.run([sys.executable, "-m", *argv, "--no-build-isolation"], cwd=clone, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheel = clone / "dist" / Path(WHEEL).name
    assert wheel.is_file(), sorted(p.name for p in (clone / "dist").iterdir())
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_dir = Path(subprocess.run([str(bin_dir / "python"), "-c", purelib], capture_output=True, text=True,
                                   check=True).stdout.strip())
    others = tmp_path_factory.mktemp("dependencies")
    for directory in {Path(p) for p in sys.path if p.endswith("-packages") and Path(p).is_dir()}:
        for entry in directory.iterdir():
            ours = entry.name.lower().startswith(("flaskglobals", "__editable__"))
            if not ours and not (others / entry.name).exists():
                (others / entry.name).symlink_to(entry)
    (site_dir / "dependencies.pth").write_text(f"{others}\n")
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", VIRTUAL_ENV=str(venv))
    return wheel, bin_dir, env


def install_as_written(command: str, project: Path, wheel_env: tuple[Path, Path, dict[str, str]]) -> None:
    """Run a snippet's install line in ``project``, with the wheel where the README says to put it."""
    wheel, bin_dir, env = wheel_env
    (project / WHEEL).parent.mkdir(exist_ok=True)
    shutil.copy(wheel, project / WHEEL)
    for part in command.split(" && "):
        proc = in_venv(part, project, wheel_env)
        assert proc.returncode == 0, part + "\n" + proc.stdout + proc.stderr
    where = subprocess.run([str(bin_dir / "python"), "-c", "import flaskglobals_lint as f; print(f.__file__)"],
                           capture_output=True, text=True, check=True, env=env, cwd=project).stdout
    assert Path(where.strip()).is_relative_to(bin_dir.parent), where  # the wheel's copy, not this checkout's


def in_venv(command: str, cwd: Path, wheel_env: tuple[Path, Path, dict[str, str]],
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A snippet's ``pip``/``flake8``/``pre-commit`` command, run by the virtualenv's Python (``python -m``)."""
    _, bin_dir, venv_env = wheel_env
    argv = shlex.split(command)
    return subprocess.run([str(bin_dir / "python"), "-m", argv[0].replace("-", "_"), *argv[1:]], cwd=cwd,
                          env={**venv_env, **(env or {})}, capture_output=True, text=True, timeout=300)


def run_command(command: str, cwd: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    assert argv[0] == "flaskglobals-lint"
    return subprocess.run([str(bin_dir / "flaskglobals-lint"), *argv[1:]], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def lint_steps(commands: list[str], project: Path, wheel_env: tuple[Path, Path, dict[str, str]]) -> list[str]:
    installs = [c for c in commands if c.startswith("pip install")]
    assert installs == [f"pip install {WHEEL}"]
    install_as_written(installs[0], project, wheel_env)
    return [c for c in commands if c.startswith("flaskglobals-lint")]


def test_github_actions_workflow_steps(tmp_path: Path, wheel_env) -> None:
    workflow = yaml.safe_load(snippet("github-actions"))
    steps = workflow["jobs"]["flaskglobals-lint"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    project = project_with(tmp_path, "FGL002/buggy_app.py")
    sarif_step, github_step = lint_steps([s["run"] for s in steps if "run" in s], project, wheel_env)
    bin_dir = wheel_env[1]

    proc = run_command(sarif_step, project, bin_dir)
    assert proc.returncode == 0, proc.stderr
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text())
    jsonschema.validate(sarif, SCHEMA)
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "FGL002"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"

    proc = run_command(github_step, project, bin_dir)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::warning file=app.py,line=19,col=5,")
    assert "title=FGL002 shared-container-mutation::" in proc.stdout


def test_gitlab_ci_job_script(tmp_path: Path, wheel_env) -> None:
    job = yaml.safe_load(snippet("gitlab-ci"))["flaskglobals-lint"]
    project = project_with(tmp_path, "FGL002/buggy_app.py")
    report_step, gate_step = lint_steps(job["script"], project, wheel_env)
    bin_dir = wheel_env[1]
    assert run_command(report_step, project, bin_dir).returncode == 0
    [issue] = json.loads((project / job["artifacts"]["reports"]["codequality"]).read_text())
    assert issue["check_name"] == "FGL002"
    assert issue["location"] == {"path": "app.py", "lines": {"begin": 19, "end": 19}}
    assert issue["severity"] == "minor" and issue["description"].startswith("FGL002 shared 'STOCK'")
    assert re.fullmatch(r"[0-9a-f]{16}-1", issue["fingerprint"])
    assert run_command(gate_step, project, bin_dir).returncode == 1


def test_flake8_plugin_reports_the_same_findings(tmp_path: Path, wheel_env) -> None:
    install, command = snippet("flake8").strip().splitlines()
    assert install == f"pip install {WHEEL} flake8"
    project = project_with(tmp_path, "FGL004/buggy_app.py")
    install_as_written(install, project, wheel_env)
    proc = in_venv(command, project, wheel_env)
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if " FGL" in line]
    assert [line.split(" ", 2)[:2] for line in lines] == [["./app.py:18:5:", "FGL001"]]
    ours = run_command("flaskglobals-lint --format json app.py", project, wheel_env[1])
    assert [(d["line"], d["column"], d["code"]) for d in json.loads(ours.stdout)] == [(18, 5, "FGL001")]


def test_flake8_plugin_reads_the_project_table_and_keeps_e999(tmp_path: Path) -> None:
    project = project_with(tmp_path, "FGL004/buggy_app.py")
    (project / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nignore = ["global-rebind", "fgl004"]\n')
    (project / "broken.py").write_text("def f(:\n")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--extend-select", "FGL", "--select", "E999,FGL", "."],
                          cwd=project, capture_output=True, text=True, timeout=120)
    # The column of a syntax error is Python's own, and moves between versions.
    assert [(line.split(":")[0], line.split(" ")[1]) for line in proc.stdout.splitlines()] == [("./broken.py", "E999")]


def test_flake8_noqa_is_honoured(tmp_path: Path) -> None:
    project = project_with(tmp_path, "FGL004/buggy_app.py")
    app = project / "app.py"
    app.write_text(app.read_text().replace("# expect: FGL001", "# noqa: FGL001"))
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "FGL", "app.py"], cwd=project,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr


# ------------------------------------------------------------------ pre-commit
def git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def hook_repo_head() -> str:
    try:
        return git("rev-parse", "HEAD", cwd=ROOT).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("the project is not a git checkout, so pre-commit cannot install it as a hook repository")


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    return dict(os.environ, PRE_COMMIT_HOME=str(home), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")


def app_repo(tmp_path: Path, fixture: str) -> Path:
    repo = project_with(tmp_path, fixture)
    git("init", "-q", cwd=repo)
    git("add", "app.py", cwd=repo)
    return repo


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.timeout(900)
def test_pre_commit_try_repo_refuses_a_race_and_passes_the_fix(tmp_path: Path, pre_commit_env) -> None:
    hook_repo_head()
    buggy = app_repo(tmp_path / "buggy", "FGL001/buggy_app.py")
    proc = pre_commit("try-repo", str(ROOT), "flaskglobals-lint", cwd=buggy, env=pre_commit_env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "app.py:20:5: FGL001 [*] global 'downloads'" in proc.stdout
    fixed = app_repo(tmp_path / "fixed", "FGL001/fixed_app.py")
    # A buggy file in an excluded folder: pre-commit names it, the hook's --force-exclude skips it.
    (fixed / "migrations").mkdir()
    shutil.copy(APPS / "FGL001" / "buggy_app.py", fixed / "migrations" / "m1.py")
    (fixed / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nextend-exclude = ["migrations"]\n')
    git("add", "migrations/m1.py", "pyproject.toml", cwd=fixed)
    proc = pre_commit("try-repo", str(ROOT), "flaskglobals-lint", "--all-files", cwd=fixed, env=pre_commit_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.timeout(900)
def test_readme_pre_commit_config_refuses_the_commit(tmp_path: Path, pre_commit_env, wheel_env) -> None:
    repo = app_repo(tmp_path, "FGL001/buggy_app.py")
    (repo / ".pre-commit-config.yaml").write_text(snippet("pre-commit"))
    git("add", ".pre-commit-config.yaml", cwd=repo)
    env = {**wheel_env[2], "PRE_COMMIT_HOME": pre_commit_env["PRE_COMMIT_HOME"]}
    env.update({k: v for k, v in pre_commit_env.items() if k.startswith("GIT_")})
    [install] = [c for c in snippet("pre-commit-install").splitlines() if c.strip()]
    assert install.startswith(f"pip install {WHEEL} pre-commit && ")
    install_as_written(install, repo, (wheel_env[0], wheel_env[1], env))
    git("add", WHEEL, cwd=repo)
    commit = subprocess.run(["git", "commit", "-q", "-m", "add app"], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=600)
    assert commit.returncode != 0
    assert "app.py:20:5: FGL001 [*] global 'downloads'" in commit.stdout + commit.stderr
    assert subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=repo, capture_output=True).returncode != 0
    shutil.copy(APPS / "FGL001" / "fixed_app.py", repo / "app.py")
    git("add", "app.py", cwd=repo)
    commit = subprocess.run(["git", "commit", "-q", "-m", "add app"], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=600)
    assert commit.returncode == 0, commit.stdout + commit.stderr


def test_the_sdist_holds_every_file_of_the_project(tmp_path: Path) -> None:
    """The README's test command must work in an unpacked sdist: the suite, its cases and fixtures, the docs."""
    hook_repo_head()  # the tracked files are the reference
    clone = project_source_copy(tmp_path / "clone")
    build = "from setuptools import build_meta; print(build_meta.build_sdist('dist'))"
    proc = subprocess.run([sys.executable, "-c", build], cwd=clone, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    import tarfile

    with tarfile.open(clone / "dist" / proc.stdout.strip().splitlines()[-1]) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    tracked = git("ls-files", cwd=ROOT).split()
    expected = set()
    for name in tracked:
        path = ROOT / name
        # A tracked symlink to a folder (tests/fixtures) is packed as the folder's files.
        expected |= ({f"{name}/{p.relative_to(path).as_posix()}" for p in path.rglob("*.py")} if path.is_dir()
                     else {name})
    assert sorted(expected - members - {".gitignore"}) == []


@pytest.mark.timeout(900)
def test_pre_commit_fix_hook_fixes_the_race(tmp_path: Path, pre_commit_env) -> None:
    hook_repo_head()
    repo = app_repo(tmp_path, "FGL001/buggy_app.py")
    proc = pre_commit("try-repo", str(ROOT), "flaskglobals-lint-fix", "--all-files", cwd=repo, env=pre_commit_env)
    # The hook changed the file: pre-commit fails the run, and the file now holds the fix.
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Fixed 1 problem in 1 file." in proc.stdout
    fixed = (repo / "app.py").read_text()
    assert "_downloads_lock = threading.Lock()" in fixed and "    with _downloads_lock:\n" in fixed
    git("add", "app.py", cwd=repo)
    proc = pre_commit("try-repo", str(ROOT), "flaskglobals-lint-fix", "--all-files", cwd=repo, env=pre_commit_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
