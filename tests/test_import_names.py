"""Import names from the layout: folders without ``__init__.py`` (namespace packages, sibling
folders on ``sys.path``) give a module longer names, used where only one file can have them."""
from __future__ import annotations

from pathlib import Path

from flaskglobals_lint.discovery.sources import SourceFile, import_index, import_names


def test_a_module_in_plain_folders_is_also_named_through_them() -> None:
    assert import_names("app/manager/model_manager.py", "model_manager", False) == [
        "manager.model_manager", "app.manager.model_manager"]


def test_a_package_chain_is_kept_and_prefixed() -> None:
    assert import_names("src/shop/cart/__init__.py", "shop.cart", True) == ["src.shop.cart"]
    assert import_names("src/shop/cart/models.py", "shop.cart.models", False) == ["src.shop.cart.models"]


def test_folders_that_are_not_names_stop_the_prefix() -> None:
    assert import_names("my-app/manager/model_manager.py", "model_manager", False) == [
        "manager.model_manager"]
    assert import_names("../x/model_manager.py", "model_manager", False) == ["x.model_manager"]
    assert import_names("model_manager.py", "model_manager", False) == []


def test_the_prefix_is_bounded() -> None:
    names = import_names("a/b/c/d/e/f/mod.py", "mod", False)
    assert names == ["f.mod", "e.f.mod", "d.e.f.mod", "c.d.e.f.mod"]


def source(display: str, module: str, is_package: bool = False) -> SourceFile:
    return SourceFile(Path("/p") / display, display, module, is_package)


def test_the_index_keeps_real_names_first_and_drops_ambiguous_longer_ones() -> None:
    files = [source("one/tools/util.py", "util"), source("two/tools/util.py", "util"),
             source("one/tools/report.py", "report"), source("tools/__init__.py", "tools", True),
             source("lib/helpers.py", "helpers")]
    index = import_index(files)
    assert index["util"] is files[0]                  # the first file of a name, as before
    assert "tools.util" not in index                  # two files could be it: neither is
    assert index["one.tools.util"] is files[0] and index["two.tools.util"] is files[1]
    assert index["tools.report"] is files[2]
    assert index["tools"] is files[3]                 # a real package beats a longer name
    assert index["lib.helpers"] is files[4] and "helpers" in index
