"""Run the whole analysis (no pre-pass, no cache) over real code at scale and
report what happened: files, lines, time, and every FGL900 by reason.

    python bench/sweep.py                     # this interpreter's stdlib (tests included) + site-packages
    python bench/sweep.py PATH [PATH ...]

Exits 1 if the run itself failed (an exception escaped); FGL900s are listed,
not failures: they are syntax errors or documented limits.
"""
from __future__ import annotations

import collections
import re
import site
import sys
import sysconfig
import time
from pathlib import Path

from flaskglobals_lint import lint_paths
from flaskglobals_lint.engine import RunOptions
from flaskglobals_lint.settings import Settings


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        return 0
    roots = [Path(p) for p in argv] or [Path(sysconfig.get_paths()["stdlib"]), *map(Path, site.getsitepackages())]
    # Include what the defaults would skip: tests and site-packages are the point here.
    settings = Settings(exclude=("__pycache__",))
    started = time.perf_counter()
    result = lint_paths([str(r) for r in roots], settings, RunOptions(cache=False, prepass=False))
    elapsed = time.perf_counter() - started
    errors = [d for d in result.diagnostics if d.code == "FGL900"]
    reasons = collections.Counter(re.sub(r"'.*?'|\d+", "…", d.message.split(": ", 1)[1])[:90] for d in errors)
    print(f"roots: {', '.join(map(str, roots))}")
    print(f"files: {result.files_checked}, analysed: {result.files_analysed}, time: {elapsed:.1f} s")
    print(f"findings: {len(result.diagnostics) - len(errors)} (race findings in library code), FGL900: {len(errors)}")
    for reason, count in reasons.most_common():
        print(f"  {count:5d}  {reason}")
    for d in errors:
        print(f"    {d.path}:{d.line}: {d.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
