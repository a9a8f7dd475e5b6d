"""Dataclasses to JSON and back: a data-only format, so a cache entry can never run code.

Each dataclass becomes a list of its field values in field order.  A ``Schema``
builds its decoder from the classes' own annotations and checks every value
against them (a kind, annotated with a ``Literal`` alias, must be one of its
values; a union alias is tagged with the class's name): data of another shape,
truncated or forged, raises ``CodecError`` (a cache treats that as a miss),
never an ``AttributeError`` later.  ``Schema.digest`` covers every class's
field names and annotations, so a cache key can include it.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
from typing import Any, Callable, Iterable, Mapping

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]
Codec = tuple[Encoder, Decoder]

_PRIMITIVES = {"int": int, "str": str, "bool": bool}


class CodecError(ValueError):
    """The data is not of the expected shape."""


def _fail(expected: str, value: Any) -> CodecError:
    return CodecError(f"expected {expected}, got {type(value).__name__}")


def _primitive(kind: type) -> Codec:
    def decode(value: Any) -> Any:
        # bool is an int subclass: an int field must not accept True, nor a bool field 1.
        if type(value) is not kind:
            raise _fail(kind.__name__, value)
        return value

    return (lambda value: value), decode


def _kind(values: tuple[str, ...]) -> Codec:
    def decode(value: Any) -> Any:
        if type(value) is not str:
            raise _fail("str", value)
        if value not in values:
            raise CodecError(f"expected one of {', '.join(values)}, got another str")
        return value

    return (lambda value: value), decode


def _optional(inner: Codec) -> Codec:
    encode_inner, decode_inner = inner
    return ((lambda value: None if value is None else encode_inner(value)),
            (lambda value: None if value is None else decode_inner(value)))


def _sequence(inner: Codec, build: type) -> Codec:
    encode_inner, decode_inner = inner

    def decode(value: Any) -> Any:
        if type(value) is not list:
            raise _fail("a list", value)
        return build(map(decode_inner, value))

    if build is frozenset:
        # Sorted, so the same data always gives the same bytes.
        return (lambda value: sorted(encode_inner(item) for item in value)), decode
    return (lambda value: [encode_inner(item) for item in value]), decode


def _fixed_tuple(items: list[Codec]) -> Codec:
    def encode(value: Any) -> Any:
        return [enc(item) for (enc, _), item in zip(items, value)]

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise _fail(f"a list of {len(items)}", value)
        return tuple(dec(item) for (_, dec), item in zip(items, value))

    return encode, decode


def _plain_tuple(kinds: tuple[type, ...]) -> Codec:
    """``_fixed_tuple`` of primitives (an edit, a line and column): the values are checked in place."""
    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(kinds):
            raise _fail(f"a list of {len(kinds)}", value)
        for item, kind in zip(value, kinds):
            if type(item) is not kind:
                raise _fail(kind.__name__, item)
        return tuple(value)

    return (lambda value: list(value)), decode


def _mapping(key: Codec, item: Codec) -> Codec:
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


class _Decoders(dict[str, Decoder]):
    """Generated decoders by class name, each made when first asked for."""

    def __init__(self, make: Callable[[str], Decoder]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, name: str) -> Decoder:
        self[name] = decoder = self.make(name)
        return decoder


class Schema:
    """The codecs of a family of dataclasses that refer to each other by name.

    ``kinds``: ``Literal`` aliases by name, with their values.  ``aliases``: other
    type aliases by name, as annotation text (``Edit``).  ``unions``: union aliases
    by name, with their member classes (each value is tagged with its class's name).  ``interned``:
    frozen classes whose equal values one ``loads`` returns as one object, as the data had them
    before JSON copied each use (a module's facts share each reference, thousands of times).
    """

    def __init__(self, classes: Iterable[type], kinds: Mapping[str, tuple[str, ...]] | None = None,
                 aliases: Mapping[str, str] | None = None, unions: Mapping[str, tuple[type, ...]] | None = None,
                 interned: Iterable[str] = ()) -> None:
        self.classes = {cls.__name__: cls for cls in classes}
        self.kinds = dict(kinds or {})
        self.aliases = dict(aliases or {})
        self.unions = {name: {cls.__name__: cls for cls in members} for name, members in (unions or {}).items()}
        self._codecs: dict[str, Codec] = {}
        # Each class's fields: (name, annotation, codec), as ``dataclass`` read them.
        self._fields: dict[str, list[tuple[str, ast.expr, Codec]]] = {}
        self.interned = frozenset(interned)
        # The values of ``interned`` classes met in the current ``loads``.
        self._memo: dict[Any, Any] = {}
        # Each class's generated decoder, made on first use.
        self._fast = _Decoders(self._decoder)
        self.digest = self._digest()

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for name, cls in sorted(self.classes.items()):
            for f in dataclasses.fields(cls):
                digest.update(f"{name}.{f.name}:{f.type};".encode())
        for name, values in sorted(self.kinds.items()):
            digest.update(f"{name}={'|'.join(values)};".encode())
        for name, text in sorted(self.aliases.items()):
            digest.update(f"{name}:={text};".encode())
        for name, members in sorted(self.unions.items()):
            digest.update(f"{name}|={'|'.join(sorted(members))};".encode())
        return digest.hexdigest()[:16]

    def dumps(self, root: str, value: Any) -> bytes:
        """``value``, an instance of the class named ``root``, as JSON bytes stamped with the digest."""
        return json.dumps([self.digest, self.dataclass(root)[0](value)], separators=(",", ":")).encode("ascii")

    def loads(self, root: str, data: bytes) -> Any:
        """What ``dumps(root, ...)`` made.  Raises ``CodecError`` for anything else."""
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise CodecError(f"not JSON: {exc}") from None
        if type(document) is not list or len(document) != 2 or document[0] != self.digest:
            raise CodecError("not data of this schema")
        try:
            return self._fast[root](document[1])
        except RecursionError:
            raise CodecError("nested too deeply") from None
        finally:
            self._memo.clear()

    def dataclass(self, name: str) -> Codec:
        if name in self._codecs:
            return self._codecs[name]
        fields = dataclasses.fields(self.classes[name])
        names = [f.name for f in fields]
        nodes = [ast.parse(str(f.type), mode="eval").body for f in fields]
        codecs: list[Codec] = []

        def encode(value: Any) -> Any:
            return [enc(getattr(value, field)) for (enc, _), field in zip(codecs, names)]

        self._codecs[name] = (encode, lambda value: self._fast[name](value))  # first: classes refer to each other
        codecs.extend(self._codec(node) for node in nodes)
        self._fields[name] = list(zip(names, nodes, codecs))
        return self._codecs[name]

    def _decoder(self, name: str) -> Decoder:
        """One function that checks and builds a ``name`` from its list of field values, with each
        field's check written out rather than called where it is plain (an int, a kind, a tuple of
        strings, another class or a tuple of them): loading a large project's facts is mostly this."""
        self.dataclass(name)
        cls = self.classes[name]
        fields = self._fields[name]
        env: dict[str, Any] = {"_fail": _fail, "_new": object.__new__, "_cls": cls, "_set": set, "D": self._fast,
                               "M": self._memo}
        lines = ["def decode(value):",
                 f"    if type(value) is not list or len(value) != {len(fields)}:",
                 f"        raise _fail({name + ' (' + str(len(fields)) + ' fields)'!r}, value)",
                 f"    {''.join(f'v{i}, ' for i in range(len(fields)))}= value"]
        values = []
        for i, (_, node, (_, decoder)) in enumerate(fields):
            var, plan = f"v{i}", self._plan(node)
            env[f"d{i}"] = decoder  # the field's own decoder: the error it raises
            shape, kind = plan if plan is not None else ("call", None)
            env[f"t{i}"] = kind
            if shape == "plain":
                lines.append(f"    if type({var}) is not t{i}: d{i}({var})")
            elif shape == "optional":
                lines.append(f"    if {var} is not None and type({var}) is not t{i}: d{i}({var})")
            elif shape == "kind":
                lines.append(f"    if type({var}) is not str or {var} not in t{i}: d{i}({var})")
            elif shape == "tuple":
                lines.append(f"    if type({var}) is not list or ({var} and _set(map(type, {var})) != {{t{i}}}): "
                             f"d{i}({var})")
                var = f"tuple({var})"
            elif shape == "class":
                var = f"D[{kind!r}]({var})"
            elif shape == "classes":
                lines.append(f"    if type({var}) is not list: d{i}({var})")
                var = f"tuple(map(D[{kind!r}], {var}))"
            else:
                var = f"d{i}({var})"
            values.append(var)
        # Straight into __dict__: frozen classes allow it, and it is what pickle did.
        lines.append("    obj = _new(_cls)")
        pairs = ", ".join(f"{field!r}: {value}" for (field, _, _), value in zip(fields, values))
        lines.append("    obj.__dict__.update({" + pairs + "})")
        lines.append("    return M.setdefault(obj, obj)" if name in self.interned else "    return obj")
        exec("\n".join(lines), env)  # noqa: S102 - generated from our own annotations, nothing else
        return env["decode"]  # type: ignore[no-any-return]

    def _plan(self, node: ast.expr) -> tuple[str, Any] | None:
        """How a field's check is written out: ("plain", int), ("optional", str), ("kind", values),
        ("tuple", str), ("class", name) or ("classes", name); None when its decoder is called."""
        if isinstance(node, ast.Name):
            if node.id in _PRIMITIVES:
                return "plain", _PRIMITIVES[node.id]
            if node.id in self.kinds:
                return "kind", frozenset(self.kinds[node.id])
            return ("class", node.id) if node.id in self.classes else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, ast.Constant) and other.value is None and isinstance(this, ast.Name) \
                        and this.id in _PRIMITIVES:
                    return "optional", _PRIMITIVES[this.id]
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "tuple" \
                and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2:
            item, rest = node.slice.elts
            if isinstance(rest, ast.Constant) and rest.value is ... and isinstance(item, ast.Name):
                if item.id in _PRIMITIVES:
                    return "tuple", _PRIMITIVES[item.id]
                if item.id in self.classes:
                    return "classes", item.id
        return None

    def _union(self, members: dict[str, type]) -> Codec:
        def encode(value: Any) -> Any:
            name = type(value).__name__
            return [name, self.dataclass(name)[0](value)]

        def decode(value: Any) -> Any:
            if type(value) is not list or len(value) != 2 or value[0] not in members:
                raise _fail(f"one of {', '.join(sorted(members))}", value)
            return self.dataclass(value[0])[1](value[1])

        for name, cls in members.items():
            self.classes.setdefault(name, cls)
        return encode, decode

    def _codec(self, node: ast.expr) -> Codec:
        """The codec of one annotation, read from its text (``Span | None``, ``tuple[Ref, ...]``)."""
        if isinstance(node, ast.Name):
            if node.id in _PRIMITIVES:
                return _primitive(_PRIMITIVES[node.id])
            if node.id in self.kinds:
                return _kind(self.kinds[node.id])
            if node.id in self.aliases:
                return self._codec(ast.parse(self.aliases[node.id], mode="eval").body)
            if node.id in self.unions:
                return self._union(self.unions[node.id])
            return self.dataclass(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, ast.Constant) and other.value is None:
                    return _optional(self._codec(this))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            outer = node.value.id
            args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            if outer == "Optional":
                return _optional(self._codec(args[0]))
            if outer == "tuple" and len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
                return _sequence(self._codec(args[0]), tuple)
            if outer == "tuple":
                kinds = [_PRIMITIVES.get(arg.id) if isinstance(arg, ast.Name) else None for arg in args]
                if None not in kinds:
                    return _plain_tuple(tuple(kind for kind in kinds if kind is not None))
                return _fixed_tuple([self._codec(arg) for arg in args])
            if outer in ("list", "frozenset") and len(args) == 1:
                return _sequence(self._codec(args[0]), list if outer == "list" else frozenset)
            if outer == "dict" and len(args) == 2:
                return _mapping(self._codec(args[0]), self._codec(args[1]))
        raise TypeError(f"data codec: unsupported annotation {ast.unparse(node)}")
