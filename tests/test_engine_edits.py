"""An edited engine never serves facts cached by the engine before the edit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import flaskglobals_lint

SOURCE = ("from flask import Flask\napp = Flask(__name__)\nITEMS = []\n\n"
          "@app.route('/')\ndef index():\n    ITEMS.frobnicate(1)\n    return ''\n")


def run(package_parent: Path, project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([sys.executable, "-m", "flaskglobals_lint", "--cache-dir", str(cache), "--jobs", "1", "."],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_editing_the_mutating_methods_takes_effect_on_a_cached_run(tmp_path: Path) -> None:
    copy = tmp_path / "engine"
    shutil.copytree(Path(flaskglobals_lint.__file__).parent, copy / "flaskglobals_lint",
                    ignore=shutil.ignore_patterns("__pycache__", "apps"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(SOURCE)
    cache = tmp_path / "cache"
    before = run(copy, project, cache)
    assert before.returncode == 0, before.stdout + before.stderr  # frobnicate is not a mutating method
    catalogue = copy / "flaskglobals_lint" / "frameworks" / "stdlib.py"
    text = catalogue.read_text()
    assert 'MUTATING_METHODS = frozenset({\n    "append",' in text
    catalogue.write_text(text.replace('MUTATING_METHODS = frozenset({\n    "append",',
                                      'MUTATING_METHODS = frozenset({\n    "frobnicate", "append",'))
    after = run(copy, project, cache)
    assert after.returncode == 1
    assert after.stdout.startswith("app.py:7:5: FGL002 ")
