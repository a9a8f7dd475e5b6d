"""Re-measure precision on the judged public Flask applications.

    python bench/realworld/measure.py --apps DIR

DIR holds one clone per application, named ``<owner>+<name>`` (as in
``apps/``), checked out at the judged commit.  The installed tool lints each
one; every finding is matched to its judgment by (path, line, code).
Precision counts ``real`` judgments only: ``false`` and ``debatable`` are not
real.  Findings without a judgment are listed, to be judged and added;
judgments that match no finding any more are listed too (a fixed false alarm,
or a lost true one).

Judgments with the verdict ``missed`` are real hazards a reader found that the
tool did not report when the app was judged (code ''): the recall set.  A miss
counts as found when the tool now reports any finding judged real at its path
and line, or at the line its ``reported_at`` names (where the tool reports that
hazard: a check-then-start at the started work's store, with the test's line in
the message); the others are listed.

``--fix`` fixes are judged too, in ``judgments/<app>.fixes.jsonl`` (one line per
finding with a fix: path, line, code, the applicability it had, and the verdict
``accept`` (a reader would take the diff as written) or ``reject``, with why).
The fixes are read from the JSON report's ``fix`` objects (``--unsafe-fixes``
marks nothing: the applicability says whether ``--fix`` alone makes it).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("real", "false", "debatable")


@dataclass
class AppResult:
    name: str
    size_class: str
    counts: Counter[str] = field(default_factory=Counter)
    unjudged: list[tuple[str, int, str]] = field(default_factory=list)
    vanished: list[tuple[str, int, str, str]] = field(default_factory=list)
    false_families: Counter[str] = field(default_factory=Counter)
    # Findings judged false or debatable that the tool still reports: (path, line, code, family).
    remaining: list[tuple[str, int, str, str]] = field(default_factory=list)
    skipped: str = ""
    # Recorded misses (path, line, family), and those the tool now reports.
    misses: list[tuple[str, int, str, int]] = field(default_factory=list)
    misses_found: list[tuple[str, int, str, int]] = field(default_factory=list)
    # Findings with a fix: their applicability; and the fix verdicts that match them.
    fixes: dict[tuple[str, int, str], str] = field(default_factory=dict)
    fix_verdicts: Counter[str] = field(default_factory=Counter)
    fixes_unjudged: list[tuple[str, int, str, str]] = field(default_factory=list)

    @property
    def judged(self) -> int:
        return sum(self.counts[v] for v in VERDICTS)


def load_judgments(data: Path, name: str) -> dict[tuple[str, int, str], dict[str, object]]:
    path = data / "judgments" / f"{name}.jsonl"
    out: dict[tuple[str, int, str], dict[str, object]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            if entry.get("verdict") in VERDICTS:
                out[(str(entry["path"]), int(entry["line"]), str(entry["code"]))] = entry
    return out


def load_misses(data: Path, name: str) -> list[tuple[str, int, str, int]]:
    path = data / "judgments" / f"{name}.jsonl"
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(str(e["path"]), int(e["line"]), str(e.get("family", "?")), int(e.get("reported_at", 0)))
            for e in entries if e.get("verdict") == "missed"]


def lint(clone: Path) -> list[dict[str, object]]:
    run = subprocess.run([sys.executable, "-I", "-m", "flaskglobals_lint", "--no-cache", "--format", "json", "."],
                         cwd=clone, capture_output=True, text=True, timeout=900)
    if run.returncode not in (0, 1):
        raise RuntimeError(run.stderr.strip() or f"exit {run.returncode}")
    return [d for d in json.loads(run.stdout) if d["code"] != "FGL900"]


def load_fix_verdicts(data: Path, name: str) -> dict[tuple[str, int, str], dict[str, object]]:
    path = data / "judgments" / f"{name}.fixes.jsonl"
    if not path.exists():
        return {}
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(str(e["path"]), int(e["line"]), str(e["code"])): e for e in entries}


def measure(name: str, app: dict[str, object], apps_dir: Path, data: Path) -> AppResult:
    result = AppResult(name, str(app.get("size_class", "?")))
    clone = apps_dir / name
    if not clone.is_dir():
        result.skipped = "no clone"
        return result
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True).stdout.strip()
    if head and head != app.get("commit"):
        result.skipped = f"clone at {head[:12]}, judged at {str(app.get('commit'))[:12]}"
        return result
    judgments = load_judgments(data, name)
    try:
        report = lint(clone)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        result.skipped = f"lint failed: {exc}"
        return result
    found = [(str(d["path"]), int(str(d["line"])), str(d["code"])) for d in report]
    result.fixes = {key: str(d["fix"]["applicability"]) for key, d in zip(found, report)  # type: ignore[index]
                    if d.get("fix")}
    fix_verdicts = load_fix_verdicts(data, name)
    for key, applicability in result.fixes.items():
        verdict = fix_verdicts.get(key)
        if verdict is None or verdict.get("applicability") != applicability:
            result.fixes_unjudged.append((*key, applicability))
        else:
            result.fix_verdicts[f"{applicability} {verdict['verdict']}"] += 1
    for finding in found:
        entry = judgments.get(finding)
        if entry is None:
            result.unjudged.append(finding)
            continue
        verdict = str(entry["verdict"])
        result.counts[verdict] += 1
        if verdict != "real":
            result.false_families[str(entry.get("family", "?"))] += 1
            result.remaining.append((*finding, str(entry.get("family", "?"))))
    present = set(found)
    real_at = {(path, line) for path, line, code in found
               if str(judgments.get((path, line, code), {}).get("verdict")) == "real"}
    result.misses = load_misses(data, name)
    result.misses_found = [m for m in result.misses if m[:2] in real_at or (m[0], m[3]) in real_at]
    result.vanished = [(*key, str(entry["verdict"])) for key, entry in judgments.items() if key not in present]
    return result


def precision(real: int, judged: int) -> str:
    return f"{real}/{judged} = {100 * real / judged:.0f}%" if judged else "no findings"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=Path, required=True, help="folder of clones named <owner>+<name>")
    parser.add_argument("--data", type=Path, default=HERE, help="where apps/ and judgments/ are (default: here)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--list", action="store_true", help="also list every remaining false alarm")
    args = parser.parse_args()
    results = []
    for path in sorted((args.data / "apps").glob("*.json")):
        results.append(measure(path.stem, json.loads(path.read_text(encoding="utf-8")), args.apps, args.data))
    if args.json:
        print(json.dumps([{**r.__dict__, "counts": dict(r.counts), "false_families": dict(r.false_families)}
                          for r in results], indent=2))
        return 0
    by_class: dict[str, Counter[str]] = {}
    for r in results:
        status = r.skipped or precision(r.counts["real"], r.judged)
        print(f"{r.name:<45} {r.size_class:<7} {status}"
              + (f"  false: {dict(r.false_families)}" if r.false_families else "")
              + (f"  unjudged: {len(r.unjudged)}" if r.unjudged else "")
              + (f"  vanished: {len(r.vanished)}" if r.vanished else ""))
        if not r.skipped:
            by_class.setdefault(r.size_class, Counter()).update(r.counts)
    total: Counter[str] = Counter()
    for size_class, counts in sorted(by_class.items()):
        total.update(counts)
        print(f"{size_class:<7} precision {precision(counts['real'], sum(counts[v] for v in VERDICTS))}")
    print(f"overall precision {precision(total['real'], sum(total[v] for v in VERDICTS))}")
    misses = sum(len(r.misses) for r in results if not r.skipped)
    found = sum(len(r.misses_found) for r in results if not r.skipped)
    print(f"recorded misses now found {found}/{misses}")
    fixes: Counter[str] = Counter()
    for r in results:
        fixes.update(r.fix_verdicts)
        fixes.update(applicability for applicability in r.fixes.values())
    offered = fixes["safe"] + fixes["unsafe"]
    print(f"fixes offered {offered} (safe {fixes['safe']}, unsafe {fixes['unsafe']}); accepted as written: "
          f"safe {fixes['safe accept']}/{fixes['safe accept'] + fixes['safe reject']}, "
          f"unsafe {fixes['unsafe accept']}/{fixes['unsafe accept'] + fixes['unsafe reject']}")
    for r in results:
        for path, line, code in r.unjudged:
            print(f"to judge: {r.name} {path}:{line} {code}")
        for path, line, code, verdict in r.vanished:
            if verdict == "real":
                print(f"lost real finding: {r.name} {path}:{line} {code}")
        for path, line, code, applicability in r.fixes_unjudged:
            print(f"fix to judge: {r.name} {path}:{line} {code} ({applicability})")
        for miss in r.misses:
            if miss not in r.misses_found:
                print(f"still missed: {r.name} {miss[0]}:{miss[1]} ({miss[2]})")
        if args.list:
            for path, line, code, family in r.remaining:
                print(f"not real: {r.name} {path}:{line} {code} ({family})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
