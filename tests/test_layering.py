"""The package's modules form layers: no import cycles, and no lower layer imports a higher one.

Imports are read with ``ast`` (module level and inside functions; blocks under
``if TYPE_CHECKING:`` are left out, since they never run).  The demo apps are
sample input for ``--demo``, not modules of the package.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Optional

PACKAGE = "flaskglobals_lint"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE
EXCLUDED = (ROOT / "demo" / "apps",)

# Lowest first; a module may import from its own layer or lower ones only.  A name is a
# module or a package (and then everything in it); the longest name that matches wins.
LAYERS: list[tuple[str, ...]] = [
    ("_version", "settings", "safe_io", "output", "diagnostics", "datacodec"),
    # The vocabulary: names only, importing nothing of the package; every stage may read it.
    ("frameworks", "frameworks.flask", "frameworks.stdlib", "frameworks.backends"),
    ("discovery",),
    ("facts",),
    ("program",),
    # The framework adapters (one interface, a registry) over the linked program.
    ("frameworks.flask_entries", "frameworks.adapter", "frameworks.flask_sock", "frameworks.flask_appbuilder",
     "frameworks.background",
     "frameworks.registry"),
    ("state",),
    ("rules",),
    ("report",),
    # The fixer: the rules' fix plans made into edits, with libcst.
    ("fix.lines",),
    ("fix.module",),
    ("fix.blocks",),
    ("fix",),
    ("engine", "replay"),
    ("cli", "rulebook", "fixing", "flake8_plugin", "docs", "demo", "__init__", "__main__"),
]


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if any(path.is_relative_to(e) for e in EXCLUDED):
            continue
        parts = (PACKAGE,) + path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth, skipping ``if TYPE_CHECKING:`` bodies."""
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, (ast.Import, ast.ImportFrom)):
            yield current
        elif isinstance(current, ast.If) and is_type_checking(current.test):
            todo.extend(current.orelse)  # the else branch runs
        else:
            todo.extend(ast.iter_child_nodes(current))


def containing_module(name: str, modules: dict[str, Path]) -> Optional[str]:
    """The longest prefix of ``name`` that is a module of the package (``import a.b.c`` imports a.b.c)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in import_nodes(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # ``from pkg import name``: the submodule pkg.name if there is one, else pkg itself.
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for name in names:
            target = containing_module(name, modules) if name.split(".")[0] == PACKAGE else None
            if target is not None and target != module:
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; only the components with more than one module (cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def layer_of(module: str) -> int:
    """The layer of a module: the longest layer name that is the module or a package holding it."""
    name = module[len(PACKAGE) + 1:] if module != PACKAGE else "__init__"
    best: Optional[tuple[int, int]] = None  # (length of the matching name, layer)
    for layer, names in enumerate(LAYERS):
        for prefix in names:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), layer)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[1]


# ----------------------------------------------------------------- the helpers themselves
def test_strongly_connected_finds_cycles_and_only_them() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["d", "e"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_strongly_connected_handles_long_chains_without_recursion() -> None:
    chain = {f"m{i}": {f"m{i + 1}"} for i in range(5000)}
    chain["m5000"] = {"m0"}
    assert [len(c) for c in strongly_connected(chain)] == [5001]


def test_imports_are_resolved(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "sub/__init__.py", "sub/a.py", "sub/b.py", "c.py", "d.py", "e.py"):
        (pkg / name).write_text("")
    (pkg / "sub" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"  # a submodule
        "from .. import c as see\n"
        "from ..sub import VALUE\n"  # a name: the package
        "if TYPE_CHECKING:\n"
        "    from .. import d\n"
        "else:\n"
        "    import os\n"
        "def f():\n"
        f"    import {PACKAGE}.e.x\n"
    )
    modules = {m: pkg / "x.py" for m in (PACKAGE, f"{PACKAGE}.sub", f"{PACKAGE}.sub.a", f"{PACKAGE}.sub.b",
                                         f"{PACKAGE}.c", f"{PACKAGE}.d", f"{PACKAGE}.e")}
    found = imported_modules(f"{PACKAGE}.sub.a", pkg / "sub" / "a.py", modules)
    assert found == {f"{PACKAGE}.sub.b", f"{PACKAGE}.c", f"{PACKAGE}.sub", f"{PACKAGE}.e"}
    init = imported_modules(f"{PACKAGE}.sub", pkg / "sub" / "__init__.py", modules)
    assert init == set()


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.engine" in graph and f"{PACKAGE}.facts.extract" in graph
    assert not any(m.startswith(f"{PACKAGE}.demo.apps") for m in graph)
    assert f"{PACKAGE}.program.symbols" in graph[f"{PACKAGE}.program.callgraph"]
    assert f"{PACKAGE}.frameworks.flask" in graph[f"{PACKAGE}.frameworks.flask_entries"]


# -------------------------------------------------------------------------- the package
def test_no_import_cycles() -> None:
    cycles = strongly_connected(import_graph())
    assert not cycles, "import cycles between modules:\n" + "\n".join("  " + " <-> ".join(c) for c in cycles)


def test_every_module_has_a_layer() -> None:
    for module in import_graph():
        layer_of(module)


def test_lower_layers_never_import_higher_ones() -> None:
    graph = import_graph()
    violations = [
        f"  {module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in sorted(graph.items()) for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert not violations, "imports from a higher layer:\n" + "\n".join(violations)
