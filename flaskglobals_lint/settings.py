"""Settings: what the user asked for, from pyproject.toml and the command line."""
from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "build", "dist",
    "node_modules", "site-packages", "*.egg-info", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".flaskglobals_lint_cache",
)

TOOL_TABLE = "flaskglobals-lint"
# The package's name, which users write for the tool's by habit; an error, not silence.
MISSPELLED_TABLE = "flaskglobals_lint"

# A file this large is generated or data, not application code; libcst would need seconds and much memory.
MAX_FILE_BYTES = 5 * 1024 * 1024

# "FGL" alone selects every rule; "FGL00" selects FGL001-FGL009 (any case: "fgl002" is FGL002).
CODE_PATTERN = re.compile(r"FGL\d*", re.IGNORECASE)
# A rule's name (``shared-container-mutation``) selects that rule, as its code does.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

# Rule codes and names, known to the caller (the rule catalogue): code -> name.
Rules = Mapping[str, str]


class ConfigError(Exception):
    """A setting is unknown, of the wrong type, or names a file that cannot be read."""


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the linter reports.

    ``select``/``ignore`` hold rule codes or code prefixes (``FGL00`` selects
    FGL001-FGL009).  ``processes`` is the number of worker processes the app
    runs under; ``None`` means "find out from the project" (gunicorn.conf.py,
    Procfile, ...), which FGL011 and FGL012 use.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # Added to ``select`` (or to the default rules when it is empty) and to ``ignore``.
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    entry_point_decorators: tuple[str, ...] = ()
    lock_names: tuple[str, ...] = ()
    processes: int | None = None
    strict: bool = False
    # Follow symbolic links that lead out of the linted paths.
    follow_symlinks: bool = False
    # Apply the excludes to files named on the command line too (pre-commit names them all).
    force_exclude: bool = False
    # Skip what git ignores (.gitignore, .git/info/exclude, the global excludes file).
    respect_gitignore: bool = True
    # Where the settings came from (pyproject.toml), for relative excludes.
    root: Path | None = field(default=None, compare=False)

    def code_selected(self, code: str, default_enabled: bool = True) -> bool:
        """Whether ``select``/``ignore`` turn rule ``code`` on, before per-file ignores.

        The most specific matching entry wins (``ignore = ["FGL0"]`` with
        ``select = ["FGL002"]`` keeps FGL002); on a tie ``ignore`` wins.  With
        no matching entry, a rule is on when ``select`` is empty and the rule
        is ``default_enabled``.  A rule that is off by default (FGL011, FGL012) is only
        turned on by a ``select`` entry naming its full code, never by a prefix
        such as ``FGL``.  The engine passes ``default_enabled=True`` for those
        once it knows the app runs in more than one process, so that case
        behaves like any default rule: on unless ignored or left out of an
        explicit ``select``.  ``extend-select``/``extend-ignore`` entries count
        as ``select``/``ignore`` entries, but an ``extend-select`` alone keeps the
        default rules on.
        """
        best_select = _longest_prefix(code, self.select + self.extend_select)
        best_ignore = _longest_prefix(code, self.ignore + self.extend_ignore)
        if best_ignore is not None and (best_select is None or len(best_ignore) >= len(best_select)):
            return False
        if best_select is not None:
            return default_enabled or best_select == code
        return default_enabled and not self.select

    def is_enabled(self, code: str, path: str | os.PathLike[str] | None = None,
                   *, default_enabled: bool = True) -> bool:
        """Whether a finding of ``code`` in ``path`` should be reported.

        Combines :meth:`code_selected` with ``per-file-ignores``.  ``path`` may
        be absolute (it is made relative to ``root``, or to the current
        directory without a config file) or already relative to ``root``.
        """
        if not self.code_selected(code, default_enabled):
            return False
        if path is None or not self.per_file_ignores:
            return True
        relative = self.relative_path(path)
        return not any(
            _longest_prefix(code, codes) is not None and _path_matches(relative, pattern)
            for pattern, codes in self.per_file_ignores
        )

    def relative_path(self, path: str | os.PathLike[str]) -> str:
        """``path`` as a posix string relative to ``root``, the form globs are matched on."""
        candidate = Path(path)
        if candidate.is_absolute():
            base = self.root if self.root is not None else Path.cwd()
            try:
                candidate = candidate.relative_to(base)
            except ValueError:
                pass
        return candidate.as_posix()


def _longest_prefix(code: str, prefixes: Sequence[str]) -> str | None:
    matching = [prefix for prefix in prefixes if code.startswith(prefix)]
    return max(matching, key=len) if matching else None


def normalize_glob(pattern: str) -> str:
    """``./build/`` and ``build`` mean the same folder; globs are matched in the bare form."""
    return pattern.strip().removeprefix("./").rstrip("/")


def _path_matches(relative: str, pattern: str) -> bool:
    """A per-file-ignores glob matches the whole relative path, the file name, or a parent folder."""
    pattern = normalize_glob(pattern)
    posix = PurePosixPath(relative)
    if fnmatchcase(relative, pattern) or fnmatchcase(posix.name, pattern):
        return True
    return any(fnmatchcase(parent.as_posix(), pattern) for parent in posix.parents if parent.name)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that configures this tool.

    A pyproject.toml without a ``[tool.flaskglobals-lint]`` table is passed
    over, so a project's settings are found from any folder inside it.
    """
    start = start.absolute()
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        candidate = candidate_dir / "pyproject.toml"
        if not candidate.is_file():
            continue
        text = _read(candidate)
        # Parsing only files that mention the tool keeps unrelated broken files harmless.
        if TOOL_TABLE in text and _tool_table(_parse(text, candidate)) is not None:
            return candidate
        if MISSPELLED_TABLE in text and MISSPELLED_TABLE in _tools(_parse(text, candidate)):
            raise ConfigError(f"{candidate}: [tool.{MISSPELLED_TABLE}] is not read "
                              f"(did you mean [tool.{TOOL_TABLE}]?)")
    return None


def load_settings(config: Path | None, start: Path, rules: Rules | None = None) -> Settings:
    """Settings from ``config``, or from the pyproject.toml found upward from ``start``.

    Without any configuration the defaults apply.  Every problem raises
    :class:`ConfigError` naming the file and the key.  With ``rules``, codes
    and rule names are checked against them and names become codes.
    """
    if config is None:
        config = find_pyproject(start)
        if config is None:
            return Settings()
    config = config.absolute()
    table = _tool_table(_parse(_read(config), config))
    if table is None:
        raise ConfigError(f"{config}: no [tool.{TOOL_TABLE}] table")
    return _settings_from_table(table, config, rules)


def apply_cli(
    settings: Settings,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    extend_ignore: Sequence[str] = (),
    processes: int | None = None,
    strict: bool | None = None,
    follow_symlinks: bool | None = None,
    force_exclude: bool | None = None,
    respect_gitignore: bool | None = None,
) -> Settings:
    """Settings with the command-line options laid over the file's: each option given replaces its
    key, but ``--extend-select``/``--extend-ignore`` add to the file's."""
    changes: dict[str, Any] = {"extend_select": settings.extend_select + tuple(extend_select),
                               "extend_ignore": settings.extend_ignore + tuple(extend_ignore)}
    if select is not None:
        changes["select"] = tuple(select)
    if ignore is not None:
        changes["ignore"] = tuple(ignore)
    if processes is not None:
        changes["processes"] = processes
    if strict is not None:
        changes["strict"] = strict
    if follow_symlinks is not None:
        changes["follow_symlinks"] = follow_symlinks
    if force_exclude is not None:
        changes["force_exclude"] = force_exclude
    if respect_gitignore is not None:
        changes["respect_gitignore"] = respect_gitignore
    return replace(settings, **changes)


def parse_codes(values: Sequence[str], where: str, rules: Rules | None = None) -> tuple[str, ...]:
    """Rule codes, code prefixes (``FGL``, ``FGL0``, ``FGL002``, any case) or rule names, as codes;
    ``where`` names the source in errors.  With ``rules`` (code -> name), a code or prefix must
    name at least one rule and a name must be one; a close match is suggested."""
    return tuple(_parse_code(value, where, rules) for value in values)


def _parse_code(value: str, where: str, rules: Rules | None) -> str:
    if CODE_PATTERN.fullmatch(value):
        code = value.upper()
        if rules is None or any(known.startswith(code) for known in rules):
            return code
        raise ConfigError(f"{where}: unknown rule code {value!r}{_did_you_mean(code, list(rules))}")
    name = value.lower()
    if not NAME_PATTERN.fullmatch(name):
        raise ConfigError(f"{where}: {value!r} is not a rule code (FGL followed by digits) or a rule name")
    if rules is None:
        return name
    by_name = {rule_name: code for code, rule_name in rules.items()}
    if name in by_name:
        return by_name[name]
    raise ConfigError(f"{where}: unknown rule name {value!r}{_did_you_mean(name, list(by_name))}")


def _did_you_mean(value: str, choices: list[str]) -> str:
    hint = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


# A configuration file larger than this is not one.
MAX_CONFIG_BYTES = 1024 * 1024


def _read(path: Path) -> str:
    from .safe_io import read_bounded

    try:
        return read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except (RecursionError, MemoryError):
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None


def _tools(document: Mapping[str, Any]) -> Mapping[str, Any]:
    tool = document.get("tool")
    return tool if isinstance(tool, dict) else {}


def _tool_table(document: Mapping[str, Any]) -> Any:
    return _tools(document).get(TOOL_TABLE)


def _settings_from_table(table: Any, config: Path, rules: Rules | None = None) -> Settings:
    prefix = f"{config}: [tool.{TOOL_TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix} must be a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{prefix} unknown key {key!r}{_did_you_mean(key, list(_KEYS))}")
        field_name, convert = _KEYS[key]
        where = f"{prefix} {key}"
        if convert in (_codes, _per_file_ignores):
            values[field_name] = convert(raw, where, rules)
        else:
            values[field_name] = convert(raw, where)
    return Settings(root=config.parent, **values)


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"{where}: expected a list of strings, got {_describe(raw)}")
    return tuple(raw)


def _codes(raw: Any, where: str, rules: Rules | None = None) -> tuple[str, ...]:
    return parse_codes(_strings(raw, where), where, rules)


def _per_file_ignores(raw: Any, where: str, rules: Rules | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of glob = [codes], got {_describe(raw)}")
    return tuple((glob, _codes(codes, f"{where}.{glob!r}", rules)) for glob, codes in raw.items())


def _processes(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise ConfigError(f"{where}: expected an integer >= 1, got {raw!r}")
    return raw


def _boolean(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: expected true or false, got {_describe(raw)}")
    return raw


def _describe(raw: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
             list: "a list", dict: "a table"}
    kind = names.get(type(raw), type(raw).__name__)
    return f"{kind} ({raw!r})" if isinstance(raw, (str, int, float, bool)) else kind


_KEYS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "extend-select": ("extend_select", _codes),
    "extend-ignore": ("extend_ignore", _codes),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "entry-point-decorators": ("entry_point_decorators", _strings),
    "lock-names": ("lock_names", _strings),
    "processes": ("processes", _processes),
    "strict": ("strict", _boolean),
    "follow-symlinks": ("follow_symlinks", _boolean),
    "force-exclude": ("force_exclude", _boolean),
    "respect-gitignore": ("respect_gitignore", _boolean),
}


def describe(settings: Settings) -> str:
    """``key = value`` per setting, in the config file's spelling and TOML's notation
    (``--show-settings``)."""
    import dataclasses
    import json

    def toml(value: object) -> str:
        if isinstance(value, tuple):
            return "[" + ", ".join(toml(item) for item in value) + "]"
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "(from the deployment files)"
        return json.dumps(str(value)) if isinstance(value, (str, Path)) else str(value)

    fields = dataclasses.fields(settings)
    return "".join(f"{f.name.replace('_', '-')} = {toml(getattr(settings, f.name))}\n" for f in fields)


# Seconds one file may take in a worker before it is stopped and reported as FGL900.
DEFAULT_FILE_TIMEOUT = 20.0


def default_jobs() -> int:
    """One worker process per CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


# Called with (files done, files in all) as files are loaded from the cache or analysed.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunOptions:
    """How to run, as opposed to what to report (that is ``Settings``)."""

    jobs: int = 0  # worker processes for the per-file step; 0: one per CPU; 1: in this process
    cache: bool = True
    cache_dir: Path | None = None
    # Skip files that cannot hold or reach request-time code (tests turn it off to compare).
    prepass: bool = True
    # Seconds one file may take in a worker before it is stopped and reported as FGL900.
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    # Told (files done, files in all) while the per-file step runs: the CLI's progress bar.
    progress: Progress | None = None
    # Text to lint instead of what a file holds on disk, by absolute path: what ``--diff``'s later
    # rounds see (the earlier rounds' fixes, never written).
    overlay: Mapping[str, bytes] | None = None

    @property
    def workers(self) -> int:
        """The worker processes ``jobs`` asks for: one per CPU for 0."""
        return self.jobs or default_jobs()
