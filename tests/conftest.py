from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def cli_command() -> list[str]:
    """The installed console script, as a user runs it (``python -m`` if not on PATH)."""
    script = Path(sys.executable).parent / "flaskglobals-lint"
    if script.exists():
        return [str(script)]
    found = shutil.which("flaskglobals-lint")
    return [found] if found else [sys.executable, "-m", "flaskglobals_lint"]


@pytest.fixture
def run_cli():
    def run(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.pop("NO_COLOR", None)
        if env:
            full_env.update(env)
        return subprocess.run([*cli_command(), *args], cwd=cwd, env=full_env, capture_output=True,
                              text=True, timeout=timeout)
    return run
