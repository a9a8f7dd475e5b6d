"""Which extensions keep their limits, cache or schedule in the worker process.

A construction (``facts.model.Construction``) keeps its state in the process when
its own storage keyword or config says so, or else when every storage setting
the project makes for that extension says so, or else when there is none and the
extension's default does.  A setting that is not a string literal, or config read
from outside the sources (``app.config.from_pyfile``), may choose anything: then
only a literal in-memory value counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..facts.model import EXTERNAL_CONFIG, ModuleFacts, Span
from ..frameworks.adapter import product_modules
from ..frameworks.backends import BackendKind, backend_of
from ..program.symbols import Symbols


@dataclass(frozen=True)
class InMemoryBackend:
    """An extension made at ``path``/``span`` that keeps its state in each worker process."""

    kind: BackendKind
    path: str
    span: Span
    # Why it is in memory: ``storage_uri='memory://'``, ``CACHE_TYPE 'SimpleCache' (config.py:12)``,
    # or ``the default storage``.
    evidence: str


def in_memory_backends(symbols: Symbols, master_calls: frozenset[str] = frozenset()) -> list[InMemoryBackend]:
    """``master_calls``: what a gunicorn config calls in the master process (``setup``,
    ``scheduler.setup``); what those functions make is made once, not in every worker."""
    modules = list(product_modules(symbols))
    made = [(facts, c, kind) for _, facts in modules for c in facts.constructions
            if (kind := backend_of(c.imported or symbols.qualified(facts.module, c.callee))) is not None
            and not _started_by_master(facts.module, c.scope, master_calls)]
    if not made:
        return []
    external = any(key == EXTERNAL_CONFIG for _, facts in modules for key, _, _ in facts.backend_settings)
    found: list[InMemoryBackend] = []
    for facts, construction, kind in made:
        evidence = _evidence(kind, construction.settings, modules, external)
        if evidence:
            found.append(InMemoryBackend(kind, facts.path, construction.span, evidence))
    return found


def _started_by_master(module: str, function: str, master_calls: frozenset[str]) -> bool:
    """A module-level function the config calls by its name or through its module's name."""
    if not function or "." in function:
        return False
    return function in master_calls or f"{module.rsplit('.', 1)[-1]}.{function}" in master_calls


def _evidence(kind: BackendKind, own: tuple[tuple[str, Optional[str]], ...],
              modules: list[tuple[str, ModuleFacts]], external: bool) -> str:
    """Why the construction keeps its state in the process, or '' when it does not or may not."""
    chosen = [(key, value) for key, value in own if key in kind.keywords or key in kind.config_keys]
    if chosen:
        return _all_in_memory(kind, [(f"{key}={value!r}", value) for key, value in chosen])
    project = [(f"{key} {value!r} ({facts.path}:{span.line})", value)
               for _, facts in modules for key, value, span in facts.backend_settings if key in kind.config_keys]
    if project:
        return _all_in_memory(kind, project)
    if kind.default_in_memory and (not external or not kind.config_keys):
        return "the default storage" if kind.config_keys else "started with the app"
    return ""


def _all_in_memory(kind: BackendKind, settings: list[tuple[str, Optional[str]]]) -> str:
    if all(value is not None and kind.keeps_in_memory(value) for _, value in settings):
        return settings[0][0]
    return ""

