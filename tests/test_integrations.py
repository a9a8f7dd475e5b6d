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

from .conftest import cli_command

ROOT = Path(__file__).parent.parent
APPS = ROOT / "flaskglobals_lint" / "demo" / "apps"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def snippet(name: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```\w+\n(.*?)```", readme, re.DOTALL)
    assert match, f"README has no snippet {name}"
    return match.group(1)


def project_with(tmp_path: Path, fixture: str) -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True)
    shutil.copy(APPS / fixture, project / "app.py")
    return project


def run_command(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    assert argv[0] == "flaskglobals-lint"
    return subprocess.run([*cli_command(), *argv[1:]], cwd=cwd, capture_output=True, text=True, timeout=120)


def lint_steps(commands: list[str]) -> list[str]:
    installs = [c for c in commands if c.startswith("pip install")]
    assert installs == ["pip install flaskglobals-lint"]
    return [c for c in commands if c.startswith("flaskglobals-lint")]


def test_github_actions_workflow_steps(tmp_path: Path) -> None:
    workflow = yaml.safe_load(snippet("github-actions"))
    steps = workflow["jobs"]["flaskglobals-lint"]["steps"]
    assert workflow["permissions"]["security-events"] == "write"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    sarif_step, github_step = lint_steps([s["run"] for s in steps if "run" in s])
    project = project_with(tmp_path, "FGL002/buggy_app.py")

    proc = run_command(sarif_step, project)
    assert proc.returncode == 0, proc.stderr
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text())
    jsonschema.validate(sarif, SCHEMA)
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "FGL002"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"

    proc = run_command(github_step, project)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::warning file=app.py,line=19,col=5,")
    assert "title=FGL002 shared-container-mutation::" in proc.stdout


def test_gitlab_ci_job_script(tmp_path: Path) -> None:
    job = yaml.safe_load(snippet("gitlab-ci"))["flaskglobals-lint"]
    report_step, gate_step = lint_steps(job["script"])
    project = project_with(tmp_path, "FGL002/buggy_app.py")
    assert run_command(report_step, project).returncode == 0
    [issue] = json.loads((project / job["artifacts"]["reports"]["codequality"]).read_text())
    assert issue["check_name"] == "FGL002"
    assert issue["location"] == {"path": "app.py", "lines": {"begin": 19, "end": 19}}
    assert issue["severity"] == "minor" and issue["description"].startswith("FGL002 shared 'STOCK'")
    assert re.fullmatch(r"[0-9a-f]{16}-1", issue["fingerprint"])
    assert run_command(gate_step, project).returncode == 1


def test_flake8_plugin_reports_the_same_findings(tmp_path: Path) -> None:
    install, command = snippet("flake8").strip().splitlines()
    assert install == "pip install flaskglobals-lint flake8"
    project = project_with(tmp_path, "FGL004/buggy_app.py")
    proc = subprocess.run([sys.executable, "-m", *shlex.split(command)], cwd=project, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if " FGL" in line]
    assert [line.split(" ", 2)[:2] for line in lines] == [["./app.py:18:5:", "FGL001"]]
    ours = run_command("flaskglobals-lint --format json app.py", project)
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
    assert "app.py:20:5: FGL001 global 'downloads'" in proc.stdout
    fixed = app_repo(tmp_path / "fixed", "FGL001/fixed_app.py")
    # A buggy file in an excluded folder: pre-commit names it, the hook's --force-exclude skips it.
    (fixed / "migrations").mkdir()
    shutil.copy(APPS / "FGL001" / "buggy_app.py", fixed / "migrations" / "m1.py")
    (fixed / "pyproject.toml").write_text('[tool.flaskglobals-lint]\nextend-exclude = ["migrations"]\n')
    git("add", "migrations/m1.py", "pyproject.toml", cwd=fixed)
    proc = pre_commit("try-repo", str(ROOT), "flaskglobals-lint", "--all-files", cwd=fixed, env=pre_commit_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.timeout(900)
def test_readme_pre_commit_config_refuses_the_commit(tmp_path: Path, pre_commit_env) -> None:
    head = hook_repo_head()
    config = snippet("pre-commit")
    config = config.replace("https://github.com/flaskglobals-lint/flaskglobals-lint", str(ROOT))
    config = re.sub(r"rev: \S+", f"rev: {head}", config)
    repo = app_repo(tmp_path, "FGL001/buggy_app.py")
    (repo / ".pre-commit-config.yaml").write_text(config)
    git("add", ".pre-commit-config.yaml", cwd=repo)
    assert pre_commit("install", cwd=repo, env=pre_commit_env).returncode == 0
    commit = subprocess.run(["git", "commit", "-q", "-m", "add app"], cwd=repo, env=pre_commit_env,
                            capture_output=True, text=True, timeout=600)
    assert commit.returncode != 0
    assert "FGL001" in commit.stdout + commit.stderr
    assert subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=repo, capture_output=True).returncode != 0
    shutil.copy(APPS / "FGL001" / "fixed_app.py", repo / "app.py")
    git("add", "app.py", cwd=repo)
    commit = subprocess.run(["git", "commit", "-q", "-m", "add app"], cwd=repo, env=pre_commit_env,
                            capture_output=True, text=True, timeout=600)
    assert commit.returncode == 0, commit.stdout + commit.stderr
