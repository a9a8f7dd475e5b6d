"""The command line: options -> Settings -> lint -> reporter -> exit code.  No analysis happens here."""
from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Mapping, Optional, Sequence

import click

from . import fixing
from ._version import __version__
from .diagnostics import LintResult, printable
from .report import FORMATS, fix_summary, statistics, summary_line
from .report.text import render as text_report
from .output import write_report
from .report.progress import ProgressBar
from .rulebook import RuleCatalogue, Rules, rule_ids
from .settings import DEFAULT_FILE_TIMEOUT, ConfigError, RunOptions, Settings, apply_cli, describe, load_settings, \
    parse_codes

if TYPE_CHECKING:
    from .rules.base import Rule

PROG = "flaskglobals-lint"
EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _code_list(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--select FGL001,shared-object-mutation --select FGL005`` -> ``("FGL001", "FGL003", "FGL005")``,
    validated like the config file's codes; None when the option is not given."""
    if not value:
        return None
    try:
        return parse_codes(_comma_separated(value), f"--{(param.name or '').replace('_', '-')}", rule_ids())
    except ConfigError as exc:
        raise click.UsageError(str(exc), ctx) from exc


def _comma_separated(values: Sequence[str]) -> tuple[str, ...]:
    """``("a, b", "c")`` (an option given twice, each comma-separated) -> ``("a", "b", "c")``."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--select", callback=_code_list, metavar="CODES", multiple=True,
              help="Comma-separated codes, prefixes or rule names to report (replaces the config's select).")
@click.option("--extend-select", callback=_code_list, metavar="CODES", multiple=True,
              help="Codes, prefixes or names to report on top of the selection.")
@click.option("--ignore", callback=_code_list, metavar="CODES", multiple=True,
              help="Comma-separated codes, prefixes or rule names not to report (replaces the config's ignore).")
@click.option("--extend-ignore", callback=_code_list, metavar="CODES", multiple=True,
              help="Codes, prefixes or names not to report, on top of the ignored ones.")
@click.option("--output-format", "--format", "output_format", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="Output format (--format is the same option).")
@click.option("-v", "--verbose", is_flag=True,
              help="Text: the help (why it breaks, the fix) under every finding; on stderr, the project "
                   "imports that name nothing the project has.")
@click.option("-q", "--quiet", is_flag=True, help="Text: the findings only, without the help and the summary.")
@click.option("--show-source", is_flag=True, help="Text: a frame of the code under every finding, with its help.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only the findings this baseline file does not hold "
                   "(write one with --output-format baseline --output-file FILE).")
@click.option("--output-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@fixing.fix_options
@click.option("--statistics", "show_statistics", is_flag=True,
              help="Count problems per code (after a text report; on standard error for other formats).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="Read settings from this TOML file instead of the nearest pyproject.toml.")
@click.option("--processes", type=click.IntRange(min=1), metavar="N",
              help="Number of worker processes the app runs under (default: read deployment files).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
              help="Worker processes for parsing (default 0: one per CPU; 1: no pool).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the cache (per-file facts, and the last run's result to replay).")
@click.option("--file-timeout", type=click.FloatRange(min=0.1), default=DEFAULT_FILE_TIMEOUT, metavar="SECONDS",
              show_default=True, help="Stop a file that takes longer in a worker and report it as FGL900.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to keep the cache (default: this project's folder in the user's cache).")
@click.option("--strict", is_flag=True, default=None,
              help="Also report benign races: idempotent memoization and lazy initialisation.")
@click.option("--follow-symlinks", is_flag=True, default=None,
              help="Also lint what symbolic links outside the linted paths lead to (default: skip them).")
@click.option("--exclude", metavar="GLOBS", multiple=True,
              help="Comma-separated globs of files and folders not to lint (replaces the config's exclude).")
@click.option("--extend-exclude", metavar="GLOBS", multiple=True,
              help="Globs not to lint, on top of the excluded ones.")
@click.option("--per-file-ignores", metavar="GLOB:CODES", multiple=True,
              help="Codes not to report in matching files, e.g. 'tests/*:FGL001,FGL004' (added to the config's).")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip what git ignores: .gitignore, .git/info/exclude, the global excludes (default: on).")
@click.option("--force-exclude", is_flag=True, default=None,
              help="Apply exclude/extend-exclude to files named on the command line too (for pre-commit).")
@click.option("--stdin-filename", metavar="PATH",
              help="With '-' as the path: the name of the file read from standard input (as editors send it).")
@click.option("--show-entry-points", is_flag=True,
              help="List the request-time entry points (and background threads) the analysis found, and exit.")
@click.option("--show-files", is_flag=True, help="List the files that would be linted and exit.")
@click.option("--show-settings", is_flag=True, help="Print the settings in effect (file and options) and exit.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.option("--demo", metavar="CODE",
              help="Run a rule's race demonstration (buggy and fixed app under a real server) and exit; "
                   "CODE is a rule code, redis, manager or all.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), is_flag=False, flag_value="always",
              default="auto", show_default=True,
              help="Colour the text report; auto: on a terminal, or with FORCE_COLOR set, unless NO_COLOR is set.")
@click.option("--no-color", "no_color", is_flag=True, hidden=True, help="The same as --color never.")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    paths: tuple[str, ...],
    select: tuple[str, ...] | None,
    extend_select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None,
    extend_ignore: tuple[str, ...] | None,
    output_format: str,
    verbose: bool,
    quiet: bool,
    show_source: bool,
    baseline_file: Path | None,
    output_file: Path | None,
    exit_zero: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    exit_non_zero_on_fix: bool,
    add_noqa: bool,
    show_statistics: bool,
    config: Path | None,
    processes: int | None,
    jobs: int,
    no_cache: bool,
    file_timeout: float,
    cache_dir: Path | None,
    strict: bool | None,
    follow_symlinks: bool | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    per_file_ignores: tuple[str, ...],
    respect_gitignore: bool | None,
    force_exclude: bool | None,
    stdin_filename: str | None,
    show_entry_points: bool,
    show_files: bool,
    show_settings: bool,
    list_rules: bool,
    explain: str | None,
    demo: str | None,
    color: str,
    no_color: bool,
) -> None:
    """Find shared global state that Flask request handlers mutate.

    PATHS are files or folders to lint (default: the current folder).  Exit
    status: 0 no problems, 1 problems found, 2 usage, configuration or
    internal error.
    """
    try:
        rules = Rules()
        if list_rules:
            click.echo(_rule_table(rules), nl=False)
            ctx.exit(EXIT_CLEAN)
        if explain is not None:
            ctx.exit(_explain(explain, rules))
        if demo is not None:
            ctx.exit(_demo(demo))
        paths = paths or (".",)
        stdin = paths == ("-",)
        start = _config_start([stdin_filename or "."] if stdin else paths)
        settings = apply_cli(load_settings(config, start, RuleCatalogue()),
                             select=select, ignore=ignore, extend_select=extend_select or (),
                             extend_ignore=extend_ignore or (), processes=processes, strict=strict,
                             follow_symlinks=follow_symlinks, force_exclude=force_exclude,
                             respect_gitignore=respect_gitignore)
        settings = _path_options(settings, exclude, extend_exclude, per_file_ignores)
        if show_settings or show_files:
            click.echo(describe(settings) if show_settings else _files_text(paths, settings), nl=False)
            ctx.exit(EXIT_CLEAN)
        bar = ProgressBar(sys.stderr)
        options = RunOptions(jobs=jobs, cache=not no_cache, cache_dir=cache_dir, file_timeout=file_timeout,
                             progress=None if quiet else bar)
        mode = fixing.FixMode(fix, unsafe_fixes, diff, fix_only, exit_non_zero_on_fix, add_noqa)
        if stdin and mode.active:
            raise click.UsageError("--fix, --fix-only, --diff and --add-noqa change files: name them, not '-'")
        edits = output_format in ("json", "sarif")
        lint = _linter(paths, settings, options, (stdin_filename or "-") if stdin else None, baseline_file, bar,
                       None if mode.active else edits)
        status, fixed = fixing.run_mode(mode, lint)
        if status is not None:
            ctx.exit(status)
        result = fixed.result
        if not result.settled_for(edits):  # a fix mode's result: engine.settle_fixes, imported only then
            from .engine import settle_fixes

            result = settle_fixes(result, edits, options.workers)
        _warn(result, paths, verbose)
        if show_entry_points:
            click.echo("".join(f"{printable(path)}:{line}: {kind}: {printable(label)}\n"
                               for path, line, kind, label in result.entries), nl=False)
            click.echo(f"{len(result.entries)} entry points in {result.files_checked} files.")
            ctx.exit(EXIT_CLEAN)
        colour = _use_color("never" if no_color else color, output_file)
        written = _report(result, rules, output_format, output_file, colour, show_statistics,
                          verbose or show_source, quiet, show_source, unsafe_fixes, fixed.note)
        findings = bool(result.diagnostics) or mode.failed(fixed)
        ctx.exit(written if written != EXIT_CLEAN or exit_zero or not findings else EXIT_FINDINGS)
    except ConfigError as exc:
        ctx.exit(_error(str(exc)))
    except FileNotFoundError as exc:
        missing = exc.filename if exc.filename is not None else (exc.args[0] if exc.args else "")
        ctx.exit(_error(f"path does not exist: {missing}"))
    except (click.exceptions.Exit, click.ClickException):
        raise  # ctx.exit() raises Exit, a RuntimeError: it must not become an "internal error"
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP as _Stopped: the finally blocks have run
        ctx.exit(_interrupted(exc))
    except Exception as exc:  # noqa: BLE001 - a linter must fail with a message, not a traceback
        click.echo(f"{PROG}: internal error: {type(exc).__name__}: {exc}", err=True)
        ctx.exit(EXIT_ERROR)


def _linter(paths: Sequence[str], settings: Settings, options: RunOptions, stdin_filename: str | None,
            baseline_file: Path | None, bar: ProgressBar, edits: Optional[bool] = None) -> fixing.Lint:
    """What one lint of this run is (the fix modes lint again after each round): the files, or the
    module on standard input when ``stdin_filename`` is given ("-" without --stdin-filename).
    ``edits`` (a report-only run): the fixes settled as the report shows them, and the whole run
    replayed from the result cache when nothing it depends on has changed."""
    def lint(overlay: Optional[Mapping[str, bytes]] = None) -> LintResult:
        try:
            if stdin_filename is not None:
                found = _lint_stdin(stdin_filename, settings)
            elif edits is not None:
                from . import replay

                found = replay.lint(paths, settings, replace(options, overlay=overlay), edits)
            else:
                from .engine import lint_paths

                found = lint_paths(paths, settings, replace(options, overlay=overlay))
        finally:
            bar.close()
        return _without_baseline(found, baseline_file)
    return lint


def _report(result: LintResult, rules: Sequence[type[Rule]], output_format: str,
            output_file: Path | None, color: bool, show_statistics: bool, verbose: bool = False,
            quiet: bool = False, show_source: bool = False, unsafe: bool = False, note: str = "") -> int:
    """Render and write the report, then the summary: EXIT_CLEAN, or EXIT_ERROR if it could not be written."""
    if output_format == "text":
        shown = [replace(d, help="") for d in result.diagnostics] if quiet else result.diagnostics
        report = text_report(shown, rules, color=color, help_each=verbose,
                             source=_source_lines if show_source else None, unsafe_fixes=unsafe)
    else:
        report = FORMATS[output_format](result.diagnostics, rules, color=color)
    if show_statistics and result.diagnostics:
        if output_format == "text":
            report += statistics(result.diagnostics)
        else:
            click.echo(statistics(result.diagnostics), err=True, nl=False)
    if output_format == "text" and not quiet:
        # After the findings, in the same stream, as ruff does: ``| head`` and ``> file`` keep it in place.
        report += note + summary_line(result.diagnostics, result.files_checked) + "\n"
        report += fix_summary(result.diagnostics, unsafe)
    try:
        write_report(report, output_file)
    except OSError as exc:
        return _write_failed(exc, output_file)
    return EXIT_CLEAN


def _path_options(settings: Settings, exclude: Sequence[str], extend_exclude: Sequence[str],
                  per_file_ignores: Sequence[str]) -> Settings:
    """``--exclude`` replaces the excludes, ``--extend-exclude`` and ``--per-file-ignores`` add to them."""
    ignores: list[tuple[str, tuple[str, ...]]] = []
    for value in per_file_ignores:
        glob, sep, codes = value.rpartition(":")
        if not sep or not glob.strip():
            raise click.UsageError(f"--per-file-ignores: expected GLOB:CODES, got {value!r}")
        try:
            ignores.append((glob.strip(), parse_codes(_comma_separated([codes]), "--per-file-ignores", rule_ids())))
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from exc
    return replace(settings, exclude=_comma_separated(exclude) if exclude else settings.exclude,
                   extend_exclude=settings.extend_exclude + _comma_separated(extend_exclude),
                   per_file_ignores=settings.per_file_ignores + tuple(ignores))


def _lint_stdin(name: str, settings: Settings) -> LintResult:
    """The module on standard input, analysed alone as the file ``name`` (the settings and deployment
    files are those of its folder): what an editor sends for an unsaved buffer."""
    from .settings import MAX_FILE_BYTES

    from .engine import lint_file_text

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    return LintResult(lint_file_text(data, name, settings), files_checked=1)


def _source_lines(path: str) -> Sequence[str] | None:
    """A linted file's lines for ``--show-source`` (read as text, bounded; None if it cannot be)."""
    from .discovery.sources import read_text

    text = read_text(Path(path))
    return text.splitlines() if text is not None else None


def _files_text(paths: Sequence[str], settings: Settings) -> str:
    from .discovery.sources import discover

    return "".join(f"{source.display}\n" for source in discover(paths, settings))


def _without_baseline(result: LintResult, baseline_file: Path | None) -> LintResult:
    """The result without the findings the baseline holds; a bad baseline is a ConfigError (exit 2)."""
    if baseline_file is None:
        return result
    from .report import baseline

    try:
        return replace(result, diagnostics=baseline.without(result.diagnostics, baseline.read(baseline_file)))
    except baseline.BaselineError as exc:
        raise ConfigError(str(exc)) from None


def _warn(result: LintResult, paths: Sequence[str], verbose: bool = False) -> None:
    if result.files_checked == 0:
        click.echo(f"{PROG}: warning: no Python files found in {', '.join(map(repr, paths))}", err=True)
    for warning in result.warnings:
        click.echo(f"{PROG}: warning: {warning}", err=True)
    if verbose:  # what the analysis could not follow: calls through these are not seen
        for path, line, name in result.unresolved:
            where = f"{printable(path)}:{line}" if line else printable(path)
            click.echo(f"{PROG}: note: {where}: import of {printable(name)} not found in the project; what it "
                       "names is not analysed", err=True)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Ctrl-C is 130; SIGTERM and SIGHUP are 128 + the signal, as shells report them."""
    signum = exc.signum if isinstance(exc, _Stopped) else signal.SIGINT
    try:
        click.echo(f"{PROG}: interrupted" + ("" if signum == signal.SIGINT else f" ({exc})"), err=True)
    except OSError:
        pass  # a hang-up can take the terminal with it: the exit status still says why
    return EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + signum


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C would be, so that the same clean-up stops workers and servers."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def main() -> None:
    """Console-script entry point (``flaskglobals-lint``, ``python -m flaskglobals_lint``).

    SIGTERM and SIGHUP (a CI runner's timeout, a closed terminal) stop a run
    like Ctrl-C: worker processes and demo servers are stopped, temporary
    folders removed, and the exit status is 128 + the signal.  A signal
    already ignored (``nohup``) stays ignored.
    """
    received: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise _Stopped(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            previous[number] = signal.signal(number, stop)
    try:
        cli(prog_name=PROG)
    except SystemExit:
        if received:  # also when the signal came outside cli()'s try, where click reports it as "Aborted!"
            raise SystemExit(128 + received[0]) from None
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _demo(selection: str) -> int:
    from .demo import DemoUnavailable, run_selection

    try:
        return run_selection(selection)
    except DemoUnavailable as exc:
        return _error(str(exc))


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


def _use_color(when: str, output_file: Path | None) -> bool:
    """``always``/``never`` as asked; ``auto``: FORCE_COLOR, else not NO_COLOR and a terminal."""
    if when != "auto":
        return when == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return output_file is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _write_failed(exc: OSError, output_file: Path | None) -> int:
    """Exit 2 with the reason; a reader that closed the pipe early (``| head``) is told nothing, as ruff does."""
    if output_file is not None:
        return _error(f"cannot write {output_file}: {exc.strerror or exc}")
    _stdout_to_devnull()
    if isinstance(exc, BrokenPipeError):
        return EXIT_ERROR
    return _error(f"cannot write to standard output: {exc.strerror or exc}")


def _stdout_to_devnull() -> None:
    """Point standard output at devnull, so that Python's flush at exit of what is still buffered does
    not fail again with an "Exception ignored" traceback (the signal module's SIGPIPE note)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real file behind it (a test runner's stream)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _error(message: str) -> int:
    click.echo(f"{PROG}: error: {message}", err=True)
    return EXIT_ERROR
