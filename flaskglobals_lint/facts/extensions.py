"""What one module sets up for the process: extension constructors and storage settings
(``frameworks.backends``), and the threads it starts (``frameworks.background``).

Read from the module's ``ast`` twin, and only when its text names one of the
catalogues' constructors, keys or starters: most modules never pay for the scan.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Union

from ..frameworks.backends import (
    CONFIG_KEYS, CONSTRUCTOR_NAMES, EXTERNAL_CONFIG_LOADERS, MARKERS, STORAGE_KEYWORDS,
)
from ..frameworks.stdlib import THREAD_START_NAMES
from .model import EXTERNAL_CONFIG, Construction, ModuleFacts, Span, ThreadStart

Setting = tuple[str, Optional[str]]


def record_extensions(facts: ModuleFacts, text: str, tree: Optional[ast.Module],
                      column: Callable[[int, int], int]) -> None:
    """Fill ``facts.constructions`` and ``facts.backend_settings``; ``column`` turns ast's byte
    offsets into characters."""
    if tree is not None and "processes" in text:
        facts.run_processes = max(_run_processes(tree), default=(0, 0))
    if tree is None or not any(marker in text for marker in MARKERS + THREAD_START_NAMES):
        return
    constructions: list[Construction] = []
    starts: list[ThreadStart] = []
    settings: list[tuple[str, Optional[str], Span]] = []

    def span(node: ast.expr) -> Span:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return Span(node.lineno, column(node.lineno, node.col_offset) + 1, end_line, column(end_line, end_col) + 1)

    # ``from apscheduler.schedulers.background import BackgroundScheduler as BScheduler``
    aliases = {alias.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.asname and alias.name in CONSTRUCTOR_NAMES}
    for node, scope in _nodes(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name and (name[-1] in CONSTRUCTOR_NAMES or name[0] in aliases):
                local = scope.imported(name[0], node.lineno)
                imported = ".".join((local, *name[1:])) if local else ""
                constructions.append(Construction(name, span(node), tuple(_call_settings(node)), imported,
                                                  scope.name))
            elif name and name[-1] in THREAD_START_NAMES:
                args = tuple(_dotted(a) for a in node.args if not isinstance(a, ast.Starred))
                kwargs = tuple((k.arg, _dotted(k.value)) for k in node.keywords if k.arg in ("target", "function"))
                starts.append(ThreadStart(name, span(node), args, kwargs, scope.name))
            elif name and name[-1] in EXTERNAL_CONFIG_LOADERS and len(name) > 1:
                settings.append((EXTERNAL_CONFIG, name[-1], span(node)))
            settings += [(k.arg, _string(k.value), span(k.value)) for k in node.keywords if k.arg in CONFIG_KEYS]
        elif isinstance(node, ast.Dict):
            settings += [(key, _string(value), span(value)) for key, value in _dict_entries(node)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                key = _target_key(target)
                if key in CONFIG_KEYS:
                    settings.append((key, _string(node.value), span(node.value)))
    facts.constructions = tuple(sorted(constructions, key=lambda c: (c.span.line, c.span.column)))
    facts.thread_starts = tuple(sorted(starts, key=lambda c: (c.span.line, c.span.column)))
    facts.backend_settings = tuple(sorted(settings, key=lambda s: (s[2].line, s[2].column, s[0])))


# What ``_nodes`` gives a scope of its own.
_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class _Scope:
    """The function a node is in ('' at module level) and the names its own imports bind: line,
    name, what it imports (``.no_limiter.Limiter`` for a relative import)."""

    name: str = ""
    imports: tuple[tuple[int, str, str], ...] = ()

    def imported(self, name: str, line: int) -> str:
        """What ``name`` denotes at ``line`` through the latest import of it above, or ''."""
        found = [(at, target) for at, bound, target in self.imports if bound == name and at <= line]
        return max(found)[1] if found else ""


def _nodes(tree: ast.Module) -> Iterator[tuple[ast.AST, _Scope]]:
    """Every node with its scope, but those under ``if __name__ == "__main__":`` at module level
    (a script's run)."""
    top = _Scope()
    stack: list[tuple[ast.AST, _Scope]] = [(s, top) for s in tree.body if not _main_guard(s)]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        if isinstance(node, _OWN_SCOPES):
            scope = _Scope(node.name, scope.imports + tuple(_local_imports(node)))
        stack.extend((child, scope) for child in ast.iter_child_nodes(node))


def _local_imports(fn: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> Iterator[tuple[int, str, str]]:
    """The imports the function's own body makes; a nested function's bind in its scope, and
    ``_nodes`` collects them when it gets there (so no body is walked twice)."""
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _OWN_SCOPES):
            continue
        stack.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            for alias in node.names:
                target = f"{prefix}.{alias.name}" if node.module else prefix + alias.name
                yield node.lineno, alias.asname or alias.name, target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                yield node.lineno, alias.asname or top, alias.name if alias.asname else top


def _run_processes(tree: ast.Module) -> Iterator[tuple[int, int]]:
    """``app.run(processes=4)``: Werkzeug's server forking a process per request, N at a time."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run":
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "processes" and isinstance(value, ast.Constant) and type(value.value) is int \
                        and value.value > 1:
                    yield value.value, node.lineno


def _main_guard(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.Compare):
        return False
    test = statement.test
    names = [test.left, *test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in names) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in names)


def _call_settings(node: ast.Call) -> Iterator[Setting]:
    for keyword in node.keywords:
        if keyword.arg in STORAGE_KEYWORDS:
            yield keyword.arg, _string(keyword.value)
        elif keyword.arg == "config" and isinstance(keyword.value, ast.Dict):
            yield from ((key, _string(value)) for key, value in _dict_entries(keyword.value))


def _dict_entries(node: ast.Dict) -> Iterator[tuple[str, ast.expr]]:
    for key, value in zip(node.keys, node.values):
        text = _string(key)
        if text is not None and text in CONFIG_KEYS:
            yield text, value


def _target_key(target: ast.expr) -> Optional[str]:
    """``CACHE_TYPE``, ``cls.CACHE_TYPE``, ``app.config["CACHE_TYPE"]``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return _string(target.slice)
    return None


def _string(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dotted(node: ast.expr) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ()
    parts.append(node.id)
    return tuple(reversed(parts))
