"""Orchestration: lint paths or a source string, get diagnostics.

This is the pipeline in one place: files -> per-file facts -> project ->
analysis -> rules -> suppression -> diagnostics.
"""
from __future__ import annotations

import gc
import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Sequence

from .diagnostics import Diagnostic, Fix, LintResult, printable, printable_diagnostic
from .facts import ModuleFacts, module_facts
from .facts.batch import FileJob, collect, transient
from .facts.cache import CACHE_DIR_VARIABLE, FactsCache, default_cache_dir
from .discovery.deployment import deployment, worker_processes
from .discovery.prepass import select_for_analysis, stdlib_copies
from .discovery.selection import RunFiles, run_files
from .discovery.sources import SourceFile, read_source
from .frameworks import flask as fm
from .frameworks.registry import entry_points
from .program.callgraph import Project
from .rules import ALL_RULES, BY_CODE, FILE_ERROR_CODE, FILE_ERROR_NAME, UNUSED_NOQA, Rule
from .settings import RunOptions, Settings
from .state.model import Analysis, Finding
from .state.resolve import analyse

__all__ = ["CACHE_DIR_VARIABLE", "LintResult", "RunOptions", "lint_facts", "lint_paths", "lint_source"]


def lint_paths(paths: Sequence[str | Path], settings: Settings | None = None,
               options: RunOptions | None = None, files: RunFiles | None = None) -> LintResult:
    """Discover the Python files under ``paths``, analyse them as one project, return findings.

    ``files``: what ``run_files(paths, settings)`` found, when the caller has looked already.
    Raises ``FileNotFoundError`` for a path that does not exist.
    """
    # The facts of a large project are millions of small acyclic objects; the
    # cyclic collector, run again and again while they are built or loaded
    # from the cache, cost more than everything else on a warm run (1.2 s of
    # 1.5 s on 100k lines).  A run frees them all at once when it ends.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint_paths(paths, settings, options, files)
    finally:
        if enabled:
            gc.enable()


def _lint_paths(paths: Sequence[str | Path], settings: Settings | None,
                options: RunOptions | None, files: RunFiles | None = None) -> LintResult:
    settings = settings or Settings()
    options = options or RunOptions()
    files = files or run_files(paths, settings)
    sources, everything = files.sources, files.everything
    overlay = options.overlay or {}
    contents = [(overlay[key], "") if overlay and (key := os.path.abspath(source.path)) in overlay
                else read_source(source) for source in everything]
    if options.prepass:
        full = select_for_analysis(everything, [data for data, _ in contents], settings.entry_point_decorators)
    else:
        full = [True] * len(everything)
    jobs = [FileJob(str(s.path), s.display, s.module, s.is_package, wanted, data)
            for s, (data, error), wanted in zip(everything, contents, full) if not error]
    cache = FactsCache(options.cache_dir or default_cache_dir(settings)) if options.cache else None
    analysed = iter(collect(jobs, options.workers, cache, options.file_timeout, options.progress))
    facts = [next(analysed) if not error else unreadable(s, error) for s, (_, error) in zip(everything, contents)]
    served = deployment(paths, settings)
    processes, reason = served.processes, served.reason
    if processes <= 1 and settings.processes is None and not served.server:
        processes, reason = dev_server_processes(facts) or (processes, reason)
    entries: list[tuple[str, int, str, str]] = []
    unresolved: list[tuple[str, int, str]] = []
    reported = set(files.reported) if files.reported is not None else None
    diagnostics = lint_facts(facts, settings, processes, reason, reported, stdlib_copies(everything),
                             served.cooperative, served.server, served.master_calls, entries, unresolved)
    warnings = [f"cache not used: {cache.refused}"] if cache is not None and cache.refused else []
    return LintResult(diagnostics, len([s for s in sources if not s.problem]), processes, reason,
                      sum(full), cache.hits if cache is not None else 0, warnings, sorted(entries), unresolved,
                      complete=not any(transient(f.error) for f in facts if f.error))


def settle_fixes(result: LintResult, edits: bool, workers: int = 1) -> LintResult:
    """The result with each fix's final applicability (and, with ``edits``, its edits, for JSON and
    SARIF), settled in up to ``workers`` processes; libcst is imported only when some finding has a fix."""
    if result.settled_for(edits):
        return result
    from .fix import settle_in_parallel

    return replace(result, diagnostics=settle_in_parallel(result.diagnostics, edits=edits, workers=workers),
                   fixes_settled=edits)


def dev_server_processes(facts: list[ModuleFacts]) -> tuple[int, str] | None:
    """The most processes an ``app.run(processes=N)`` asks of Werkzeug's server, and where: when no
    deployment file serves the app through another server, that is how it runs."""
    runs = [(f.run_processes[0], f"{f.path}:{f.run_processes[1]}: app.run(processes={f.run_processes[0]})")
            for f in facts if f.run_processes[0] > 1]
    return max(runs) if runs else None


def unreadable(source: SourceFile, reason: str) -> ModuleFacts:
    facts = ModuleFacts(path=source.display, module=source.module, is_package=source.is_package)
    facts.error = reason
    return facts


def lint_source(source: str | bytes, path: str = "app.py", settings: Settings | None = None) -> list[Diagnostic]:
    """Analyse one module given as text, or as bytes decoded as Python does (it is never executed)."""
    settings = settings or Settings()
    module = Path(path).stem
    facts = module_facts(source, path, module)
    processes = settings.processes or 1
    return lint_facts([facts], settings, processes, "processes setting" if processes > 1 else "")


def lint_file_text(source: str | bytes, path: str, settings: Settings) -> list[Diagnostic]:
    """One file's text analysed alone as ``path`` (an editor's unsaved buffer, what flake8 hands a
    plugin): the worker count comes from the deployment files around ``path`` unless the
    settings give one."""
    if settings.processes is None:
        settings = replace(settings, processes=worker_processes([Path(path)], settings)[0])
    return lint_source(source, path, settings)


def lint_facts(facts: list[ModuleFacts], settings: Settings, processes: int = 1,
               processes_reason: str = "", reported: set[str] | None = None,
               outside: frozenset[str] = frozenset(), cooperative: str = "",
               server: str = "", master_calls: frozenset[str] = frozenset(),
               found_entries: list[tuple[str, int, str, str]] | None = None,
               unresolved: list[tuple[str, int, str]] | None = None) -> list[Diagnostic]:
    """Run the project pass and every enabled rule over per-file facts.

    ``cooperative``, ``server``, ``master_calls``: see ``state.resolve.analyse``.  ``found_entries``
    receives the entry points found (path, line, kind, label).

    With ``reported``, only findings in those files, or reached from an entry
    point in them, are returned (the other facts are context).
    """
    usable = [f for f in facts if not f.error and not f.skip_file and f.analysed]
    project = Project(usable, outside, pinned=fm.CONTEXT_LOCALS)
    entries = entry_points(project, settings.entry_point_decorators)
    found = entries.find_entries()
    project.walk(found)
    if unresolved is not None:
        unresolved.extend(project.unresolved_imports())
    if found_entries is not None:
        for entry in found:
            fn = project.function(entry.function)
            if fn is not None:
                found_entries.append((project.modules[entry.function.module].path, fn.span.line, entry.kind,
                                      entry.label))
    analysis = analyse(project, entries, settings, processes, processes_reason, cooperative, server, master_calls)
    by_path = {f.path: f for f in facts}
    out: list[Diagnostic] = []
    seen: set[tuple[str, int, str]] = set()
    findings = list(run_rules(analysis, settings))
    for finding in findings:
        key = (finding.path, finding.span.line, finding.code)
        if key in seen or suppressed(finding, by_path.get(finding.path)):
            continue
        if reported is not None and finding.path not in reported and finding.origin not in reported:
            continue
        seen.add(key)
        out.append(to_diagnostic(finding))
    out += unused_noqa(facts, findings, settings, reported, analysis.processes)
    for f in facts:
        if reported is not None and f.path not in reported:
            continue
        if f.error and settings.is_enabled(FILE_ERROR_CODE, f.path):
            span = f.error_span
            out.append(printable_diagnostic(Diagnostic(
                path=f.path, line=span.line if span else 1, column=span.column if span else 1,
                code=FILE_ERROR_CODE, name=FILE_ERROR_NAME, message=f"file not analysed: {f.error}",
                end_line=span.end_line if span else 1, end_column=span.end_column if span else 1,
                severity="error",
            )))
    return sorted(out, key=Diagnostic.sort_key)


def unused_noqa(facts: list[ModuleFacts], findings: list[Finding], settings: Settings,
                reported: set[str] | None, processes: int = 1) -> list[Diagnostic]:
    """FGL901 (off unless selected): ``# noqa: FGLxxx`` codes of rules that ran, with no finding
    of that code on their line."""
    rule = UNUSED_NOQA
    if not settings.code_selected(rule.code, default_enabled=False):
        return []
    ran = {r.code for r in ALL_RULES if r is not rule and settings.code_selected(r.code, _on_by_default(r, processes))}
    found = {(f.path, f.span.line, f.code) for f in findings}
    out = []
    for module in facts:
        if reported is not None and module.path not in reported:
            continue
        for line, codes in sorted(module.noqa.items()):
            for code in sorted(codes or ()):
                if code in ran and (module.path, line, code) not in found and \
                        settings.is_enabled(rule.code, module.path, default_enabled=False):
                    out.append(printable_diagnostic(Diagnostic(
                        path=module.path, line=line, column=1, code=rule.code, name=rule.name,
                        message=f"unused noqa: {code} suppresses nothing on this line", severity=rule.severity)))
    return out


def _on_by_default(rule: type[Rule], processes: int) -> bool:
    return rule.enabled_by_default or (rule.enabled_with_processes and processes > 1)


def run_rules(analysis: Analysis, settings: Settings) -> Iterable[Finding]:
    """The findings of every selected rule, after precedence between the selected ones."""
    found: list[Finding] = []
    superseded: set[tuple[str, str, int, int, str]] = set()
    for rule_class in ALL_RULES:
        default = _on_by_default(rule_class, analysis.processes)
        if not settings.code_selected(rule_class.code, default):
            continue
        for finding in rule_class().check(analysis):
            if settings.is_enabled(finding.code, _absolute(finding.path), default_enabled=default):
                found.append(finding)
                for code in rule_class.supersedes:
                    superseded.add((code, finding.path, finding.span.line, finding.span.column, finding.subject))
    return [f for f in found if (f.code, f.path, f.span.line, f.span.column, f.subject) not in superseded]


def _absolute(path: str) -> str:
    return os.path.abspath(path)


def suppressed(finding: Finding, facts: ModuleFacts | None) -> bool:
    if facts is None:
        return False
    if facts.skip_file:
        return True
    if finding.span.line not in facts.noqa:
        return False
    codes = facts.noqa[finding.span.line]
    return codes is None or finding.code in codes


def to_diagnostic(finding: Finding) -> Diagnostic:
    rule = BY_CODE[finding.code]
    span = finding.span
    # Path, message and chain carry text from the analysed files: escaped once, here, for every format.
    return printable_diagnostic(Diagnostic(
        path=finding.path, line=span.line, column=span.column, code=finding.code,
        message=finding.message, name=rule.name, end_line=span.end_line, end_column=span.end_column,
        severity=rule.severity, chain=finding.chain, help=finding.help, state=finding.state,
        frames=finding.frames, fix=_fixable_where_named(finding),
    ))


def _fixable_where_named(finding: Finding) -> Fix | None:
    """The fix, unless a file it touches has a name the report must escape (the fixer finds files by
    the names the diagnostics show, and an escaped name could be another file's)."""
    fix = finding.fix
    if fix is None or any(printable(path) != path for path in (finding.path, *fix.paths)):
        return None
    return fix
