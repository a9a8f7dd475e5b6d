"""Python's own view of a file: decoding as Python does, and ``ast`` without its warnings."""
from __future__ import annotations

import ast
import io
import tokenize
import warnings


def parse_quietly(text: str, path: str = "<unknown>") -> ast.Module:
    """``ast.parse`` without the SyntaxWarnings it prints about the analysed code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def decode(data: bytes) -> str:
    """Decode as Python does: BOM, coding cookie, else UTF-8.  Raises ValueError."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise ValueError(f"cannot decode as utf-8: {bad}") from None
        raise ValueError(str(exc)) from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot decode as {encoding}: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text
