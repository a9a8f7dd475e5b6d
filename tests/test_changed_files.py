"""Files named one by one (pre-commit passes only the changed ones) are judged
with the project around them: imports are followed to unchanged files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flaskglobals_lint import lint_paths
from flaskglobals_lint.discovery.imports import imported_modules

CASE = Path(__file__).parent / "cases" / "shared_p02_cross_module_helper"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CASE, tmp_path / "proj")
    (tmp_path / "proj" / "pyproject.toml").write_text("[project]\nname = 'blog'\n")
    (tmp_path / "proj" / "blog" / "about.py").write_text("def about():\n    return 'about'\n")
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"


def found(paths: list[str]) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.code) for d in lint_paths(paths).diagnostics]


def test_changed_view_reaches_the_write_in_an_unchanged_helper(project: Path) -> None:
    assert found(["blog/views.py"]) == [("blog/drafts.py", 5, "FGL002")]


def test_changed_helper_is_judged_through_the_unchanged_view_that_calls_it(project: Path) -> None:
    assert found(["blog/drafts.py"]) == [("blog/drafts.py", 5, "FGL002")]


def test_unrelated_changed_file_reports_nothing_from_the_rest(project: Path) -> None:
    assert found(["blog/about.py"]) == []


def test_whole_folder_reports_everything(project: Path) -> None:
    assert found(["blog"]) == [("blog/drafts.py", 5, "FGL002")]


def test_imports_are_read_from_text_relative_and_absolute() -> None:
    text = "from .drafts import DRAFTS, save_draft\nimport os.path as p\nfrom .. import (a,\n  b)\n"
    assert imported_modules(text, "blog.views", False) == {
        "blog.drafts", "blog.drafts.DRAFTS", "blog.drafts.save_draft", "os", "os.path", "a", "b"}


def test_a_module_imported_by_its_literal_name_is_an_import() -> None:
    text = 'import importlib\nplugin = importlib.import_module("report_plugins.daily")\nimport_module(name)\n'
    assert imported_modules(text, "app", False) == {"importlib", "report_plugins", "report_plugins.daily"}


NAMESPACE_CASE = Path(__file__).parent / "cases" / "fgl003_namespace_package_import"


@pytest.mark.parametrize("changed", ["app.py", "stock_models/stock_manager.py"])
def test_a_namespace_package_links_the_changed_file_to_the_rest(
        changed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ``stock_models/`` has no ``__init__.py``: the view imports ``stock_models.stock_manager``.
    shutil.copytree(NAMESPACE_CASE, tmp_path / "proj")
    (tmp_path / "proj" / "pyproject.toml").write_text("[project]\nname = 'stock'\n")
    monkeypatch.chdir(tmp_path / "proj")
    assert found([changed]) == [("stock_models/stock_manager.py", 6, "FGL003")]
