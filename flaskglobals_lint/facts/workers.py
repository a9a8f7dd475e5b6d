"""Worker processes for the per-file step, watched one file at a time.

A file is handed to a worker, with the bytes the parent read and hashed, and
its facts come back.  A worker that dies (libcst's native parser can crash
the process on input it cannot handle) or that takes longer than the per-file
time budget is killed and replaced; the file gets an FGL900 saying so and the
run goes on.  Workers ignore Ctrl-C, SIGTERM and SIGHUP: the parent stops them
all, whatever ends the run.  And they die with the parent, even when it is
killed with SIGKILL: an orphaned worker would hold the caller's output pipe
open and hang a CI step that waits for it.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Optional, Sequence

from ..settings import DEFAULT_FILE_TIMEOUT
from .jobs import failed

# How often a worker checks that its parent is still there (where PR_SET_PDEATHSIG is not available).
PARENT_WATCH_INTERVAL = 0.25
_PR_SET_PDEATHSIG = 1
_prctl: Optional[Callable[..., int]] = None


def _context() -> Any:
    # fork starts a worker in milliseconds; where it is unavailable or unsafe, spawn.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def load_prctl() -> Optional[Callable[..., int]]:
    """libc's prctl on Linux, else None.  Looked up ahead of a fork: a child must not have to load it."""
    global _prctl
    if _prctl is None and sys.platform.startswith("linux"):
        try:
            _prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            pass
    return _prctl


def die_with_parent(sig: int) -> bool:
    """Have Linux send ``sig`` to this process when its parent dies (PR_SET_PDEATHSIG); False if it cannot."""
    prctl = load_prctl()
    if prctl is None:
        return False
    return prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(int(sig)), ctypes.c_ulong(0),
                 ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0


def _watch_parent(parent: int) -> None:
    """The portable fallback: once the parent is gone (this process is re-parented), exit."""
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH_INTERVAL)
    os._exit(1)


def _serve(connection: Connection, parent: int, inherited: Sequence[Connection] = (),
           work: Optional[Callable[[Any], Any]] = None) -> None:
    """A worker's life: do what arrives (``work``, by default analyse a file) until told to stop,
    or until the parent is gone."""
    if work is None:
        from .jobs import analyse

        work = analyse

    # First: a fork also copies the parent's handlers, which would raise here.
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    for other in inherited:
        # Forked with the parent's ends of every pipe (this worker's own too): EOF would never come.
        other.close()
    _output_to_devnull()
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        connection.send(work(job))


def _output_to_devnull() -> None:
    """Standard output and error (fds 1 and 2) to devnull: a worker must not keep the caller's pipes open."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    job: Optional[int] = None
    started: float = 0.0


class WorkerPool:
    """Watched worker processes.  ``work`` (a module-level function, so that a spawned worker can
    import it) does each job; ``failure(job, why)`` stands for the result of a job whose worker
    died or ran out of time.  By default: per-file facts, and an FGL900 saying why."""

    def __init__(self, size: int, file_timeout: float = DEFAULT_FILE_TIMEOUT,
                 done: Optional[Callable[[], None]] = None, work: Optional[Callable[[Any], Any]] = None,
                 failure: Callable[[Any, str], Any] = failed) -> None:
        self.size = max(1, size)
        self.done = done
        self.file_timeout = file_timeout
        self.context = _context()
        self.workers: list[_Worker] = []
        self.work = work
        self.failure = failure

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        inherited: tuple[Connection, ...] = ()
        if self.context.get_start_method() == "fork":
            inherited = (parent_end, *(w.connection for w in self.workers))
            load_prctl()
        process = self.context.Process(target=_serve, args=(child_end, os.getpid(), inherited, self.work),
                                       daemon=True)
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

    def run(self, jobs: Sequence[Any]) -> list[Any]:
        results: list[Any] = [None] * len(jobs)
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
                        results[index] = self.failure(jobs[index], _death(worker.process.exitcode))
                        self._stop(worker)
                        worker = self._start()
                    worker.job = None
                    self._finished()
                    self._assign(worker, jobs, pending)
                now = time.monotonic()
                for worker in [w for w in self.workers if w.job is not None and now - w.started > self.file_timeout]:
                    index = worker.job
                    assert index is not None
                    results[index] = self.failure(jobs[index], f"analysis took longer than {self.file_timeout:g} s")
                    self._finished()
                    self._stop(worker)
                    self._assign(self._start(), jobs, pending)
        finally:
            for worker in list(self.workers):
                self._stop(worker)
        return [r if r is not None else self.failure(jobs[i], "analysis produced no result")
                for i, r in enumerate(results)]

    def _finished(self) -> None:
        if self.done is not None:
            self.done()

    def _assign(self, worker: _Worker, jobs: Sequence[Any], pending: deque[int]) -> None:
        if not pending:
            worker.job = None
            return
        index = pending.popleft()
        # The bytes the parent read and hashed go with the job: a worker that read the file again could
        # store a file saved meanwhile under the old content's cache key.
        try:
            worker.connection.send(jobs[index])
        except OSError:
            pass  # the worker died: its pipe reads as EOF next, and the file gets an FGL900 saying so
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
