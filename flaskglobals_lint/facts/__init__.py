"""The per-file step: source text in, ``ModuleFacts`` out.

Pure and independent of every other file, so it can run in any process and
its result can be cached by content.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import ast
import io
import re
import tokenize

from .model import ModuleFacts, Span

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["ModuleFacts", "module_facts"]

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
SKIP_FILE = re.compile(r"#\s*flaskglobals-lint:\s*skip-file\b")


def decode(data: bytes) -> str:
    """Decode as Python does: BOM, coding cookie, else UTF-8.  Raises ValueError."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise ValueError(str(exc)) from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot decode as {encoding}: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text


def noqa_lines(source: str) -> dict[int, frozenset[str] | None]:
    """Line -> the codes its ``# noqa: ...`` names, or None for a bare ``# noqa``."""
    out: dict[int, frozenset[str] | None] = {}
    if "noqa" not in source and "NOQA" not in source:
        return out
    for number, line in enumerate(source.splitlines(), 1):
        match = NOQA.search(line)
        if match:
            codes = match.group("codes")
            out[number] = frozenset(re.split(r"[\s,]+", codes.upper())) if codes else None
    return out


def _syntax_error(text: str, path: str, exc: "cst.ParserSyntaxError") -> tuple[str, Span]:
    """Python's own wording and position for a syntax error (libcst's are vaguer).

    ``ast.parse`` only parses; nothing is compiled to bytecode or run.
    """
    try:
        ast.parse(text, filename=path)
    except SyntaxError as err:
        line = err.lineno or 1
        column = err.offset or 1
        return f"syntax error: {err.msg}", Span(line, column, line, column)
    except (ValueError, RecursionError, MemoryError):
        pass
    else:
        # Valid Python that libcst's parser rejects (it has limits of its own,
        # e.g. a few thousand implicitly concatenated strings in one expression).
        return (f"libcst cannot parse this valid file: {exc.message}",
                Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1))
    return f"syntax error: {exc.message}", Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1)


def module_facts(source: bytes | str, path: str, module: str, is_package: bool = False) -> ModuleFacts:
    """Analyse one file.  Never raises for bad input: ``facts.error`` says why."""
    facts = ModuleFacts(path=path, module=module, is_package=is_package)
    if isinstance(source, bytes):
        if b"\x00" in source:
            facts.error = "file contains a NUL byte"
            return facts
        try:
            text = decode(source)
        except ValueError as exc:
            facts.error = f"undecodable: {exc}"
            return facts
    else:
        text = source
    facts.lines = text.count("\n") + 1
    if SKIP_FILE.search(text):
        facts.skip_file = True
        return facts
    # libcst is imported on first use: a run served from the cache never needs it.
    import libcst as cst

    from .extract import facts_from_tree

    try:
        tree = cst.parse_module(text)
        result = facts_from_tree(tree, path, module, is_package, text)
    except cst.ParserSyntaxError as exc:
        facts.error, facts.error_span = _syntax_error(text, path, exc)
        return facts
    except RecursionError:
        facts.error = "nesting too deep to analyse"
        return facts
    result.lines = facts.lines
    result.noqa = noqa_lines(text)
    return result
