"""The per-file step for many files: from the cache when possible, in a process
pool when there is enough work to pay for one, in this process otherwise.

A file is analysed in full (libcst) or, when the pre-pass has shown that it
cannot matter, only checked for syntax errors with ``ast`` so that FGL900
findings are the same either way.  Workers get the bytes the parent read and
return plain facts (sent back through a pipe between this run's own processes).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence

from .cache import FactsCache, cache_key
from .model import ModuleFacts, Span
from .workers import DEFAULT_FILE_TIMEOUT, WorkerPool

# Below this many files to parse, one worker process does it (more cost more than they save).
POOL_THRESHOLD = 24


@dataclass(frozen=True)
class FileJob:
    """What a worker needs to analyse one file; ``full`` is False for a syntax check only."""

    path: str
    display: str
    module: str
    is_package: bool
    full: bool = True
    data: Optional[bytes] = None


def analyse(job: FileJob) -> ModuleFacts:
    """Facts for one file, from the bytes the parent read and hashed.  Never raises for bad input.

    The file is never read again here: a file saved during the run must not
    get the new content's facts under the old content's cache key.
    """
    if job.data is None:
        facts = ModuleFacts(path=job.display, module=job.module, is_package=job.is_package)
        facts.error = "cannot read file: no content was read"
        return facts
    if job.full:
        from . import module_facts

        return module_facts(job.data, job.display, job.module, job.is_package)
    return syntax_check(job.data, job)


def syntax_check(data: bytes, job: FileJob) -> ModuleFacts:
    """For a file the pre-pass left out: only whether it would be an FGL900."""
    from . import decode, parse_quietly

    facts = ModuleFacts(path=job.display, module=job.module, is_package=job.is_package, analysed=False)
    if b"\x00" in data:
        facts.error = "file contains a NUL byte"
        return facts
    try:
        text = decode(data)
        parse_quietly(text)
    except ValueError as exc:
        facts.error = f"undecodable: {exc}"
    except (SyntaxError, RecursionError, MemoryError):
        # Let the full analysis word it exactly as it would have.
        return analyse(FileJob(job.path, job.display, job.module, job.is_package, True, data))
    return facts


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_jobs(jobs: Sequence[FileJob], workers: int, file_timeout: float = DEFAULT_FILE_TIMEOUT) -> list[ModuleFacts]:
    """Analyse every job, in order.

    ``workers == 1``: in this process (nothing can stop a file that hangs or
    crashes the parser).  Otherwise in watched worker processes: one for a
    handful of files (a pre-commit run), up to ``workers`` when there are
    enough files to share.
    """
    if not jobs:
        return []
    if workers <= 1:
        return [analyse(job) for job in jobs]
    size = 1 if len(jobs) < POOL_THRESHOLD else min(workers, len(jobs))
    return WorkerPool(size, file_timeout).run(jobs)


def collect(jobs: Sequence[FileJob], workers: int, cache: Optional[FactsCache],
            file_timeout: float = DEFAULT_FILE_TIMEOUT) -> list[ModuleFacts]:
    """Facts for every job, in order: cached ones loaded, the rest analysed and cached."""
    results: list[Optional[ModuleFacts]] = [None] * len(jobs)
    keys: list[str] = []
    missing: list[int] = []
    for index, job in enumerate(jobs):
        key = ""
        if cache is not None and job.data is not None:
            key = cache_key(job.data, job.module, job.is_package, full=job.full)
            results[index] = cache.get(key, job.display)
        keys.append(key)
        if results[index] is None:
            missing.append(index)
    fresh = run_jobs([jobs[i] for i in missing], workers, file_timeout)
    for index, facts in zip(missing, fresh):
        results[index] = facts
        if cache is not None and keys[index] and not _transient(facts.error):
            cache.put(keys[index], facts)
    return [f if f is not None else _lost(jobs[i]) for i, f in enumerate(results)]


def _transient(error: str) -> bool:
    """Errors that say nothing lasting about the file's content: never cached."""
    return error.startswith(("cannot read", "analysis took longer", "the analysis process", "analysis produced"))


def _lost(job: FileJob) -> ModuleFacts:
    facts = ModuleFacts(path=job.display, module=job.module, is_package=job.is_package)
    facts.error = "analysis produced no result"
    facts.error_span = Span(1, 1, 1, 1)
    return facts
