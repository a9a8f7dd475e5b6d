"""The run-level result cache: a run whose inputs are all unchanged replays the last run's result,
without analysing, linking or settling anything.

A run's inputs are the files it reads (each one's path, module name and bytes, known by their
SHA-256), the deployment files, the settings, the paths given and the current folder, the tool
itself (``environment_digest``: its version, its analyser source, the interpreter and libcst) and
whether the fixes are settled with their edits.  When any of them differs, the run is made in full
and recorded for the next one.

Stat-first, as mypy and ruff do: a file whose size, mtime, ctime and inode are those recorded
with its digest is not read again.  The record is trusted only for a file whose ctime lay
``RACY_NS`` or more before the moment it was read (git's rule for racy files): a later edit in the
same clock tick would otherwise leave every stamp as it was.

One record per scope (folder, paths, settings, settle mode), so a pre-commit run on a few files
and a full run each keep theirs.  Records are entries of the facts cache (``FactsCache.read`` and
``write``): authenticated with the user's key, data only (``datacodec``), written whole.  Anything
unexpected in one is a miss.  Only this module and what the command line needs are imported
on a replay; the engine and libcst are imported when there is work to do.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

from . import diagnostics
from .datacodec import CodecError, Schema
from .diagnostics import Diagnostic, LintResult
from .discovery.deployment import DEPLOYMENT_FILE_BYTES, deployment_files
from .discovery.selection import RunFiles, run_files
from .discovery.sources import SourceFile, read_source
from .facts.cache import FactsCache, default_cache_dir, environment_digest
from .safe_io import read_bounded
from .settings import MAX_FILE_BYTES, RunOptions, Settings

__all__ = ["RACY_NS", "lint"]

# Timestamps on some file systems are this coarse (FAT: 2 s).
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class FileStamp:
    """What a file was when the recorded run read it."""

    path: str  # absolute
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    read_ns: int
    # SHA-256 of its bytes; "!" and why when it could not be read.
    digest: str

    def matches(self, info: os.stat_result) -> bool:
        return not self.digest.startswith("!") and (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) and \
            info.st_ctime_ns + RACY_NS <= self.read_ns


@dataclass(frozen=True)
class RunRecord:
    key: str
    files: tuple[FileStamp, ...]
    result: LintResult


@dataclass(frozen=True)
class SettledFixes:
    """Findings whose fixes touch the same files, as ``settle`` left them (in the same order)."""

    diagnostics: tuple[Diagnostic, ...]


_RECORDS = Schema(
    (RunRecord, FileStamp, LintResult, SettledFixes, Diagnostic, diagnostics.LockFix, diagnostics.GlobalToG,
     diagnostics.WidenLock, diagnostics.HoistLock, diagnostics.AttrToRequest),
    aliases={"Edit": "tuple[str, int, int, int, int, str]"},
    unions={"Fix": (diagnostics.LockFix, diagnostics.GlobalToG, diagnostics.WidenLock, diagnostics.HoistLock,
                    diagnostics.AttrToRequest)},
)


def lint(paths: Sequence[str | Path], settings: Settings, options: RunOptions, edits: bool) -> LintResult:
    """What ``engine.lint_paths`` and then ``engine.settle_fixes(..., edits)`` give for these paths:
    replayed when every input is as the last run of this scope found it."""
    if not options.cache or options.overlay:
        return _made(paths, settings, options, edits, None)
    files = run_files(paths, settings)
    store = FactsCache(options.cache_dir or default_cache_dir(settings))
    try:
        return _replayed_or_made(paths, settings, options, edits, files, store)
    finally:
        store.flush()
        store.close()


def _replayed_or_made(paths: Sequence[str | Path], settings: Settings, options: RunOptions, edits: bool,
                      files: RunFiles, store: FactsCache) -> LintResult:
    scope = _scope(paths, settings, options, edits)
    record = _record(store, scope)
    if record is not None:
        known = {stamp.path: stamp for stamp in record.files}
        stamps, _ = _stamped(files.everything, known)
        if record.key == _key(scope, files, stamps, paths, settings):
            if stamps != list(record.files):  # files read again, with the same bytes: stamped anew
                store.write(scope, _RECORDS.dumps("RunRecord", replace(record, files=tuple(stamps))))
            return replace(record.result, replayed=True)
    # Made in full from exactly the bytes the key is made of: an edit during the run cannot be
    # recorded under the old content's key.
    stamps, contents = _stamped(files.everything, {})
    key = _key(scope, files, stamps, paths, settings)
    result = _made(paths, settings, replace(options, overlay=contents), edits, files, store)
    if result.complete:
        store.write(scope, _RECORDS.dumps("RunRecord", RunRecord(key, tuple(stamps), result)))
    return result


def _made(paths: Sequence[str | Path], settings: Settings, options: RunOptions, edits: bool,
          files: Optional[RunFiles], store: Optional[FactsCache] = None) -> LintResult:
    from .engine import lint_paths, settle_fixes

    result = lint_paths(paths, settings, options, files)
    return (_settled(result, edits, store, options.workers) if store is not None
            else settle_fixes(result, edits, options.workers))


def _settled(result: LintResult, edits: bool, store: FactsCache, workers: int = 1) -> LintResult:
    """``engine.settle_fixes``, one group of findings at a time: a group whose fixes touch the same
    files (a function's file, the module that gets the lock) settles alone, so one that is as
    the store has it (its findings and the texts of its files) is not settled again.  An edit
    then settles only its own group's fixes: the rest of a run's thousand libcst trials are
    skipped."""
    if result.settled_for(edits):
        return result
    from .fix import fix_groups, settle_in_parallel

    position = {id(d): i for i, d in enumerate(result.diagnostics)}
    groups = fix_groups([d for d in result.diagnostics if d.fix is not None])
    sources = _Sources()
    out = list(result.diagnostics)
    missing: list[tuple[str, list[Diagnostic]]] = []
    for group in groups:
        key = _group_key(group, edits, sources)
        payload = store.read(key)
        try:
            found = _RECORDS.loads("SettledFixes", payload) if payload is not None else None
        except CodecError:
            found = None
        if isinstance(found, SettledFixes) and len(found.diagnostics) == len(group):
            for before, after in zip(group, found.diagnostics):
                out[position[id(before)]] = after
        else:
            missing.append((key, group))
    if missing:
        settled = iter(settle_in_parallel([d for _, group in missing for d in group], edits=edits,
                                          read=sources.read, workers=workers))
        for key, group in missing:
            made = tuple(next(settled) for _ in group)
            store.write(key, _RECORDS.dumps("SettledFixes", SettledFixes(made)))
            for before, after in zip(group, made):
                out[position[id(before)]] = after
    return replace(result, diagnostics=out, fixes_settled=edits)


def _group_key(group: Sequence[Diagnostic], edits: bool, sources: _Sources) -> str:
    digest = hashlib.sha256(environment_digest())
    digest.update(b"settle\0edits\0" if edits else b"settle\0\0")
    digest.update(_RECORDS.dumps("SettledFixes", SettledFixes(tuple(group))))
    for path in sorted({p for d in group for p in (d.path, *(d.fix.paths if d.fix else ()))}):
        digest.update(os.fsencode(path) + b"\0" + sources.digest(path))
    return "fix-" + digest.hexdigest()


class _Sources:
    """The texts the fixes read, read once: what the group keys are made of is what ``settle`` sees."""

    def __init__(self) -> None:
        self._data: dict[str, bytes | OSError] = {}

    def _bytes(self, path: str) -> bytes | OSError:
        if path not in self._data:
            try:
                self._data[path] = read_bounded(Path(path), MAX_FILE_BYTES)
            except OSError as exc:
                self._data[path] = exc
        return self._data[path]

    def digest(self, path: str) -> bytes:
        data = self._bytes(path)
        return hashlib.sha256(data).digest() if isinstance(data, bytes) else b"unreadable"

    def read(self, path: str) -> str:
        """As ``fix.read_file`` reads: UTF-8, line endings kept; raises as it would."""
        data = self._bytes(path)
        if isinstance(data, OSError):
            raise data
        return data.decode("utf-8")


def _record(store: FactsCache, scope: str) -> Optional[RunRecord]:
    payload = store.read(scope)
    if payload is None:
        return None
    try:
        record = _RECORDS.loads("RunRecord", payload)
    except CodecError:
        return None
    return record if isinstance(record, RunRecord) else None


def _scope(paths: Sequence[str | Path], settings: Settings, options: RunOptions, edits: bool) -> str:
    digest = hashlib.sha256(b"run\0")
    # repr(settings) shows every field, ``root`` too (which equality leaves out).
    for part in (os.getcwd(), repr([os.fspath(p) for p in paths]), repr(settings), repr((edits, options.prepass))):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return "run-" + digest.hexdigest()


def _stamped(sources: Sequence[SourceFile], known: dict[str, FileStamp]) -> tuple[list[FileStamp], dict[str, bytes]]:
    """Each file's stamp, taken before it is read; a file whose ``known`` stamp still holds is not
    read.  Also the bytes of the files read (absolute path -> bytes)."""
    stamps = []
    contents: dict[str, bytes] = {}
    for source in sources:
        path = os.path.abspath(source.path)
        if source.problem:
            stamps.append(FileStamp(path, -1, 0, 0, 0, 0, "!" + source.problem))
            continue
        try:
            info = os.stat(path)
        except OSError as exc:
            stamps.append(FileStamp(path, -1, 0, 0, 0, 0, f"!{exc.strerror}"))
            continue
        previous = known.get(path)
        if previous is not None and previous.matches(info):
            stamps.append(previous)
            continue
        read_ns = time.time_ns()
        data, error = read_source(source)
        digest = hashlib.sha256(data).hexdigest() if data is not None else "!" + error
        if data is not None:
            contents[path] = data
        stamps.append(FileStamp(path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, read_ns, digest))
    return stamps, contents


def _key(scope: str, files: RunFiles, stamps: Sequence[FileStamp], paths: Sequence[str | Path],
         settings: Settings) -> str:
    """Everything the run's result depends on, in one digest."""
    digest = hashlib.sha256(environment_digest())
    digest.update(scope.encode() + b"\0")
    digest.update(repr(sorted(files.reported) if files.reported is not None else None).encode() + b"\0")
    for source, stamp in zip(files.everything, stamps):
        digest.update(f"{source.display}\0{source.module}\0{source.is_package}\0{source.problem}\0".encode(
            "utf-8", "surrogatepass"))
        digest.update(f"{stamp.path}\0{stamp.digest}\0".encode("utf-8", "surrogatepass"))
    for path in deployment_files(paths, settings):
        try:
            data = read_bounded(path, DEPLOYMENT_FILE_BYTES)
        except OSError:
            data = b"unreadable"
        digest.update(os.fsencode(path) + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()
