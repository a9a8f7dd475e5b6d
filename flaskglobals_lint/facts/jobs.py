"""One unit of the per-file step: a file's bytes in, its facts out, in whatever process runs it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import parse
from .model import ModuleFacts, Span
from .syntax import decode, parse_quietly


@dataclass(frozen=True)
class FileJob:
    """What a worker needs to analyse one file; ``full`` is False for a syntax check only."""

    path: str
    display: str
    module: str
    is_package: bool
    full: bool = True
    data: Optional[bytes] = None


def failed(job: FileJob, reason: str) -> ModuleFacts:
    """The facts of a file whose analysis gave no result, saying why (an FGL900 at line 1)."""
    facts = ModuleFacts(path=job.display, module=job.module, is_package=job.is_package)
    facts.error = reason
    facts.error_span = Span(1, 1, 1, 1)
    return facts


def analyse(job: FileJob) -> ModuleFacts:
    """Facts for one file, from the bytes the parent read and hashed.  Never raises for bad input.

    The file is never read again here: a file saved during the run must not
    get the new content's facts under the old content's cache key.
    """
    if job.data is None:
        return failed(job, "cannot read file: no content was read")
    if job.full:
        return parse.module_facts(job.data, job.display, job.module, job.is_package)
    return syntax_check(job.data, job)


def syntax_check(data: bytes, job: FileJob) -> ModuleFacts:
    """For a file the pre-pass left out: only whether it would be an FGL900."""
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
