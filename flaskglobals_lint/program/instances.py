"""Which project objects an expression may denote when it is not a module-level name: an element
of a shared container, an instance held in a class attribute, or one held by a shared object.

The call graph asks this for a method call whose receiver it cannot name statically
(``games[code].submit()``, ``BaseCamera.event.wait()``, ``self.event.wait()``); the answer is the
class whose method runs and the shared object ``self`` is bound to there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..facts.model import Root
from .symbols import BindingSym, ClassSym, Symbols

# Accesses that put one value into a container (the value's constructor is ``Access.made_with``).
_INSERTS = frozenset({"append", "add", "insert", "setdefault", "appendleft"})


@dataclass(frozen=True)
class SharedObject:
    """A shared object of a project class, as messages name it (``games[...]``), and where it lives."""

    cls: ClassSym
    description: str
    module: str
    line: int


class SharedInstances:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self._elements: Optional[dict[tuple[str, str], list[ClassSym]]] = None

    def element_classes(self, sym: BindingSym) -> list[ClassSym]:
        """The project classes of the objects any function puts into the module-level container
        ``sym`` (``games[k] = Game()``, ``rooms.append(room)`` with ``room = Room()``)."""
        if self._elements is None:
            self._elements = self._index_elements()
        return self._elements.get((sym.module, sym.name), [])

    def _index_elements(self) -> dict[tuple[str, str], list[ClassSym]]:
        symbols = self.symbols
        out: dict[tuple[str, str], list[ClassSym]] = {}
        for module, facts in symbols.modules.items():
            for fn in facts.functions.values():
                for access in fn.accesses:
                    if not access.made_with or access.target.root.kind != "global" or not (
                            access.kind == "item" or access.kind == "method" and access.detail in _INSERTS):
                        continue
                    path = access.target.path
                    if not all(step.startswith(".") for step in path):
                        continue
                    sym, rest = symbols.resolve_dotted(module, (access.target.root.name,) + tuple(p[1:] for p in path))
                    cls = symbols.class_of_ctor(module, access.made_with)
                    if isinstance(sym, BindingSym) and not rest and cls is not None:
                        found = out.setdefault((sym.module, sym.name), [])
                        if cls not in found:
                            found.append(cls)
        return out

    def receivers(self, module: str, root: Root, path: tuple[str, ...],
                  shared_self: Optional[tuple[str, str, int]] = None) -> list[SharedObject]:
        """The shared objects the receiver ``root`` + ``path`` (the callee path without the method) may be.

        ``shared_self``: the object ``self`` is bound to (description, module, line), if shared."""
        symbols = self.symbols
        if root.kind == "global" and path and path[-1] == "[]" and all(p.startswith(".") for p in path[:-1]):
            # ``games[code].submit()`` (also through ``game = games.get(code)``).
            sym, rest = symbols.resolve_dotted(module, (root.name,) + tuple(p[1:] for p in path[:-1]))
            if not isinstance(sym, BindingSym) or rest or symbols.binding(sym).kind != "container":
                return []
            line = symbols.binding(sym).span.line
            return [SharedObject(cls, f"{sym.name}[...]", sym.module, line) for cls in self.element_classes(sym)]
        if len(path) != 1 or not path[0].startswith("."):
            return []
        attr = path[0][1:]
        if root.kind == "global":
            # ``BaseCamera.event.wait()``: an instance made in the class body, one for the process.
            owner, rest = symbols.resolve_dotted(module, (root.name,))
            return self._class_level(owner, attr) if isinstance(owner, ClassSym) and not rest else []
        if root.kind in ("self", "cls") and root.owner:
            owner = ClassSym(module, root.owner)
            if symbols.instance_attr_ctor(owner, attr) is None:
                return self._class_level(owner, attr)
            if root.kind == "self" and shared_self is not None:
                # ``self.engine.run()`` on a shared object: the object it holds is shared too.
                cls = symbols.class_of_ctor(module, symbols.instance_attr_ctor(owner, attr) or ())
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
