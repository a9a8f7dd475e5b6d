"""The progress bar: on a terminal for runs over a few hundred files, and nowhere else."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flaskglobals_lint.report.progress import MIN_FILES, ProgressBar

from .conftest import cli_command

BUGGY = ("from flask import Flask\napp = Flask(__name__)\nseen = []\n\n"
         "@app.route('/')\ndef index():\n    seen.append(len(seen))\n")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def tree(root: Path, files: int) -> Path:
    root.mkdir()
    (root / "app.py").write_text(BUGGY)
    for index in range(files - 1):
        (root / f"m{index}.py").write_text(f"X{index} = {index}\n")
    return root


def run_on_a_terminal(args: list[str], cwd: Path) -> tuple[str, str, int]:
    """Run the console script with stderr on a pseudo-terminal (stdout to a file): (stderr, stdout, status)."""
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX only")
    main, child = pty.openpty()
    with open(cwd / "stdout.txt", "w+") as out:
        proc = subprocess.Popen([*cli_command(), *args], cwd=cwd, stdout=out, stderr=child,
                                env=dict(os.environ, COLUMNS="100"))
        os.close(child)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        status = proc.wait(timeout=120)
        os.close(main)
        out.seek(0)
        return b"".join(chunks).decode(), out.read(), status


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_a_long_run_on_a_terminal_shows_progress_then_clears_it(tmp_path: Path) -> None:
    tree(tmp_path / "p", MIN_FILES + 1)
    stderr, stdout, status = run_on_a_terminal(["--no-cache", "-j", "1", "p"], tmp_path)
    assert status == 1
    assert stderr.count("Analysing files") >= 2
    assert f"{MIN_FILES + 1}/{MIN_FILES + 1}" in stderr
    # The bar's line is erased and the cursor shown again before the report.
    assert stderr.endswith("\r\x1b[2K\x1b[?25h")
    assert stdout.startswith("p/app.py:7:5: FGL002 [*] shared 'seen' (line 3) changed at request time")
    assert stdout.endswith(f"Found 1 problem (1 FGL002) in 1 of {MIN_FILES + 1} files.\n[*] 1 fixable with --fix.\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_quiet_and_short_runs_show_no_progress(tmp_path: Path) -> None:
    tree(tmp_path / "p", MIN_FILES + 1)
    stderr, _, status = run_on_a_terminal(["--no-cache", "-q", "p"], tmp_path)
    assert (stderr, status) == ("", 1)
    tree(tmp_path / "small", MIN_FILES - 1)
    stderr, _, status = run_on_a_terminal(["--no-cache", "small"], tmp_path)
    assert (stderr, status) == ("", 1)


def test_piped_stderr_gets_no_progress(tmp_path: Path) -> None:
    tree(tmp_path / "p", MIN_FILES + 1)
    proc = subprocess.run([*cli_command(), "--no-cache", "p"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == ""


def test_the_bar_counts_what_it_is_told_and_only_past_the_threshold() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, min_files=3)
    bar(0, 2)
    bar(2, 2)
    assert stream.getvalue() == ""
    bar(0, 3)
    bar(3, 3)
    bar.close()
    text = stream.getvalue()
    assert "0/3" in text and "3/3" in text and text.endswith("\r\x1b[2K\x1b[?25h")
    not_a_terminal = io.StringIO()
    quiet = ProgressBar(not_a_terminal, min_files=1)
    quiet(1, 5)
    quiet.close()
    assert not_a_terminal.getvalue() == ""


def test_a_second_run_gets_a_new_bar_from_zero() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, min_files=1)
    bar(2, 2)
    bar.close()
    bar(1, 2)
    assert stream.getvalue().endswith("  1/2")  # counted from 0 again, not from the first run's 2
