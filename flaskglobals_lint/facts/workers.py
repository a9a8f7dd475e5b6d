"""Worker processes for the per-file step, watched one file at a time.

A file is handed to a worker and its facts come back.  A worker that dies
(libcst's native parser can crash the process on input it cannot handle) or
that takes longer than the per-file time budget is killed and replaced; the
file gets an FGL900 saying so and the run goes on.  Workers ignore Ctrl-C:
the parent stops them all, whatever ends the run.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, Optional, Sequence

from .model import ModuleFacts, Span

if TYPE_CHECKING:
    from .batch import FileJob

DEFAULT_FILE_TIMEOUT = 20.0


def _context() -> Any:
    # fork starts a worker in milliseconds; where it is unavailable or unsafe, spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _serve(connection: Connection) -> None:
    """A worker's life: analyse what arrives until told to stop."""
    from .batch import analyse

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        connection.send(analyse(job))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    job: Optional[int] = None
    started: float = 0.0


class WorkerPool:
    def __init__(self, size: int, file_timeout: float = DEFAULT_FILE_TIMEOUT) -> None:
        self.size = max(1, size)
        self.file_timeout = file_timeout
        self.context = _context()
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child_end,), daemon=True)
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        self.workers.remove(worker)

    def run(self, jobs: Sequence[FileJob]) -> list[ModuleFacts]:
        results: list[Optional[ModuleFacts]] = [None] * len(jobs)
        pending = deque(range(len(jobs)))
        try:
            for _ in range(min(self.size, len(jobs))):
                self._assign(self._start(), jobs, pending)
            while any(w.job is not None for w in self.workers):
                busy = [w for w in self.workers if w.job is not None]
                deadline = min(w.started for w in busy) + self.file_timeout
                ready = wait([w.connection for w in busy], timeout=max(0.0, deadline - time.monotonic()))
                for worker in [w for w in busy if w.connection in ready]:
                    index = worker.job
                    assert index is not None
                    try:
                        results[index] = worker.connection.recv()
                    except (EOFError, OSError):
                        worker.process.join(5)
                        results[index] = _failed(jobs[index], _death(worker.process.exitcode))
                        self._stop(worker)
                        worker = self._start()
                    worker.job = None
                    self._assign(worker, jobs, pending)
                now = time.monotonic()
                for worker in [w for w in self.workers if w.job is not None and now - w.started > self.file_timeout]:
                    index = worker.job
                    assert index is not None
                    results[index] = _failed(jobs[index], f"analysis took longer than {self.file_timeout:g} s")
                    self._stop(worker)
                    self._assign(self._start(), jobs, pending)
        finally:
            for worker in list(self.workers):
                self._stop(worker)
        return [r if r is not None else _failed(jobs[i], "analysis produced no result") for i, r in enumerate(results)]

    def _assign(self, worker: _Worker, jobs: Sequence[FileJob], pending: deque[int]) -> None:
        if not pending:
            worker.job = None
            return
        index = pending.popleft()
        # Workers read the files themselves: send the path, not the bytes.
        job = jobs[index]
        worker.connection.send(type(job)(job.path, job.display, job.module, job.is_package, job.full))
        worker.job = index
        worker.started = time.monotonic()


def _death(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the analysis process crashed ({name})"
    return f"the analysis process died (exit code {exitcode})"


def _failed(job: FileJob, reason: str) -> ModuleFacts:
    facts = ModuleFacts(path=job.display, module=job.module, is_package=job.is_package)
    facts.error = reason
    facts.error_span = Span(1, 1, 1, 1)
    return facts
