"""Documentation made from the rules' own docstrings: the README table and docs/rules/*.md.

``python -m flaskglobals_lint.docs`` rewrites both; a test fails when they are stale.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .rules import ALL_RULES

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def rules_table() -> str:
    rows = ["| Code | Name | What it finds | On by default |", "|---|---|---|---|"]
    for rule in ALL_RULES:
        link = f"[{rule.code}](docs/rules/{rule.code}.md)"
        default = "yes" if rule.enabled_by_default else "no"
        if rule.enabled_with_processes:
            default = "when the app runs several worker processes"
        if rule.code == "FGL900":
            default = "yes (an error, not a rule)"
        elif rule.code == "FGL901":
            default = "no (select it: `--extend-select FGL901`)"
        rows.append(f"| {link} | `{rule.name}` | {rule.summary} | {default} |")
    return "\n".join(rows) + "\n"


def rule_page(rule: type) -> str:
    return rule.documentation()  # type: ignore[attr-defined,no-any-return]


def readme_with_table(readme: str) -> str:
    pattern = re.compile(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), re.DOTALL)
    return pattern.sub(lambda _: f"{TABLE_START}\n{rules_table()}{TABLE_END}", readme)


def write_all(root: Path) -> list[Path]:
    """Regenerate the docs under ``root``; returns the files that changed."""
    changed = []
    folder = root / "docs" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    for rule in ALL_RULES:
        target = folder / f"{rule.code}.md"
        text = rule_page(rule)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    readme = root / "README.md"
    if readme.exists():
        old = readme.read_text(encoding="utf-8")
        new = readme_with_table(old)
        if new != old:
            readme.write_text(new, encoding="utf-8")
            changed.append(readme)
    return changed


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    for path in write_all(root):
        print(f"updated {path}")
