"""Processes the linter starts never outlive it, and never analyse other bytes than it hashed.

SIGTERM and SIGHUP stop a run like Ctrl-C (workers and demo servers stopped,
temporary folders removed, exit 128 + the signal); after ``kill -9`` the
workers and the servers die too, so a CI step that reads the linter's output
gets its end of file instead of hanging.  Linux only: processes are found in
/proc.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import IO, Callable

import pytest

from flaskglobals_lint.demo.servers import RUN_MARKER, redis_server_binary
from flaskglobals_lint.facts.batch import POOL_THRESHOLD, FileJob
from flaskglobals_lint.facts.workers import WorkerPool

from .conftest import cli_command, marked_processes

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes in /proc")

GONE_WITHIN = 5.0  # seconds: once the linter is gone, how long its processes may take to follow
STRAY = "def broken(:\n"
VALID = "from flask import Flask\napp = Flask(__name__)\nN = []\n\n@app.route('/')\ndef index():\n    N.append(1)\n"


# ------------------------------------------------------------------ helpers
def reaches_eof(stream: IO[bytes], timeout: float) -> bool:
    """Whether every writer of ``stream`` closes it within ``timeout`` seconds (what a CI runner waits for)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([stream], [], [], remaining)
        if ready and not os.read(stream.fileno(), 65536):
            return True


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_leftovers() -> None:
    """What the code under test failed to stop, stopped here (each by its pid)."""
    for pid in marked_processes():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start(args: list[str], cwd: Path, env: dict[str, str], stderr: Path) -> subprocess.Popen[bytes]:
    with open(stderr, "wb") as err:
        return subprocess.Popen([*cli_command(), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    assert proc.stdout is not None
    proc.stdout.close()
    kill_leftovers()


# ------------------------------------------------------------- linting runs
@pytest.fixture
def big_tree(tmp_path: Path) -> Path:
    """A project with enough files for a pool of workers, and slow enough (seconds) to be stopped midway."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    tree = tmp_path / "tree"
    generate(tree, 60_000, seed=5)
    assert len(list(tree.rglob("*.py"))) > 4 * POOL_THRESHOLD
    return tree


def start_pooled_run(tree: Path, stderr: Path) -> subprocess.Popen[bytes]:
    """The CLI linting ``tree`` with two workers, returned once both workers run."""
    env = dict(os.environ, **{RUN_MARKER: str(os.getpid())})
    proc = start(["--no-cache", "--jobs", "2", "."], tree, env, stderr)
    if not wait_until(lambda: len(marked_processes()) >= 3, 60):  # the CLI and two workers
        stop(proc)
        pytest.fail("the run did not start its two workers")
    return proc


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"])
def test_sigterm_or_sighup_during_a_pooled_run_stops_it_like_ctrl_c(big_tree: Path, tmp_path: Path,
                                                                    sig: signal.Signals, status: int) -> None:
    proc = start_pooled_run(big_tree, tmp_path / "stderr")
    try:
        proc.send_signal(sig)
        returncode = proc.wait(30)
        assert proc.stdout is not None
        eof = reaches_eof(proc.stdout, 10)
        gone = wait_until(lambda: marked_processes() == [], GONE_WITHIN)
    finally:
        stop(proc)
    err = (tmp_path / "stderr").read_text()
    assert returncode == status, err
    assert eof, "a worker still holds the caller's standard output"
    assert gone, "a worker outlived the run"
    assert err.strip().endswith(f"flaskglobals-lint: interrupted ({sig.name})") and "Traceback" not in err


def test_kill_9_of_the_linter_takes_its_workers_and_frees_the_output_pipe(big_tree: Path, tmp_path: Path) -> None:
    proc = start_pooled_run(big_tree, tmp_path / "stderr")
    try:
        workers = [pid for pid in marked_processes() if pid != proc.pid]
        assert len(workers) == 2
        proc.kill()
        proc.wait(10)
        assert proc.stdout is not None
        eof = reaches_eof(proc.stdout, GONE_WITHIN)  # the CI hang: before the fix, never
        gone = wait_until(lambda: not any(alive(pid) for pid in workers), GONE_WITHIN)
    finally:
        stop(proc)
    assert gone, "workers outlived a linter killed with SIGKILL"
    assert eof, "an orphaned worker holds the caller's standard output"


WATCHED = textwrap.dedent("""
    import sys, time
    import flaskglobals_lint.facts.workers as workers

    workers.die_with_parent = lambda sig: False  # as where PR_SET_PDEATHSIG is not available
    pool = workers.WorkerPool(2)
    started = [pool._start(), pool._start()]
    print(*(w.process.pid for w in started), flush=True)
    time.sleep(120)
""")


def test_without_pdeathsig_workers_still_notice_their_parent_is_gone(tmp_path: Path) -> None:
    """The portable fallback: each worker watches its parent and exits once it is re-parented."""
    proc = subprocess.Popen([sys.executable, "-c", WATCHED], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    workers: list[int] = []
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the pool did not start"
        workers = [int(pid) for pid in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        proc.kill()
        proc.wait(10)
        eof = reaches_eof(proc.stdout, GONE_WITHIN)
        gone = wait_until(lambda: not any(alive(pid) for pid in workers), GONE_WITHIN)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.stdout is not None:
            proc.stdout.close()
    assert gone, "workers outlived their parent without PR_SET_PDEATHSIG"
    assert eof, "a worker holds its parent's standard output"


def socket_ends(pid: int | str) -> set[str]:
    """What a process's descriptors point at (``socket:[inode]`` for a pipe end of the pool)."""
    folder = Path(f"/proc/{pid}/fd")
    found = set()
    for fd in folder.iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            pass
    return found


def test_a_worker_holds_no_parent_end_of_any_pipe_and_not_the_callers_output() -> None:
    """Forked workers used to inherit the parent's end of their own and earlier workers' pipes (so EOF never
    came when the parent died) and the caller's stdout and stderr."""
    pool = WorkerPool(2)
    try:
        first, second = pool._start(), pool._start()
        for worker in (first, second):  # a round trip: the worker is past its start-up
            worker.connection.send(FileJob("x.py", "x.py", "x", False, True, b"x = 1\n"))
            assert worker.connection.recv().error == ""
        parent_ends = {os.readlink(f"/proc/self/fd/{w.connection.fileno()}") for w in (first, second)}
        assert all(end.startswith("socket:") for end in parent_ends)
        for worker in (first, second):
            assert not parent_ends & socket_ends(worker.process.pid)
            for fd in (1, 2):
                assert os.readlink(f"/proc/{worker.process.pid}/fd/{fd}") == os.devnull
    finally:
        for worker in list(pool.workers):
            pool._stop(worker)


def test_workers_analyse_the_bytes_the_parent_hashed_not_the_file_on_disk(tmp_path: Path) -> None:
    """A file saved during a run: its facts must be those of the bytes read (and hashed for the cache key)."""
    broken_on_disk = tmp_path / "saved_broken.py"
    broken_on_disk.write_text(STRAY)
    valid_on_disk = tmp_path / "saved_valid.py"
    valid_on_disk.write_text(VALID)
    jobs = [FileJob(str(broken_on_disk), "saved_broken.py", "saved_broken", False, True, VALID.encode()),
            FileJob(str(valid_on_disk), "saved_valid.py", "saved_valid", False, True, STRAY.encode()),
            FileJob(str(tmp_path / "deleted.py"), "deleted.py", "deleted", False, True, VALID.encode()),
            FileJob(str(valid_on_disk), "check_only.py", "check_only", False, False, STRAY.encode())]
    facts = WorkerPool(2).run(jobs)
    assert [f.path for f in facts] == [j.display for j in jobs]
    assert facts[0].error == ""
    assert facts[1].error.startswith("syntax error")
    assert facts[2].error == ""
    assert facts[3].error.startswith("syntax error")


# -------------------------------------------------------------------- demos
@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    """The marker every demo process carries, and a private TMPDIR whose fgl-* folders are this run's own."""
    private = tmp_path / "tmp"
    private.mkdir()
    return dict(os.environ, **{RUN_MARKER: str(os.getpid()), "TMPDIR": str(private)})


def demo_folders(env: dict[str, str]) -> list[str]:
    return sorted(p.name for p in Path(env["TMPDIR"]).glob("fgl-*"))


def demo_processes(env: dict[str, str]) -> set[int]:
    """The marked processes, and those working in the private TMPDIR: redis-server overwrites its
    environment with its process title, so only its working folder (its fgl-redis-* folder) tells."""
    found = set(marked_processes())
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd").startswith(env["TMPDIR"] + "/"):
                found.add(int(entry.name))
        except OSError:
            continue
    return {pid for pid in found if alive(pid)}


def describe(pid: int) -> str:
    try:
        return f"{pid} " + Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return str(pid)


def kill_demo_leftovers(env: dict[str, str]) -> None:
    for pid in demo_processes(env):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_demo(code: str, env: dict[str, str], tmp_path: Path, servers: int) -> subprocess.Popen[bytes]:
    """``--demo CODE``, returned while ``servers`` of its processes (and its temporary folders) exist."""
    proc = start(["--demo", code], tmp_path, env, tmp_path / "stderr")
    running = wait_until(lambda: len(demo_processes(env)) >= 1 + servers and bool(demo_folders(env)), 60)
    if not running:
        stop(proc)
        kill_demo_leftovers(env)
        pytest.fail(f"--demo {code} did not start its servers: " + (tmp_path / "stderr").read_text())
    return proc


@pytest.mark.race
@pytest.mark.timeout(180)
@pytest.mark.parametrize("code, servers, sig, status", [
    ("FGL011", 3, signal.SIGTERM, 143),  # gunicorn master and two workers
    ("FGL011", 3, signal.SIGHUP, 129),
    ("redis", 4, signal.SIGTERM, 143),  # and redis-server
], ids=["FGL011-TERM", "FGL011-HUP", "redis-TERM"])
def test_sigterm_or_sighup_stops_every_demo_server_and_removes_its_folders(
        demo_env: dict[str, str], tmp_path: Path, code: str, servers: int, sig: signal.Signals,
        status: int) -> None:
    if code == "redis" and redis_server_binary() is None:
        pytest.skip("no redis-server binary")
    proc = start_demo(code, demo_env, tmp_path, servers)
    try:
        proc.send_signal(sig)
        returncode = proc.wait(60)
        gone = wait_until(lambda: not demo_processes(demo_env), GONE_WITHIN)
    finally:
        stop(proc)
        kill_demo_leftovers(demo_env)
    err = (tmp_path / "stderr").read_text()
    assert returncode == status, err
    assert gone, "a demo server outlived the run"
    assert demo_folders(demo_env) == []
    assert "Traceback" not in err


@pytest.mark.race
@pytest.mark.timeout(180)
@pytest.mark.parametrize("code, servers", [("FGL011", 3), ("redis", 4)], ids=["FGL011", "redis"])
def test_kill_9_of_a_demo_takes_every_server_with_it(demo_env: dict[str, str], tmp_path: Path, code: str,
                                                     servers: int) -> None:
    if code == "redis" and redis_server_binary() is None:
        pytest.skip("no redis-server binary")
    proc = start_demo(code, demo_env, tmp_path, servers)
    try:
        proc.kill()
        proc.wait(10)
        # gunicorn stops its workers (3 s graceful timeout), then itself; a loaded CI machine is slower.
        gone = wait_until(lambda: not demo_processes(demo_env), 30)
        left = [describe(pid) for pid in sorted(demo_processes(demo_env))]
    finally:
        stop(proc)
        kill_demo_leftovers(demo_env)
    assert gone, f"a demo server outlived a linter killed with SIGKILL: {left}"


@pytest.mark.race
@pytest.mark.timeout(180)
def test_a_finished_demo_leaves_no_temporary_folder(demo_env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run([*cli_command(), "--demo", "FGL011"], cwd=tmp_path, env=demo_env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert demo_folders(demo_env) == []
    assert not demo_processes(demo_env)
