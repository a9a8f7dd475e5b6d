"""Facts to JSON and back: a data-only format, so a cache entry can never run code.

Each facts dataclass becomes a list of its field values in field order.  The
decoder is built from the classes' own annotations and checks every value
against them (a kind, annotated with one of ``model``'s ``Literal`` aliases,
must be one of its values): an entry of another shape, a truncated one or a
forged one raises ``CodecError`` (the cache treats that as a miss), never an
``AttributeError`` later in the analysis.  ``SCHEMA`` digests every class's
field names and annotations and is part of every cache key.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
from typing import Any, Callable, Literal, get_args, get_origin

from . import model
from .model import ModuleFacts

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]

# The dataclasses a ModuleFacts is made of, by the name their annotations use.
CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (
        model.Span, model.Root, model.Ref, model.LockUse, model.Access, model.Test, model.Call, model.Decorator,
        model.Registration, model.Binding, model.Construction, model.ThreadStart, model.Import,
        model.FunctionFacts, model.ClassFacts, model.ModuleFacts,
    )
}

# The ``Literal`` aliases the annotations name (``RootKind``), with the values each allows.
KINDS: dict[str, tuple[str, ...]] = {
    name: get_args(value) for name, value in vars(model).items() if get_origin(value) is Literal
}


class CodecError(ValueError):
    """The data is not facts of the expected shape."""


def _fail(expected: str, value: Any) -> CodecError:
    return CodecError(f"expected {expected}, got {type(value).__name__}")


def _primitive(kind: type) -> tuple[Encoder, Decoder]:
    def decode(value: Any) -> Any:
        # bool is an int subclass: an int field must not accept True, nor a bool field 1.
        if type(value) is not kind:
            raise _fail(kind.__name__, value)
        return value

    return (lambda value: value), decode


def _kind(values: tuple[str, ...]) -> tuple[Encoder, Decoder]:
    def decode(value: Any) -> Any:
        if type(value) is not str:
            raise _fail("str", value)
        if value not in values:
            raise CodecError(f"expected one of {', '.join(values)}, got another str")
        return value

    return (lambda value: value), decode


def _optional(inner: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    encode_inner, decode_inner = inner
    return ((lambda value: None if value is None else encode_inner(value)),
            (lambda value: None if value is None else decode_inner(value)))


def _sequence(inner: tuple[Encoder, Decoder], build: type) -> tuple[Encoder, Decoder]:
    encode_inner, decode_inner = inner

    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise _fail("a list", value)
        return build(decode_inner(item) for item in value)

    if build is frozenset:
        # Sorted, so the same facts always give the same bytes.
        return (lambda value: sorted(encode_inner(item) for item in value)), decode
    return (lambda value: [encode_inner(item) for item in value]), decode


def _fixed_tuple(items: list[tuple[Encoder, Decoder]]) -> tuple[Encoder, Decoder]:
    def encode(value: Any) -> Any:
        return [enc(item) for (enc, _), item in zip(items, value)]

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise _fail(f"a list of {len(items)}", value)
        return tuple(dec(item) for (_, dec), item in zip(items, value))

    return encode, decode


def _mapping(key: tuple[Encoder, Decoder], item: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    encode_key, decode_key = key
    encode_item, decode_item = item

    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise _fail("a list of pairs", value)
        out = {}
        for pair in value:
            if type(pair) is not list or len(pair) != 2:
                raise _fail("a pair", pair)
            out[decode_key(pair[0])] = decode_item(pair[1])
        return out

    # Pairs, not a JSON object: keys may be ints (noqa lines).
    return (lambda value: [[encode_key(k), encode_item(v)] for k, v in value.items()]), decode


_CODECS: dict[str, tuple[Encoder, Decoder]] = {}


def _dataclass(name: str) -> tuple[Encoder, Decoder]:
    if name in _CODECS:
        return _CODECS[name]
    cls = CLASSES[name]
    fields = dataclasses.fields(cls)
    names = [f.name for f in fields]
    codecs: list[tuple[Encoder, Decoder]] = []

    def encode(value: Any) -> Any:
        return [enc(getattr(value, field)) for (enc, _), field in zip(codecs, names)]

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(names):
            raise _fail(f"{name} ({len(names)} fields)", value)
        obj: Any = object.__new__(cls)
        # Straight into __dict__: frozen classes allow it, and it is what pickle did.
        obj.__dict__.update(zip(names, [dec(item) for (_, dec), item in zip(codecs, value)]))
        return obj

    _CODECS[name] = (encode, decode)  # registered first: classes refer to each other
    codecs.extend(_codec(ast.parse(str(f.type), mode="eval").body) for f in fields)
    return encode, decode


_PRIMITIVES = {"int": int, "str": str, "bool": bool}


def _codec(node: ast.expr) -> tuple[Encoder, Decoder]:
    """The codec of one annotation, read from its text (``Span | None``, ``tuple[Ref, ...]``)."""
    if isinstance(node, ast.Name):
        if node.id in _PRIMITIVES:
            return _primitive(_PRIMITIVES[node.id])
        if node.id in KINDS:
            return _kind(KINDS[node.id])
        return _dataclass(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for this, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, ast.Constant) and other.value is None:
                return _optional(_codec(this))
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        outer = node.value.id
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return _optional(_codec(args[0]))
        if outer == "tuple" and len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
            return _sequence(_codec(args[0]), tuple)
        if outer == "tuple":
            return _fixed_tuple([_codec(arg) for arg in args])
        if outer in ("list", "frozenset") and len(args) == 1:
            return _sequence(_codec(args[0]), list if outer == "list" else frozenset)
        if outer == "dict" and len(args) == 2:
            return _mapping(_codec(args[0]), _codec(args[1]))
    raise TypeError(f"facts codec: unsupported annotation {ast.unparse(node)}")


def _schema() -> str:
    digest = hashlib.sha256()
    for name, cls in sorted(CLASSES.items()):
        for f in dataclasses.fields(cls):
            digest.update(f"{name}.{f.name}:{f.type};".encode())
    for name, values in sorted(KINDS.items()):
        digest.update(f"{name}={'|'.join(values)};".encode())
    return digest.hexdigest()[:16]


SCHEMA = _schema()
_MODULE = _dataclass("ModuleFacts")


def dumps(facts: ModuleFacts) -> bytes:
    return json.dumps([SCHEMA, _MODULE[0](facts)], separators=(",", ":")).encode("ascii")


def loads(data: bytes) -> ModuleFacts:
    """Facts from ``dumps`` output.  Raises ``CodecError`` for anything else."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CodecError(f"not JSON: {exc}") from None
    if type(document) is not list or len(document) != 2 or document[0] != SCHEMA:
        raise CodecError("not facts of this schema")
    try:
        facts = _MODULE[1](document[1])
    except RecursionError:
        raise CodecError("nested too deeply") from None
    assert isinstance(facts, ModuleFacts)
    return facts
