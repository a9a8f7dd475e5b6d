"""Concurrent HTTP requests to a demo server, from a bounded thread pool.

All requests of a burst wait at one barrier and are sent together, so they
really overlap inside the server.  Every request has a timeout; nothing here
can hang.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Optional, Sequence

REQUEST_TIMEOUT = 15.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Response:
    request: Request
    status: int
    body: Any


def send(base: str, request: Request) -> Response:
    data = b"" if request.method != "GET" else None
    req = urllib.request.Request(base + request.path, data=data, method=request.method,
                                 headers=dict(request.headers))
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return Response(request, status, body)


def burst(base: str, requests: Sequence[Request], concurrency: Optional[int] = None) -> list[Response]:
    """Send ``requests`` from ``concurrency`` threads that start together; responses in order."""
    size = max(1, min(len(requests), concurrency or len(requests)))
    barrier = threading.Barrier(size)
    todo = list(enumerate(requests))
    results: list[Optional[Response]] = [None] * len(requests)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait(timeout=REQUEST_TIMEOUT)
        except threading.BrokenBarrierError:
            pass
        while True:
            with lock:
                if not todo or errors:
                    return
                index, request = todo.pop(0)
            try:
                results[index] = send(base, request)
            except Exception as exc:  # noqa: BLE001 - reported to the caller below
                with lock:
                    errors.append(exc)
                return

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT * (len(requests) // size + 2))
    if errors:
        raise errors[0]
    if any(r is None for r in results):
        raise TimeoutError("some requests did not complete in time")
    return [r for r in results if r is not None]
