"""Writing the report: all of it or an error, to standard output or through a file renamed into place."""
from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import BinaryIO

__all__ = ["replace_file", "write_all", "write_report"]


def write_report(report: str, output_file: Path | None) -> None:
    """Write the whole report or raise ``OSError``: a report cut short must never pass for a whole one."""
    if output_file is not None:
        replace_file(output_file, report.encode("utf-8"))
        return
    stdout = sys.stdout
    if stdout is None:  # pythonw: there is no standard output to write to
        return
    stdout.flush()
    binary = getattr(stdout, "buffer", None)
    if binary is None:  # a text-only stream someone put in place of sys.stdout
        stdout.write(report)
        stdout.flush()
        return
    # No ANSI stripping needed: analysed text arrives escaped, and colour codes are only there when asked for.
    write_all(binary, report.encode(getattr(stdout, "encoding", None) or "utf-8", "backslashreplace"))


def write_all(stream: BinaryIO, data: bytes) -> None:
    """Write until every byte is out (or the OS says why not), then flush.

    Over ``ulimit -f`` (Python ignores SIGXFSZ) the first write is cut short
    and only the next one fails with EFBIG; the text layer ignores the short
    count, which is how the rest of a report used to vanish silently.
    """
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if not written:
            raise OSError(errno.EIO, "nothing could be written")
        view = view[written:]
    stream.flush()


def replace_file(output_file: Path, data: bytes) -> None:
    """Write beside the report and rename over it, so that a failed write leaves the old report whole."""
    try:
        special = not stat.S_ISREG(os.stat(output_file).st_mode)
    except FileNotFoundError:
        special = False
    if special:  # /dev/null, /dev/stdout, a FIFO: nothing to replace, and never rename over a device
        with open(output_file, "wb") as stream:
            write_all(stream, data)
        return
    target = Path(os.path.realpath(output_file))  # through a symbolic link, as a plain write would
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    # Mode 0o666 less the umask, as for any new file (mkstemp would give 0o600); O_EXCL: never an existing file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            write_all(stream, data)
            os.fsync(stream.fileno())  # a full disk can show only here, and the rename must not come first
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
