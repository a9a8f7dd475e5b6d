"""Reading files the linted repository controls: size-checked before reading, never blocking."""
from __future__ import annotations

import os
import stat

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

_NOT_REGULAR = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
                stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


class ReadRefused(OSError):
    """The file is not a regular file, or larger than the caller's limit: it was not read."""


def read_bounded(path: str | os.PathLike[str], limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The size is checked with ``fstat`` before anything is read (a sparse 4 GB
    file costs nothing), and at most ``limit + 1`` bytes are ever read, so a
    file that grows meanwhile cannot exhaust memory either.  FIFOs and devices
    are opened non-blocking and refused.  ``follow_symlinks=False``: a symbolic
    link at ``path`` is refused too (``O_NOFOLLOW``), for files this tool wrote
    itself.  Raises ``OSError`` (``ReadRefused`` for a refusal).
    """
    flags = os.O_RDONLY | _NONBLOCK | _BINARY
    if follow_symlinks:
        _check_regular(os.stat(path).st_mode)  # a socket cannot even be opened
    else:
        flags |= _NOFOLLOW  # a link fails to open; so does a socket, and a FIFO is refused below
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)  # again: the path may have been swapped since
        _check_regular(info.st_mode)
        if info.st_size > limit:
            raise ReadRefused(too_large(info.st_size, limit))
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ReadRefused(too_large(size, limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a file")
        raise ReadRefused(f"not a regular file ({kind})")


def too_large(size: int, limit: int) -> str:
    return f"file too large ({size / 1048576:.1f} MB; the limit is {limit / 1048576:g} MB)"
