"""The benchmark harness keeps working (CI runs it only in its tiny smoke mode)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench" / "run.py"


@pytest.mark.timeout(300)
def test_smoke_run_measures_every_mode_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--smoke", "--output", str(output)],
                          capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(output.read_text())
    ours = {(m["tree"], m["mode"]) for m in data["measurements"] if m["tool"] == "flaskglobals-lint"}
    assert ours == {(tree, mode) for tree in ("A 2k", "B stdlib+app")
                    for mode in ("cold", "warm", "incremental", "single-file")}
    for m in data["measurements"]:
        if m["tool"] == "flaskglobals-lint":
            assert m["wall"] and all(w > 0 for w in m["wall"]) and all(r > 0 for r in m["rss_mb"])
            assert set(m["exit_codes"]) <= {0, 1}
    assert data["machine"]["cpus"] >= 1
    assert "| target | ratio | met |" in proc.stdout


def test_realworld_measure_reports_precision_and_unjudged_findings(tmp_path: Path) -> None:
    clone = tmp_path / "clones" / "someone+app"
    clone.mkdir(parents=True)
    (clone / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\nN = []\nM = {}\n\n"
        "@app.route('/')\ndef index():\n    N.append(1)\n    M['k'] = M.get('k', 0) + 1\n    return ''\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=clone, check=True)
    subprocess.run([*git, "add", "."], cwd=clone, check=True)
    subprocess.run([*git, "commit", "-qm", "app"], cwd=clone, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip()
    data = tmp_path / "data"
    (data / "apps").mkdir(parents=True)
    (data / "judgments").mkdir()
    (data / "apps" / "someone+app.json").write_text(json.dumps(
        {"repo": "someone/app", "commit": commit, "python_lines": 10, "size_class": "small"}))
    (data / "judgments" / "someone+app.jsonl").write_text(
        json.dumps({"path": "app.py", "line": 8, "code": "FGL002", "verdict": "real", "family": "x", "note": ""})
        + "\n" + json.dumps({"path": "app.py", "line": 99, "code": "FGL002", "verdict": "false",
                              "family": "gone", "note": ""})
        # recorded misses: one at the judged-real finding's line (found), one nowhere (still missed)
        + "\n" + json.dumps({"path": "app.py", "line": 8, "code": "", "verdict": "missed", "family": "m", "note": ""})
        + "\n" + json.dumps({"path": "app.py", "line": 5, "code": "", "verdict": "missed", "family": "n", "note": ""})
        + "\n")
    # The fix of line 9 (a read-modify-write: a safe lock fix), judged; line 8's lone append has none.
    fix_verdict = {"path": "app.py", "line": 9, "code": "FGL002", "applicability": "safe", "verdict": "accept"}
    (data / "judgments" / "someone+app.fixes.jsonl").write_text(json.dumps(fix_verdict) + "\n")
    script = Path(__file__).parent.parent / "bench" / "realworld" / "measure.py"
    run = subprocess.run([sys.executable, str(script), "--apps", str(tmp_path / "clones"), "--data", str(data)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["someone+app", "small", "1/1", "=", "100%", "unjudged:", "1", "vanished:", "1"]
    assert lines[1:] == ["small   precision 1/1 = 100%", "overall precision 1/1 = 100%",
                         "recorded misses now found 1/2",
                         "fixes offered 1 (safe 1, unsafe 0); accepted as written: safe 1/1, unsafe 0/0",
                         "to judge: someone+app app.py:9 FGL002", "still missed: someone+app app.py:5 (n)"]
