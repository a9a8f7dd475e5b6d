"""One file's bytes in, its ``ModuleFacts`` out: decode, check with ``ast``, parse with libcst, walk.

Pure and independent of every other file, so it can run in any process and
its result can be cached by content.
"""
from __future__ import annotations

import ast
import re
import sys
import unicodedata
from typing import Any

from ..safe_io import too_large
from ..settings import MAX_FILE_BYTES
from .model import ModuleFacts, Span
from .syntax import decode, parse_quietly

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
SKIP_FILE = re.compile(r"#\s*flaskglobals-lint:\s*skip-file\b")


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




# ast's own limits: libcst would overflow its native stack on these, so it is not tried.
_NESTING_LIMIT = re.compile(r"too many (?:nested|statically nested|levels of indentation)|too deeply nested",
                            re.IGNORECASE)
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _syntax_error(facts: ModuleFacts, err: SyntaxError) -> ModuleFacts:
    line = err.lineno or 1
    column = err.offset or 1
    # Neither parser accepts it: invalid, or syntax newer than this Python and libcst know.
    facts.error = f"syntax error: {err.msg} (read as Python {_PYTHON})"
    facts.error_span = Span(line, column, line, column)
    return facts


_WORD = re.compile(r"\w+")


def needs_nfkc(text: str) -> bool:
    """Whether some identifier-like word is not NFKC-normal (Python normalises identifiers; ``ﬁles`` is ``files``)."""
    if text.isascii():
        return False
    return any(not word.isascii() and not unicodedata.is_normalized("NFKC", word) for word in _WORD.findall(text))


def normalize_identifiers(tree: Any) -> Any:
    """The tree with every name NFKC-normalised, as Python's own parser does."""
    import libcst as cst

    class _Normalizer(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
            value = unicodedata.normalize("NFKC", updated_node.value)
            return updated_node if value == updated_node.value else updated_node.with_changes(value=value)

    return tree.visit(_Normalizer())


def module_facts(source: bytes | str, path: str, module: str, is_package: bool = False) -> ModuleFacts:
    """Analyse one file.  Never raises for bad input: ``facts.error`` says why."""
    facts = ModuleFacts(path=path, module=module, is_package=is_package)
    try:
        return _module_facts(source, facts)
    except RecursionError:
        facts.error = "nesting too deep to analyse"
    except MemoryError:
        facts.error = "not enough memory to analyse this file"
    except Exception as exc:  # noqa: BLE001 - one file's failure must not cost the others
        facts.error = f"analysis error: {type(exc).__name__}: {exc}"
    return facts


def _module_facts(source: bytes | str, facts: ModuleFacts) -> ModuleFacts:
    path, module, is_package = facts.path, facts.module, facts.is_package
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            facts.error = too_large(len(source), MAX_FILE_BYTES)
            return facts
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
    # Python's own parser first: it rejects what would overflow the native
    # stack of libcst's parser (measured: libcst segfaults on 3,000 nested
    # brackets or a 10,000-long operator chain; ast gives up well before).
    tree_ast: ast.Module | None
    rejected: SyntaxError | None = None
    try:
        tree_ast = parse_quietly(text, path)
    except SyntaxError as err:
        if _NESTING_LIMIT.search(err.msg or ""):
            return _syntax_error(facts, err)
        # Syntax newer than this interpreter (``match`` on 3.9, PEP 695/701 on
        # 3.11) that libcst parses: analysed all the same, positions from libcst.
        tree_ast, rejected = None, err
    except (RecursionError, MemoryError):
        facts.error = "nesting too deep to analyse (Python's own parser gives up)"
        return facts
    # libcst is imported on first use: a run served from the cache never needs it.
    import libcst as cst

    from .extract import facts_from_tree

    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        if rejected is not None:
            return _syntax_error(facts, rejected)
        # Valid Python that libcst's parser rejects (it has limits of its own,
        # e.g. a few thousand implicitly concatenated strings in one expression).
        facts.error = f"libcst cannot parse this valid file: {exc.message}"
        facts.error_span = Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1)
        return facts
    if needs_nfkc(text):
        tree = normalize_identifiers(tree)
    result = facts_from_tree(tree, path, module, is_package, text, tree_ast, positions_from_ast=rejected is None)
    result.lines = facts.lines
    result.noqa = noqa_lines(text)
    return result
