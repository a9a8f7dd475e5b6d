"""The per-file step for many files: from the cache when possible, in a process
pool when there is enough work to pay for one, in this process otherwise.

A file is analysed in full (libcst) or, when the pre-pass has shown that it
cannot matter, only checked for syntax errors with ``ast`` so that FGL900
findings are the same either way.  Workers get the bytes the parent read and
return plain facts (sent back through a pipe between this run's own processes).
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..settings import Progress
from .cache import FactsCache, cache_key
from .jobs import FileJob, analyse, failed
from .model import ModuleFacts
from .workers import DEFAULT_FILE_TIMEOUT, WorkerPool

__all__ = ["FileJob", "POOL_THRESHOLD", "Progress", "collect", "run_jobs", "transient"]

# Below this many files to parse, one worker process does it (more cost more than they save).
POOL_THRESHOLD = 24


def run_jobs(jobs: Sequence[FileJob], workers: int, file_timeout: float = DEFAULT_FILE_TIMEOUT,
             done: Optional[Callable[[], None]] = None) -> list[ModuleFacts]:
    """Analyse every job, in order.

    ``workers == 1``: in this process (nothing can stop a file that hangs or
    crashes the parser).  Otherwise in watched worker processes: one for a
    handful of files (a pre-commit run), up to ``workers`` when there are
    enough files to share.  ``done`` is called once per file as it finishes.
    """
    if not jobs:
        return []
    if workers <= 1:
        results = []
        for job in jobs:
            results.append(analyse(job))
            if done is not None:
                done()
        return results
    size = 1 if len(jobs) < POOL_THRESHOLD else min(workers, len(jobs))
    return WorkerPool(size, file_timeout, done).run(jobs)


def collect(jobs: Sequence[FileJob], workers: int, cache: Optional[FactsCache],
            file_timeout: float = DEFAULT_FILE_TIMEOUT, progress: Optional[Progress] = None) -> list[ModuleFacts]:
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
    finished = len(jobs) - len(missing)

    def done() -> None:
        nonlocal finished
        finished += 1
        if progress is not None:
            progress(finished, len(jobs))

    if progress is not None and jobs:
        progress(finished, len(jobs))
    fresh = run_jobs([jobs[i] for i in missing], workers, file_timeout, done)
    for index, facts in zip(missing, fresh):
        results[index] = facts
        if cache is not None and keys[index] and not transient(facts.error):
            cache.put(keys[index], facts)
    if cache is not None:
        cache.flush()
    return [f if f is not None else failed(jobs[i], "analysis produced no result") for i, f in enumerate(results)]


def transient(error: str) -> bool:
    """Errors that say nothing lasting about the file's content: never cached."""
    return error.startswith(("cannot read", "analysis took longer", "the analysis process", "analysis produced"))
