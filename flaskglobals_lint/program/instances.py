"""Which project objects an expression may denote when it is not a module-level name: an instance
held in a class attribute, or one held by a shared object.

The call graph asks this for a method call whose receiver it cannot name statically
(``BaseCamera.event.wait()``, ``self.event.wait()``); the answer is the class whose method runs and
the shared object ``self`` is bound to there.

An element of a shared container (``games[code].submit()``, ``game = games.get(code)``) is one of
the objects of the project classes some function puts into it (``games[code] = Game()``).  Such an
object is shared only by the requests that name its key, and on the judged apps most writes made
through one are protocol steps a single client drives, one after another (see
bench/realworld/README.md): the state model keeps only the counts that decide (``StateModel``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..facts.model import Root
from ..frameworks import flask as fm
from .symbols import BindingSym, ClassSym, ExternalSym, FunctionKey, FunctionSym, Symbol, Symbols

# Accesses that put one value into a container (the value's constructor is ``Access.made_with``).
_INSERTS = frozenset({"append", "add", "insert", "setdefault", "appendleft"})


@dataclass(frozen=True)
class SharedObject:
    """A shared object of a project class, as messages name it (``BaseCamera.event``), and where it lives."""

    cls: ClassSym
    description: str
    module: str
    line: int
    element: bool = False  # one of a shared container's objects


class SharedInstances:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self._app_objects: Optional[dict[str, list[SharedObject]]] = None
        self._elements: Optional[dict[tuple[str, str], list[ClassSym]]] = None

    def receivers(self, module: str, root: Root, path: tuple[str, ...],
                  shared_self: Optional[tuple[str, str, int]] = None) -> list[SharedObject]:
        """The shared objects the receiver ``root`` + ``path`` (the callee path without the method) may be.

        ``shared_self``: the object ``self`` is bound to (description, module, line), if shared."""
        symbols = self.symbols
        if root.kind == "global" and path and path[-1] == "[]" and all(p.startswith(".") for p in path[:-1]):
            # ``games[code].submit()`` (also through ``game = games.get(code)``).
            sym, rest = symbols.resolve_dotted(module, (root.name,) + tuple(p[1:] for p in path[:-1]))
            if not isinstance(sym, BindingSym) or rest:
                return []  # (what is put into it by key or by insert makes it a container)
            line = symbols.binding(sym).span.line
            return [SharedObject(cls, f"{sym.name}[...]", sym.module, line, element=True)
                    for cls in self.element_classes(sym)]
        if len(path) != 1 or not path[0].startswith("."):
            return []
        attr = path[0][1:]
        if root.kind == "global":
            # ``BaseCamera.event.wait()``: an instance made in the class body, one for the process.
            owner, rest = symbols.resolve_dotted(module, (root.name,))
            if rest:
                return []
            if isinstance(owner, ClassSym):
                return self._class_level(owner, attr)
            if self.is_app(owner):
                # ``current_app.game.move()``: ``app.game = Game()`` made one for the process.
                return self.app_objects().get(attr, [])
            return []
        if root.kind == "closure":
            # ``app.game.join()`` in a view ``create_app`` defines, ``app = Flask(...)`` there.
            owner_fn = symbols.modules[module].functions.get(root.owner)
            binding = owner_fn.bindings.get(root.name) if owner_fn is not None else None
            made_app = binding is not None and binding.kind == "call" and self.makes_app(module, binding.ctor)
            return self.app_objects().get(attr, []) if made_app else []
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

    def is_app(self, sym: Optional[Symbol]) -> bool:
        """``current_app``, or a module-level ``app = Flask(...)``."""
        if isinstance(sym, ExternalSym):
            return sym.qualname in fm.APP_PROXIES or sym.qualname in fm.APP_CONSTRUCTORS
        if isinstance(sym, BindingSym):
            binding = self.symbols.binding(sym)
            return binding.kind == "call" and self.makes_app(sym.module, binding.ctor)
        return False

    def makes_app(self, module: str, ctor: tuple[str, ...]) -> bool:
        return self.symbols.qualified(module, ctor) in fm.APP_CONSTRUCTORS

    def app_objects(self) -> dict[str, list[SharedObject]]:
        """The project objects stored on the app (``app.game = Game()``), by attribute."""
        if self._app_objects is None:
            self._app_objects = {}
            symbols = self.symbols
            for name, facts in symbols.modules.items():
                for holder, made_by, attr, ctor, line in facts.attr_objects:
                    app = self.makes_app(name, made_by) if made_by else \
                        self.is_app(symbols.resolve_dotted(name, (holder,))[0])
                    cls = symbols.class_of_ctor(name, ctor) if app else None
                    if cls is not None:
                        self._app_objects.setdefault(attr, []).append(SharedObject(cls, f"app.{attr}", name, line))
        return self._app_objects

    def registry(self, module: str, name: str) -> list[tuple[Optional[Symbol], tuple[str, ...]]]:
        """The classes and functions a module-level registry holds (``STORES = {"faiss": FaissStore}``),
        resolved: what calling an element (``STORES[name]()``) can run."""
        symbols = self.symbols
        sym, rest = symbols.resolve_dotted(module, (name,))
        if not isinstance(sym, BindingSym) or rest or symbols.binding(sym).kind != "container":
            return []
        return [symbols.resolve_dotted(sym.module, element) for element in symbols.binding(sym).elements]

    def singletons(self, module: str, called: str) -> list[SharedObject]:
        """The objects an accessor hands out: ``get_storage()`` returning the module's ``_storage``,
        which ``_storage = MemoryStorage()`` installs, where it is defined or in ``setup()``; or
        ``WorkerThread.get_instance()`` returning ``cls._instance``, which a method of the class
        installs (``cls._instance = WorkerThread()``) or its body makes."""
        symbols = self.symbols
        sym, rest = symbols.resolve_dotted(module, tuple(called.split(".")))
        if isinstance(sym, FunctionSym) and not rest:
            key: Optional[FunctionKey] = FunctionKey(sym.module, sym.qualname)
        elif isinstance(sym, ClassSym) and len(rest) == 1:
            key = symbols.find_method(sym, rest[0])
        else:
            key = None
        fn = symbols.function(key) if key is not None else None
        if fn is None or key is None:
            return []
        found = []
        for ref in fn.returns_objects:
            if ref.root.kind == "cls" and len(ref.path) == 1 and ref.root.owner:
                found += self._class_objects(ClassSym(key.module, ref.root.owner), ref.path[0][1:])
                continue
            held = symbols.resolve_dotted(key.module, (ref.root.name,))
            if ref.root.kind != "global" or ref.path or not isinstance(held[0], BindingSym) or held[1]:
                continue
            binding = symbols.binding(held[0])
            ctors = [(binding.ctor, binding.span.line)] if binding.kind == "call" else []
            ctors += [(ctor, line) for name, ctor, line in symbols.modules[held[0].module].rebound_objects
                      if name == held[0].name]
            for ctor, line in ctors:
                cls = symbols.class_of_ctor(held[0].module, ctor)
                if cls is not None:
                    found.append(SharedObject(cls, held[0].name, held[0].module, line))
        return found

    def _class_objects(self, owner: ClassSym, attr: str) -> list[SharedObject]:
        """The objects kept in the class attribute ``attr``: made in the class body, or stored
        through the class by one of its methods (``cls._instance = WorkerThread()``)."""
        symbols = self.symbols
        found = self._class_level(owner, attr)
        for holder, fn in symbols.methods(owner):
            for name, ctor, line in fn.class_objects:
                cls = symbols.class_of_ctor(holder.module, ctor) if name == attr else None
                if cls is not None:
                    found.append(SharedObject(cls, f"{holder.qualname}.{attr}", holder.module, line))
        return found

    def _class_level(self, owner: ClassSym, attr: str) -> list[SharedObject]:
        found = self.symbols.class_attr(owner, attr)
        if found is None or found[1].kind != "call":
            return []
        holder, binding = found
        cls = self.symbols.class_of_ctor(holder.module, binding.ctor)
        return [SharedObject(cls, f"{holder.qualname}.{attr}", holder.module, binding.span.line)] if cls else []
