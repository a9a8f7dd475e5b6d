"""The command line: options -> Settings -> lint -> reporter -> exit code.  No analysis happens here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import click

from . import __version__, api
from .facts.workers import DEFAULT_FILE_TIMEOUT
from .report import FORMATS, statistics, summary_line
from .settings import ConfigError, apply_cli, load_settings, parse_codes

if TYPE_CHECKING:
    from .rules.base import Rule

PROG = "flaskglobals-lint"
EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _code_list(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """``--select FGL001,FGL002`` -> ``("FGL001", "FGL002")``, validated like the config file's codes."""
    if value is None:
        return None
    codes = [code.strip() for code in value.split(",") if code.strip()]
    try:
        return parse_codes(codes, f"--{param.name}")
    except ConfigError as exc:
        raise click.UsageError(str(exc), ctx) from exc


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--select", callback=_code_list, metavar="CODES",
              help="Comma-separated codes or prefixes to report (replaces the config's select).")
@click.option("--ignore", callback=_code_list, metavar="CODES",
              help="Comma-separated codes or prefixes not to report (replaces the config's ignore).")
@click.option("--format", "output_format", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format.")
@click.option("--output-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--statistics", "show_statistics", is_flag=True,
              help="Count problems per code (after a text report; on standard error for other formats).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Read settings from this TOML file instead of the nearest pyproject.toml.")
@click.option("--processes", type=click.IntRange(min=1), metavar="N",
              help="Number of worker processes the app runs under (default: read deployment files).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
              help="Worker processes for parsing (default 0: one per CPU; 1: no pool).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--file-timeout", type=click.FloatRange(min=0.1), default=DEFAULT_FILE_TIMEOUT, metavar="SECONDS",
              show_default=True, help="Stop a file that takes longer in a worker and report it as FGL900.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to cache per-file facts (default: .flaskglobals_lint_cache next to pyproject.toml).")
@click.option("--strict", is_flag=True, default=None,
              help="Also report benign races: idempotent memoization and lazy initialisation.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.option("--demo", metavar="CODE",
              help="Run a rule's race demonstration (buggy and fixed app under a real server) and exit; "
                   "CODE is a rule code, redis, manager or all.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report (default: when writing to a terminal and NO_COLOR is unset).")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    paths: tuple[str, ...],
    select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    show_statistics: bool,
    config: Path | None,
    processes: int | None,
    jobs: int,
    no_cache: bool,
    file_timeout: float,
    cache_dir: Path | None,
    strict: bool | None,
    list_rules: bool,
    explain: str | None,
    demo: str | None,
    color: bool | None,
) -> None:
    """Find shared global state that Flask request handlers mutate.

    PATHS are files or folders to lint (default: the current folder).  Exit
    status: 0 no problems, 1 problems found, 2 usage, configuration or
    internal error.
    """
    try:
        rules = _all_rules()
        if list_rules:
            click.echo(_rule_table(rules), nl=False)
            ctx.exit(EXIT_CLEAN)
        if explain is not None:
            ctx.exit(_explain(explain, rules))
        if demo is not None:
            ctx.exit(_demo(demo))
        paths = paths or (".",)
        settings = apply_cli(load_settings(config, _config_start(paths)),
                             select=select, ignore=ignore, processes=processes, strict=strict)
        options = api.RunOptions(jobs=jobs, cache=not no_cache, cache_dir=cache_dir, file_timeout=file_timeout)
        result = api.lint_paths(paths, settings, options)
        color = _use_color(color, output_file)
        report = FORMATS[output_format](result.diagnostics, rules, color=color)
        if show_statistics and result.diagnostics:
            if output_format == "text":
                report += statistics(result.diagnostics)
            else:
                click.echo(statistics(result.diagnostics), err=True, nl=False)
        try:
            _write(report, output_file, color)
        except OSError as exc:
            ctx.exit(_error(f"cannot write {output_file}: {exc.strerror or exc}"))
        if output_format == "text":
            click.echo(summary_line(result.diagnostics, result.files_checked), err=True)
        ctx.exit(EXIT_CLEAN if exit_zero or not result.diagnostics else EXIT_FINDINGS)
    except ConfigError as exc:
        ctx.exit(_error(str(exc)))
    except FileNotFoundError as exc:
        missing = exc.filename if exc.filename is not None else (exc.args[0] if exc.args else "")
        ctx.exit(_error(f"path does not exist: {missing}"))
    except (click.exceptions.Exit, click.ClickException):
        raise  # ctx.exit() raises Exit, a RuntimeError: it must not become an "internal error"
    except KeyboardInterrupt:
        click.echo(f"{PROG}: interrupted", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - a linter must fail with a message, not a traceback
        click.echo(f"{PROG}: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)


def main() -> None:
    """Console-script entry point (``flaskglobals-lint``, ``python -m flaskglobals_lint``)."""
    cli(prog_name=PROG)


def _all_rules() -> list[type[Rule]]:
    # Read at call time, so the rule registry is only imported when the CLI runs.
    from .rules import ALL_RULES

    return sorted(ALL_RULES, key=lambda rule: rule.code)


def _demo(selection: str) -> int:
    """Run demonstrations one by one, printing each report as it finishes."""
    from .demo import demo_codes, missing_dependencies, render_result, render_summary, run_demo

    try:
        codes = demo_codes(selection)
    except ValueError as exc:
        return _error(str(exc))
    missing = missing_dependencies(codes)
    if missing:
        return _error(f"the demonstrations need {', '.join(missing)}: pip install 'flaskglobals-lint[demo]'")
    results = []
    for code in codes:
        results.append(run_demo(code))
        click.echo(render_result(results[-1]), nl=False)
    click.echo(render_summary(results), nl=False)
    return EXIT_CLEAN if all(r.shown for r in results) else EXIT_FINDINGS


def _rule_table(rules: Sequence[type[Rule]]) -> str:
    width = max((len(rule.name) for rule in rules), default=0)
    return "".join(f"{rule.code}  {rule.name:<{width}}  {rule.summary}\n" for rule in rules)


def _explain(code: str, rules: Sequence[type[Rule]]) -> int:
    for rule in rules:
        if rule.code == code.strip().upper():
            click.echo(rule.documentation(), nl=False)
            return EXIT_CLEAN
    return _error(f"unknown rule code: {code}")


def _config_start(paths: Sequence[str]) -> Path:
    """Where to look for pyproject.toml: the folder the linted paths share, like black does."""
    existing = [os.path.abspath(path) for path in paths if os.path.exists(path)]
    try:
        return Path(os.path.commonpath(existing)) if existing else Path.cwd()
    except ValueError:
        return Path.cwd()


def _use_color(color: bool | None, output_file: Path | None) -> bool:
    if color is not None:
        return color
    return output_file is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _write(report: str, output_file: Path | None, color: bool) -> None:
    if output_file is None:
        # click strips ANSI codes when stdout is not a terminal unless told the colour was asked for.
        click.echo(report, nl=False, color=color)
    else:
        output_file.write_text(report, encoding="utf-8")


def _error(message: str) -> int:
    click.echo(f"{PROG}: error: {message}", err=True)
    return EXIT_ERROR
