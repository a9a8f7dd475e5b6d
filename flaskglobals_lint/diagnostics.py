"""The one result type every stage after the rules speaks: a located finding."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence, Union

SEVERITIES = ("error", "warning", "note")


Edit = tuple[str, int, int, int, int, str]


class _FixReport:
    """What every fix shows in JSON (and, with its message, in SARIF)."""

    applicability: str
    why: str
    edits: tuple[Edit, ...]

    @property
    def message(self) -> str:
        raise NotImplementedError

    def as_dict(self) -> dict[str, object]:
        return {"applicability": self.applicability, "message": self.message, "why_unsafe": self.why or None,
                "edits": [{"path": path, "start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec},
                           "content": content} for path, sl, sc, el, ec, content in self.edits]}


@dataclass(frozen=True)
class LockFix(_FixReport):
    """What ``--fix`` does for an unlocked write, planned from the facts (the fixer turns it into edits).

    One module-level lock per shared state, named after it, defined next to the state's
    definition; the smallest block of the function that holds every read and write of the
    state (``references``, as the function spells them) is wrapped in ``with <lock>:``.
    """

    # "safe" or "unsafe"; ``why`` says what makes it unsafe.
    applicability: str
    why: str
    # The def line of the function that writes.
    function_line: int
    references: tuple[str, ...]
    lock: str
    # The file and line of the state's definition, where the lock goes.
    lock_path: str
    lock_line: int
    # The module to import the lock from, when the write is in another module ("" when not).
    lock_module: str = ""
    # The lock the other writes of the state already take (FGL009): used as is, nothing defined.
    existing: bool = False
    # The function's calls into project code, (line, callee): a block that holds one is unsafe
    # (the callee could take another lock).
    project_calls: tuple[tuple[int, str], ...] = ()
    # The fix's edits once the fixer has made them (JSON and SARIF show them):
    # (path, start line, start column, end line, end column, new text), 1-based, end exclusive.
    edits: tuple[Edit, ...] = ()

    @property
    def message(self) -> str:
        return f"hold a module-level lock around it: with {self.lock}:"

    @property
    def paths(self) -> tuple[str, ...]:
        """The files the fix touches besides the finding's own."""
        return (self.lock_path,)


@dataclass(frozen=True)
class GlobalToG(_FixReport):
    """What ``--fix`` does for a global that carries one request's data: ``flask.g`` instead.

    Every request-time read becomes ``g.get("name", default)`` and every write ``g.name = ...``;
    the ``global`` statements go, and so does the module binding when nothing else uses it.
    """

    applicability: str
    why: str
    name: str
    # The module that binds the global, and the line of that binding.
    path: str
    line: int
    # The def lines of that module's functions that run at request time: a use anywhere else
    # (a thread, import time) makes the fix unsafe.
    request_functions: tuple[int, ...]
    # Another module imports the name: the module binding stays.
    imported_elsewhere: bool = False
    edits: tuple[Edit, ...] = ()

    @property
    def message(self) -> str:
        return f"keep it on flask.g: g.{self.name}"

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)


@dataclass(frozen=True)
class WidenLock(_FixReport):
    """What ``--fix`` does for a check made outside the lock held for the write (FGL005): the
    ``with <lock>:`` block grows up to the check, so the test and the write are one locked block."""

    applicability: str
    why: str
    function_line: int
    lock: str  # as the function names it
    # The line of the test (or of the stale computation), and the write's line.
    from_line: int
    write_line: int
    edits: tuple[Edit, ...] = ()

    @property
    def message(self) -> str:
        return f"make the test and the write one block under {self.lock}"

    @property
    def paths(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class HoistLock(_FixReport):
    """What ``--fix`` does for a lock made per call (FGL008, ``with threading.Lock():``): one lock,
    made once at module level before the function, and the ``with`` takes it."""

    applicability: str
    why: str
    function_line: int
    # The line of the ``with`` and the call that makes the lock, as written (``threading.Lock()``).
    line: int
    call: str
    lock: str
    edits: tuple[Edit, ...] = ()

    @property
    def message(self) -> str:
        return f"make the lock once, at module level: {self.lock} = {self.call}"

    @property
    def paths(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class AttrToRequest(_FixReport):
    """What ``--fix`` does for per-request data kept on a view instance every request shares
    (``init_every_request = False``, a SocketIO namespace): a local of the method when only that
    method uses the attribute, ``flask.g`` when several do."""

    applicability: str
    why: str
    # The attribute (``owner`` for ``self.owner``), the class and the writing method's def line.
    attribute: str
    class_name: str
    function_line: int
    # A class (this one or a base) sets the attribute: a setting, which only a local can replace.
    class_level: bool = False
    # What the fixer made of it: a local (True) or g (False); None before it has looked.
    local: Optional[bool] = None
    edits: tuple[Edit, ...] = ()

    @property
    def message(self) -> str:
        if self.local is None:
            return f"keep it per request: a local {self.attribute}, or g.{self.attribute}"
        return f"keep it per request in a local: {self.attribute}" if self.local else \
            f"keep it per request on flask.g: g.{self.attribute}"

    @property
    def paths(self) -> tuple[str, ...]:
        return ()


Fix = Union[LockFix, GlobalToG, WidenLock, HoistLock, AttrToRequest]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding at one place in one file.

    ``path`` is the path as the user should see it (relative to the current
    directory when the file lies below it).  Lines and columns are 1-based;
    ``end_line``/``end_column`` delimit the reported statement.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = ""
    end_line: int = 0
    end_column: int = 0
    severity: str = "warning"
    # The request-time call chain that reaches the write, outermost first.
    chain: tuple[str, ...] = field(default=(), compare=False)
    # Why it breaks and the fix; ``message`` says what and where.
    help: str = field(default="", compare=False)
    # The shared state: its name and where it is defined (path, line); ("", "", 0) when none.
    state: tuple[str, str, int] = field(default=("", "", 0), compare=False)
    # ``chain`` with where each step is: (text, path, line); the same length as ``chain`` when known.
    frames: tuple[tuple[str, str, int], ...] = field(default=(), compare=False)
    # How --fix would fix it, when it can.
    fix: Fix | None = field(default=None, compare=False)

    @property
    def located_chain(self) -> list[tuple[str, str, int]]:
        """The chain, each step with its (path, line) where known ("", 0 where not)."""
        if len(self.frames) == len(self.chain):
            return list(self.frames)
        return [(step, "", 0) for step in self.chain]

    @property
    def full_message(self) -> str:
        """What, where, why and the fix in one line, as machine formats carry it."""
        return f"{self.message}: {self.help}" if self.help else self.message

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "end_column": self.end_column or self.column,
            "code": self.code,
            "name": self.name,
            "message": self.full_message,
            "severity": self.severity,
            "chain": [{"text": text, "path": path or None, "line": line or None}
                      for text, path, line in self.located_chain],
            "help": self.help,
            "state": {"name": self.state[0], "path": self.state[1], "line": self.state[2]} if self.state[1] else None,
            "fix": self.fix.as_dict() if self.fix is not None else None,
        }


# What must not reach a terminal or a CI log raw: C0 controls, DEL, C1 controls
# (U+0085 is a line break to some), the Unicode line and paragraph separators,
# bidi controls (they reorder what a reader sees) and lone surrogates (what
# os.fsdecode makes of a file name's undecodable bytes; UTF-8 cannot encode them).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    point = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= point <= 0xDCFF:
        return f"\\x{point - 0xDC00:02x}"  # the byte surrogateescape stood in for
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could steer a terminal or fake a line escaped visibly.

    Paths, route strings and code snippets come from the analysed files, which
    need not be trusted; the result is plain printable text that every output
    format (and UTF-8) can carry.  Backslashes stay as they are, so applying it
    twice changes nothing.
    """
    return _UNPRINTABLE.sub(_escape, text)


def printable_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with its path, message and call chain made ``printable``."""
    return replace(diagnostic, path=printable(diagnostic.path), message=printable(diagnostic.message),
                   chain=tuple(printable(step) for step in diagnostic.chain), help=printable(diagnostic.help),
                   state=(printable(diagnostic.state[0]), printable(diagnostic.state[1]), diagnostic.state[2]),
                   frames=tuple((printable(text), printable(path), line) for text, path, line in diagnostic.frames))


# Numbers in a message (line numbers of the definition, of a test) change when code moves.
_NUMBER = re.compile(r"(?<!\w)\d+(?!\w)")


def stable_identity(diagnostic: Diagnostic) -> tuple[str, str, str]:
    """What identifies a finding across runs: code, path and message, without line numbers."""
    return (diagnostic.code, diagnostic.path, _NUMBER.sub("#", diagnostic.full_message))


def fingerprint(identity: tuple[str, str, str], occurrence: int) -> str:
    """A finding's fingerprint (SARIF's ``primaryLocationLineHash``, GitLab's, the baseline's):
    code, path and message without numbers, plus which occurrence.

    Line numbers are left out so that a finding keeps its fingerprint when
    code above it moves; the occurrence index tells identical findings in
    one file apart.
    """
    digest = hashlib.sha256("\0".join(identity).encode("utf-8")).hexdigest()[:16]
    return f"{digest}:{occurrence}"


def fingerprinted(diagnostics: Sequence[Diagnostic]) -> list[tuple[Diagnostic, str]]:
    """Each diagnostic, in report order, with its fingerprint."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        identity = stable_identity(diagnostic)
        seen[identity] += 1
        out.append((diagnostic, fingerprint(identity, seen[identity])))
    return out


@dataclass
class LintResult:
    """What one run found, and what the command line says about the run besides the findings."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    # How many worker processes the app runs (FGL011), and why we think so.
    processes: int = 1
    processes_reason: str = ""
    # Files analysed in full, and how many facts came from the cache.
    files_analysed: int = 0
    cache_hits: int = 0
    # Things the user should know that are not findings ("cache folder refused: ...").
    warnings: list[str] = field(default_factory=list)
    # The entry points the analysis found: (path, line, kind, label), sorted.
    entries: list[tuple[str, int, str, str]] = field(default_factory=list)
    # Imports from the project's own packages that resolve to nothing: (path, line, name), sorted.
    unresolved: list[tuple[str, int, str]] = field(default_factory=list)
    # None: each fix as the rules planned it; False or True: settled (``fix.settle``), with True
    # its edits too (what JSON and SARIF show).
    fixes_settled: bool | None = None
    # False when a file could not be analysed for a reason that may pass (a timeout, a crashed
    # worker, a read error): such a result is never replayed.
    complete: bool = True
    # Replayed from the run-level result cache (``replay``), not analysed.
    replayed: bool = False

    def settled_for(self, edits: bool) -> bool:
        """The fixes are as a report with (or without) edits shows them: settled so, or none at all."""
        return self.fixes_settled == edits or not any(d.fix is not None for d in self.diagnostics)
