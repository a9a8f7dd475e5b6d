"""Benchmark flaskglobals-lint against flake8, ruff and pylint, side by side, in one run.

    python bench/run.py                 # the full benchmark (tens of minutes)
    python bench/run.py --smoke         # a tiny run that only proves the harness works

Trees: A, a generated Flask-heavy project at 10k, 100k and 1M lines; B, this
interpreter's standard library (without its tests) plus a small Flask app; and
any real applications given with --app (clones you fetched: never committed).
Our tool runs cold (--no-cache), warm (unchanged tree, cache filled),
incremental (one file edited) and single-file (one route module, as
pre-commit runs it).  Each measurement is repeated; the table shows the
median with min-max, the peak RSS of the largest process and of all the run's
processes together, and ratios (ours / peer).  Raw numbers go to JSON.
Peers missing from the environment are reported as such, not guessed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from functools import partial
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Measurement:
    tree: str
    tool: str
    mode: str
    lines: int
    wall: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    # All the run's processes together (workers included; shared pages counted once), sampled every 20 ms.
    tree_rss_mb: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    def cell(self) -> str:
        if self.skipped:
            return f"n/a ({self.skipped})"
        return (f"{self.median:.2f} s ({min(self.wall):.2f}-{max(self.wall):.2f}), {max(self.rss_mb):.0f} MB"
                f" / {max(self.tree_rss_mb or [0]):.0f} MB all")


def _tree_rss_kb(root: int) -> int:
    """The memory of ``root`` and every process below it (Linux /proc; 0 elsewhere): each one's
    proportional set size, so that pages a forked worker shares with its parent count once."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            status = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("Pss:")), 0)
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def timed(argv: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, peak RSS in MB of the largest process and of all processes together, exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss / 1024
    return wall, largest, max(peak[0] / 1024, largest), proc.returncode


def measured(tree: tuple[str, Path, int], tool_name: str, mode: str, argv: Optional[list[str]], repeat: int,
             before: Optional[Callable[[], None]]) -> Measurement:
    label, root, lines = tree
    m = Measurement(label, tool_name, mode, lines)
    if argv is None:
        m.skipped = "not installed"
    else:
        for _ in range(repeat):
            if before is not None:
                before()
            wall, rss, tree_rss, code = timed(argv, root)
            m.wall.append(round(wall, 3))
            m.rss_mb.append(round(rss, 1))
            m.tree_rss_mb.append(round(tree_rss, 1))
            m.exit_codes.append(code)
    print(f"  {tool_name:<17} {mode:<12} {m.cell()}", flush=True)
    return m


def touch(path: Path) -> None:
    """Change one file the way an edit does (so its facts must be made again)."""
    with open(path, "a") as handle:
        handle.write(f"# touched {time.time_ns()}\n")


def tool(name: str) -> Optional[str]:
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def count_lines(root: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in root.rglob("*.py"))


def make_tree_b(target: Path, smoke: bool) -> Path:
    """The standard library (no tests, no site-packages) plus a small Flask app."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "test", "tests", "idlelib", "lib2to3", "__pycache__", "turtledemo"}
    count = 0
    for path in sorted(stdlib.rglob("*.py")):
        relative = path.relative_to(stdlib)
        if skip & set(relative.parts):
            continue
        destination = target / "stdlib" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        count += 1
        if smoke and count >= 40:
            break
    generate(target / "app", 2000 if not smoke else 1500, seed=3)
    return target


def route_module(root: Path) -> Path:
    """A module with routes: the one a developer edits (``views.py`` in tree A)."""
    views = sorted(root.rglob("views.py"))
    if views:
        return views[0]
    for path in sorted(root.rglob("*.py")):
        if ".route(" in path.read_text(encoding="utf-8", errors="replace"):
            return path
    return sorted(root.rglob("*.py"))[0]


def compile_ours() -> None:
    """Byte-compile the tool as ``pip install`` does: an editable install, or an environment with
    PYTHONDONTWRITEBYTECODE set, would otherwise compile every module from source on every run
    (about 40 ms of a warm run), which no installed copy does."""
    import flaskglobals_lint

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(flaskglobals_lint.__file__).parent)],
                   check=True, capture_output=True)


def run(args: argparse.Namespace) -> dict:
    ours = [sys.executable, "-m", "flaskglobals_lint"]
    compile_ours()
    flake8 = [tool("flake8")] if tool("flake8") else None
    ruff = [tool("ruff")] if tool("ruff") else None
    pylint = [tool("pylint")] if tool("pylint") else None
    sizes = [2000] if args.smoke else args.sizes
    reps = 1 if args.smoke else args.repeat
    work = Path(tempfile.mkdtemp(prefix="fgl-bench-"))
    results: list[Measurement] = []
    try:
        trees: list[tuple[str, Path]] = []
        for size in sizes:
            root = work / f"A{size}"
            generate(root, size, seed=1)
            trees.append((f"A {size // 1000}k" if size < 1_000_000 else f"A {size // 1_000_000}M", root))
        if not args.no_tree_b:
            trees.append(("B stdlib+app", make_tree_b(work / "B", args.smoke)))
        for app in args.app:
            copy = work / f"app-{app.name}"
            shutil.copytree(app, copy, ignore=shutil.ignore_patterns(".git"))
            trees.append((f"app {app.name}", copy))
        for label, root in trees:
            lines = count_lines(root)
            print(f"tree {label}: {lines} lines", flush=True)
            # The slow runs of a large tree (our cold run, flake8) are repeated --big-repeat times.
            slow = args.big_repeat if lines > 500_000 and not args.smoke else reps
            n = reps
            cache = ["--cache-dir", str(work / f"cache-{label.replace(' ', '_')}")]

            def measure(tool_name: str, mode: str, argv: Optional[list[str]], repeat: int = n,
                        before: Optional[Callable[[], None]] = None,
                        _tree: tuple[str, Path, int] = (label, root, lines)) -> None:
                results.append(measured(_tree, tool_name, mode, argv, repeat, before))

            measure("flaskglobals-lint", "cold", [*ours, "--no-cache", "."], repeat=slow)
            subprocess.run([*ours, *cache, "."], cwd=root, capture_output=True)  # fill the cache
            measure("flaskglobals-lint", "warm", [*ours, *cache, "."])
            target = route_module(root)
            measure("flaskglobals-lint", "incremental", [*ours, *cache, "."], before=partial(touch, target))
            single = str(target.relative_to(root))
            measure("flaskglobals-lint", "single-file", [*ours, "--no-cache", single])
            measure("flake8", "project", [*flake8, "-j", "2", "."] if flake8 else None, repeat=slow)
            measure("flake8", "single-file", [*flake8, single] if flake8 else None)
            measure("ruff", "project", [*ruff, "check", "--no-cache", "."] if ruff else None)
            if label.startswith("A") and lines < 20_000:
                measure("pylint", "project", [*pylint, "-j", "0", "benchapp"] if pylint else None, repeat=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "smoke": args.smoke,
        "measurements": [asdict(m) | {"median": m.median} for m in results],
    }


def find(data: dict, tree: str, tool_name: str, mode: str) -> Optional[dict]:
    for m in data["measurements"]:
        if m["tree"] == tree and m["tool"] == tool_name and m["mode"] == mode and not m["skipped"]:
            return m
    return None


TARGETS = [
    ("warm, nothing changed, A 100k: <= 1.0 x ruff --no-cache", "A 100k", ("flaskglobals-lint", "warm"),
     ("ruff", "project"), 1.0),
    ("one file changed, A 100k: <= 2.0 x ruff --no-cache", "A 100k", ("flaskglobals-lint", "incremental"),
     ("ruff", "project"), 2.0),
    ("cold, A 100k: <= 0.5 x flake8 -j2", "A 100k", ("flaskglobals-lint", "cold"), ("flake8", "project"), 0.5),
    ("warm, A 1M: <= 1.0 x ruff --no-cache", "A 1M", ("flaskglobals-lint", "warm"), ("ruff", "project"), 1.0),
    ("single file (A 100k): <= 1.5 x flake8 on it", "A 100k", ("flaskglobals-lint", "single-file"),
     ("flake8", "single-file"), 1.5),
]


def report(data: dict) -> str:
    rows = ["| tree | lines | tool | mode | runs | median wall (min-max) | peak RSS: largest process / all |",
            "|---|---|---|---|---|---|---|"]
    for m in data["measurements"]:
        if m["skipped"]:
            rows.append(f"| {m['tree']} | {m['lines']} | {m['tool']} | {m['mode']} | 0 | n/a ({m['skipped']}) | |")
            continue
        rows.append(f"| {m['tree']} | {m['lines']} | {m['tool']} | {m['mode']} | {len(m['wall'])} "
                    f"| {m['median']:.2f} s ({min(m['wall']):.2f}-{max(m['wall']):.2f}) "
                    f"| {max(m['rss_mb']):.0f} MB / {max(m.get('tree_rss_mb') or [0]):.0f} MB |")
    rows += ["", "| target | ratio | met |", "|---|---|---|"]
    for title, tree, ours, peer, limit in TARGETS:
        a, b = find(data, tree, *ours), find(data, tree, *peer)
        if a is None or b is None:
            rows.append(f"| {title} | n/a | not measured |")
            continue
        ratio = a["median"] / b["median"]
        rows.append(f"| {title} | {ratio:.2f} | {'yes' if ratio <= limit else 'no'} |")
    scaling = [find(data, f"A {s}", "flaskglobals-lint", "cold") for s in ("10k", "100k", "1M")]
    for small, large in zip(scaling, scaling[1:]):
        if small and large:
            ratio = large["median"] / small["median"]
            grow = large["lines"] / small["lines"]
            rows.append(f"| scaling {small['tree']} -> {large['tree']} ({grow:.1f}x lines): <= 11x time "
                        f"| {ratio:.1f}x | {'yes' if ratio <= 11 * grow / 10 else 'no'} |")
    big = find(data, "A 1M", "flaskglobals-lint", "cold")
    if big:
        peak = max(big.get("tree_rss_mb") or big["rss_mb"])
        rows.append(f"| cold, A 1M: peak RSS of all processes <= 500 MB | {peak:.0f} MB "
                    f"| {'yes' if peak <= 500 else 'no'} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny trees, one repetition: checks the harness")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-repeat", type=int, default=1,
                        help="repetitions of the cold runs on trees over 500k lines (minutes each)")
    parser.add_argument("--no-tree-b", action="store_true")
    parser.add_argument("--app", type=Path, action="append", default=[],
                        help="a real application's folder to measure too (copied; its .git is left out)")
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write the raw numbers (default: bench/results.json; a --smoke run "
                             "writes to the temporary folder, never over the committed results)")
    args = parser.parse_args()
    if args.output is None:
        args.output = (Path(tempfile.gettempdir()) / "flaskglobals-lint-bench-smoke.json" if args.smoke
                       else Path(__file__).parent / "results.json")
    data = run(args)
    args.output.write_text(json.dumps(data, indent=2) + "\n")
    print()
    print(f"{data['machine']['cpus']} CPUs, Python {data['machine']['python']}, {data['machine']['platform']}")
    print(report(data))
    print(f"raw numbers: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
