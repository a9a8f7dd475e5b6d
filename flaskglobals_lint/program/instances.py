"""Which project objects an expression may denote when it is not a module-level name: an instance
held in a class attribute, or one held by a shared object.

The call graph asks this for a method call whose receiver it cannot name statically
(``BaseCamera.event.wait()``, ``self.event.wait()``); the answer is the class whose method runs and
the shared object ``self`` is bound to there.

Elements of shared containers (``games[code].submit()``) are not followed: on the judged apps most
writes made through them are protocol steps one client drives (see bench/realworld/README.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..facts.model import Root
from .symbols import ClassSym, Symbols


@dataclass(frozen=True)
class SharedObject:
    """A shared object of a project class, as messages name it (``BaseCamera.event``), and where it lives."""

    cls: ClassSym
    description: str
    module: str
    line: int


class SharedInstances:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols

    def receivers(self, module: str, root: Root, path: tuple[str, ...],
                  shared_self: Optional[tuple[str, str, int]] = None) -> list[SharedObject]:
        """The shared objects the receiver ``root`` + ``path`` (the callee path without the method) may be.

        ``shared_self``: the object ``self`` is bound to (description, module, line), if shared."""
        symbols = self.symbols
        if len(path) != 1 or not path[0].startswith("."):
            return []
        attr = path[0][1:]
        if root.kind == "global":
            # ``BaseCamera.event.wait()``: an instance made in the class body, one for the process.
            owner, rest = symbols.resolve_dotted(module, (root.name,))
            return self._class_level(owner, attr) if isinstance(owner, ClassSym) and not rest else []
        if root.kind in ("self", "cls") and root.owner:
            owner = ClassSym(module, root.owner)
            ctor = symbols.instance_attr_ctor(owner, attr)
            if ctor is None:
                return self._class_level(owner, attr)
            if root.kind == "self" and shared_self is not None:
                # ``self.engine.run()`` on a shared object: the object it holds is shared too.
                cls = symbols.class_of_ctor(module, ctor)
                description, where, line = shared_self
                return [SharedObject(cls, f"{description}.{attr}", where, line)] if cls is not None else []
        return []

    def _class_level(self, owner: ClassSym, attr: str) -> list[SharedObject]:
        found = self.symbols.class_attr(owner, attr)
        if found is None or found[1].kind != "call":
            return []
        holder, binding = found
        cls = self.symbols.class_of_ctor(holder.module, binding.ctor)
        return [SharedObject(cls, f"{holder.qualname}.{attr}", holder.module, binding.span.line)] if cls else []
