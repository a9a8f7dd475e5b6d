"""Sizes of the package's code: module and class line counts, function McCabe complexity.

    python bench/sizes.py               # a plain table: what is over the limits, then the top 10 of each
    python bench/sizes.py --json        # the same as JSON

Limits: a module over 500 lines, a class over 300 lines, a function with a
McCabe complexity over 15.  Complexity is flake8's (the ``mccabe`` package):
a nested function counts towards the function that holds it.  The demo apps
(``flaskglobals_lint/demo/apps``) are sample input, not the package's code,
and are left out.  The script only reports: it always exits 0.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional

import mccabe  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "flaskglobals_lint"
EXCLUDED = (PACKAGE / "demo" / "apps",)
LIMITS = {"module": 500, "class": 300, "function": 15}


@dataclass(frozen=True)
class Measure:
    kind: str  # module | class | function
    name: str  # "flaskglobals_lint/engine.py", "Project", "Project.callees"
    path: str  # relative to the repository
    line: int
    value: int  # lines for modules and classes, McCabe complexity for functions

    @property
    def over(self) -> bool:
        return self.value > LIMITS[self.kind]


class _FunctionGraphs(mccabe.PathGraphingAstVisitor):
    """mccabe's visitor, keeping every top-level function's graph.

    mccabe files graphs under ``Class.name``, so a second function of the same
    name (a property's setter, a redefinition) would hide the first one.
    """

    def __init__(self) -> None:
        super().__init__()
        self.functions: list[Any] = []

    def visitFunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:  # mccabe dispatches by name
        outermost = self.graph is None
        super().visitFunctionDef(node)
        if outermost:
            self.functions.append(self.graphs[f"{self.classname}{node.name}"])

    visitAsyncFunctionDef = visitFunctionDef


def package_files(package: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if not any(p.is_relative_to(e) for e in EXCLUDED))


def classes(tree: ast.AST, prefix: str = "") -> list[tuple[str, ast.ClassDef]]:
    """Every class, nested ones included, with a dotted name (functions in the name are left out)."""
    out: list[tuple[str, ast.ClassDef]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            name = f"{prefix}{node.name}"
            out.append((name, node))
            out.extend(classes(node, f"{name}."))
        else:
            out.extend(classes(node, prefix))
    return out


def measure_file(path: Path) -> list[Measure]:
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(text, filename=str(path))
    out = [Measure("module", rel, rel, 1, len(text.splitlines()))]
    for name, node in classes(tree):
        end = node.end_lineno or node.lineno
        out.append(Measure("class", name, rel, node.lineno, end - node.lineno + 1))
    visitor = _FunctionGraphs()
    visitor.preorder(tree, visitor)
    for graph in visitor.functions:
        out.append(Measure("function", graph.entity, rel, graph.lineno, graph.complexity()))
    return out


def measure(files: Optional[list[Path]] = None) -> list[Measure]:
    return [m for path in (files if files is not None else package_files()) for m in measure_file(path)]


def summary(measures: list[Measure], top: int) -> dict[str, Any]:
    out: dict[str, Any] = {"limits": LIMITS, "over": {}, "top": {}}
    for kind in LIMITS:
        ranked = sorted((m for m in measures if m.kind == kind), key=lambda m: (-m.value, m.path, m.line))
        out["over"][kind] = [asdict(m) for m in ranked if m.over]
        out["top"][kind] = [asdict(m) for m in ranked[:top]]
    return out


def plural(kind: str) -> str:
    return "classes" if kind == "class" else f"{kind}s"


def table(rows: list[dict[str, Any]], kind: str) -> list[str]:
    unit = "complexity" if kind == "function" else "lines"
    if not rows:
        return ["  (none)"]
    width = max(len(r["name"]) for r in rows)
    lines = [f"  {'name':<{width}}  {unit:>10}  where"]
    for r in rows:
        lines.append(f"  {r['name']:<{width}}  {r['value']:>10}  {r['path']}:{r['line']}")
    return lines


def render(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for kind, limit in LIMITS.items():
        unit = "complexity" if kind == "function" else "lines"
        lines.append(f"{plural(kind)} over the limit ({unit} > {limit}): {len(data['over'][kind])}")
        lines.extend(table(data["over"][kind], kind))
        lines.append("")
    for kind in LIMITS:
        lines.append(f"top {len(data['top'][kind])} {plural(kind)}")
        lines.extend(table(data["top"][kind], kind))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--top", type=int, default=10, help="how many of each to list (default 10)")
    args = parser.parse_args(argv)
    data = summary(measure(), args.top)
    sys.stdout.write(json.dumps(data, indent=2) + "\n" if args.json else render(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
