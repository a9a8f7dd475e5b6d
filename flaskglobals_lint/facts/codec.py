"""Facts to JSON and back (``datacodec``): a cache entry of facts can never run code.

The decoder checks every value against the facts classes' annotations; a kind,
annotated with one of ``model``'s ``Literal`` aliases, must be one of its values.
``SCHEMA`` digests every class's field names and annotations and is part of
every cache key.
"""
from __future__ import annotations

from typing import Literal, get_args, get_origin

from ..datacodec import CodecError, Schema
from . import model
from .model import ModuleFacts

__all__ = ["CLASSES", "CodecError", "KINDS", "SCHEMA", "dumps", "loads"]

# The dataclasses a ModuleFacts is made of.
CLASSES: tuple[type, ...] = (
    model.Span, model.Root, model.Ref, model.LockUse, model.Access, model.Test, model.Call, model.Decorator,
    model.Registration, model.Binding, model.Construction, model.ThreadStart, model.Import,
    model.FunctionFacts, model.ClassFacts, model.ModuleFacts,
)

# The ``Literal`` aliases the annotations name (``RootKind``), with the values each allows.
KINDS: dict[str, tuple[str, ...]] = {
    name: get_args(value) for name, value in vars(model).items() if get_origin(value) is Literal
}

# The extractor shares each Root and Ref of a module (``scopes.intern``); so do loaded facts.
_FACTS = Schema(CLASSES, KINDS, interned=("Root", "Ref"))
SCHEMA = _FACTS.digest


def dumps(facts: ModuleFacts) -> bytes:
    return _FACTS.dumps("ModuleFacts", facts)


def loads(data: bytes) -> ModuleFacts:
    """Facts from ``dumps`` output.  Raises ``CodecError`` for anything else."""
    facts = _FACTS.loads("ModuleFacts", data)
    assert isinstance(facts, ModuleFacts)
    return facts
