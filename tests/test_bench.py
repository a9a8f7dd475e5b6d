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
