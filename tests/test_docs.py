"""The README and docs/rules/ are made from the rules' docstrings and a real run."""
from __future__ import annotations

import re
from pathlib import Path

from flaskglobals_lint.docs import readme_with_table, rule_page
from flaskglobals_lint.rules import ALL_RULES
from flaskglobals_lint.rules.base import DOC_SECTIONS

ROOT = Path(__file__).parent.parent


def test_every_rule_documents_every_section() -> None:
    for rule in ALL_RULES:
        doc = rule.documentation()
        for section in DOC_SECTIONS:
            assert f"## {section}\n" in doc, (rule.code, section)
        if not rule.code.startswith("FGL9"):  # FGL9xx are about the run, not races: nothing to demo
            assert f"flaskglobals-lint --demo {rule.code}" in doc


def test_rule_pages_are_up_to_date() -> None:
    for rule in ALL_RULES:
        page = ROOT / "docs" / "rules" / f"{rule.code}.md"
        assert page.read_text(encoding="utf-8") == rule_page(rule), \
            f"{page} is stale: run python -m flaskglobals_lint.docs"


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_table(readme) == readme, "README table is stale: run python -m flaskglobals_lint.docs"


def test_readme_example_output_is_a_real_run(run_cli) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- example-output:start -->\n```text\n(.*?)```\n<!-- example-output:end -->",
                      readme, re.DOTALL)
    assert block is not None
    proc = run_cli("examples/", cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stdout + proc.stderr == block.group(1)


def test_readme_names_the_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install . && flaskglobals-lint examples/" in readme
    assert "pip install -e '.[test]' && pytest" in readme
    assert "pip install -e '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_readme_demo_block_has_the_shape_of_a_real_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- demo-output:start -->\n```text\n(.*?)```\n<!-- demo-output:end -->", readme, re.DOTALL)
    assert block is not None
    text = block.group(1)
    assert re.search(r"on Werkzeug threaded server, 1 process on http://127\.0\.0\.1:\d+\n", text) or \
        re.search(r"on gunicorn, 2 worker processes on http://127\.0\.0\.1:\d+\n", text)
    assert re.search(r"  result: race shown, remedy holds(, --fix holds)? \(\d+\.\d s\)\n", text)
    assert re.search(r"  --fix:  buggy_app.py after --fix \(fixed 1 problem in 1 file, lints clean\), on ", text)
    assert text.endswith("demonstrations showed the race and the remedy holding.\n")


def test_readme_benchmark_table_is_the_committed_real_run() -> None:
    import json
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from run import report

    data = json.loads((ROOT / "bench" / "results.json").read_text())
    assert data["smoke"] is False and len(data["measurements"]) == 43
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report(data) in readme
    assert f"{data['machine']['cpus']} CPUs, Python {data['machine']['python']}" in readme


def test_readme_configuration_example_is_a_valid_config(tmp_path: Path) -> None:
    from flaskglobals_lint.cli import rule_ids
    from flaskglobals_lint.settings import load_settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.flaskglobals-lint\]\n.*?)```", readme, re.DOTALL)
    assert block is not None
    (tmp_path / "pyproject.toml").write_text(block.group(1), encoding="utf-8")
    settings = load_settings(None, tmp_path, rule_ids())
    assert (settings.select, settings.extend_select, settings.processes) == (("FGL",), ("FGL011",), 4)


def test_the_repository_root_lints_clean(run_cli) -> None:
    """The package has no Flask app: the races are in the excluded cases, fixtures and demo apps."""
    proc = run_cli(".", cwd=ROOT)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert re.fullmatch(r"All checks passed: \d+ files\.\n", proc.stdout), proc.stdout


def test_show_entry_points_lists_what_the_analysis_understood(run_cli) -> None:
    proc = run_cli("--show-entry-points", "examples/", cwd=ROOT)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (
        "examples/bookshop/catalog.py:15: route: route GET /books/<slug>\n"
        "examples/bookshop/orders.py:13: route: route POST /orders/<slug>\n"
        "examples/bookshop/orders.py:25: route: route POST /admin/currency\n"
        "3 entry points in 4 files.\n")
