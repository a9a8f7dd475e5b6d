"""The program's symbol table: modules linked by their imports, names resolved across them, classes
and their bases.  Built from every file's facts; knows nothing of Flask or of locks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal, Optional, Union

from ..discovery.sources import unique_import_names
from ..facts.model import Binding, ClassFacts, Decorator, FunctionFacts, Import, ModuleFacts, Root


@dataclass(frozen=True)
class ModuleSym:
    name: str


@dataclass(frozen=True)
class BindingSym:
    module: str
    name: str


@dataclass(frozen=True)
class FunctionSym:
    module: str
    qualname: str


@dataclass(frozen=True)
class ClassSym:
    module: str
    qualname: str


@dataclass(frozen=True)
class ExternalSym:
    """A name from outside the project (or a builtin): ``collections.Counter``."""

    qualname: str


Symbol = Union[ModuleSym, BindingSym, FunctionSym, ClassSym, ExternalSym]


@dataclass(frozen=True)
class FunctionKey:
    module: str
    qualname: str


EntryKind = Literal["route", "hook", "view", "socketio", "custom", "background"]


@dataclass(frozen=True)
class EntryPoint:
    """A function Flask calls for a request (a view, a hook, a handler)."""

    function: FunctionKey
    # Read by nothing in the analysis yet: what `--show-entry-points` will list.
    kind: EntryKind
    label: str  # "route POST /drafts", "before_request hook"
    # Parameters filled from the URL or the client's payload.
    tainted_params: bool = False
    # ``self`` is one instance shared by all requests (init_every_request = False, SocketIO Namespace).
    shared_instance: str = ""
    # ``self`` is the module-level instance (name, module, line) whose method a background thread runs.
    instance: tuple[str, str, int] = ("", "", 0)

    @property
    def request_time(self) -> bool:
        """Called per request, not run by a thread the app started."""
        return self.kind != "background"


class Symbols:
    def __init__(self, modules: list[ModuleFacts], outside: frozenset[str] = frozenset(),
                 pinned: frozenset[str] = frozenset()) -> None:
        # Qualified names that stay outside the project even when a file of that name is linted
        # (``flask.request`` is the context-local even when Flask's own source is in the tree).
        self.pinned = pinned
        # Top-level names whose files are a copy of the standard library.
        self.outside = outside
        self.modules: dict[str, ModuleFacts] = {}
        self.duplicates: dict[str, list[ModuleFacts]] = {}
        for facts in modules:
            if facts.module in self.modules:
                self.duplicates.setdefault(facts.module, [self.modules[facts.module]]).append(facts)
                continue
            self.modules[facts.module] = facts
        # Scripts with the same module name in different folders: each file
        # still gets analysed, under a name made unique by its path.
        for name, copies in self.duplicates.items():
            for facts in copies[1:]:
                unique = f"{name}@{facts.path}"
                self.modules[unique] = facts
        self._by_path = {m.path: key for key, m in self.modules.items()}
        # Longer import names, only one module can have each (``import_names``).
        self.aliases = unique_import_names(
            ((key, m.path, m.module, m.is_package) for key, m in self.modules.items()), self.modules)

    # -------------------------------------------------------------- lookup
    def module_key(self, facts: ModuleFacts) -> str:
        return self._by_path.get(facts.path, facts.module)

    def unresolved_imports(self) -> list[tuple[str, int, str]]:
        """Imports from the project's own packages that name nothing the project has (a missing
        module, a name no module binds): (path, line, what was imported), for ``-v``."""
        roots = {name.split(".")[0] for name in self.modules}
        out = []
        for facts in self.modules.values():
            for local, imp in facts.imports.items():
                sym = self.resolve_name(facts.module, local)
                if isinstance(sym, ExternalSym) and sym.qualname.split(".")[0] in roots:
                    out.append((facts.path, imp.line, sym.qualname))
        return sorted(set(out))

    def decorator_wrappers(self, dec: Decorator, module: str) -> list[FunctionKey]:
        """The wrappers a project decorator returns: its nested functions, or theirs for a factory
        (``@deco(...)``); each runs per call of the function it decorates."""
        sym, rest = self.resolve_dotted(module, dec.name)
        deco = self.function(FunctionKey(sym.module, sym.qualname)) if isinstance(sym, FunctionSym) and not rest \
            else None
        if deco is None or not isinstance(sym, FunctionSym):
            return []
        if not dec.called:
            return [FunctionKey(sym.module, n) for n in deco.nested]
        functions = self.modules[sym.module].functions
        return [FunctionKey(sym.module, w) for n in deco.nested if n in functions for w in functions[n].nested]

    def function(self, key: FunctionKey) -> Optional[FunctionFacts]:
        module = self.modules.get(key.module)
        return module.functions.get(key.qualname) if module else None

    def klass(self, sym: ClassSym) -> Optional[ClassFacts]:
        module = self.modules.get(sym.module)
        return module.classes.get(sym.qualname) if module else None

    def resolve_module(self, name: str) -> Optional[str]:
        """The project module called ``name`` (a copy of the standard library is not the project),
        also by a longer name through folders without ``__init__.py`` (``import_names``)."""
        if name.split(".", 1)[0] in self.outside:
            return None
        return name if name in self.modules else self.aliases.get(name)

    # ---------------------------------------------------------- resolution
    def resolve_name(self, module: str, name: str, _depth: int = 0) -> Optional[Symbol]:
        facts = self.modules.get(module)
        if facts is None or _depth > 20:
            return None
        binding = facts.bindings.get(name)
        imp = facts.imports.get(name)
        # Imported and bound too: a binding whose value says nothing (kind "other": ``x = y.z``,
        # a loop variable), or ``None`` (the fallback of ``try: import x / except ImportError:
        # x = None``), leaves the import in charge.
        if binding is not None and (imp is None or binding.kind != "other" and not binding.placeholder):
            return self.symbol_of_binding(module, name, binding)
        if imp is not None:
            return self.resolve_import(imp, _depth + 1)
        if name in facts.classes:
            return ClassSym(module, name)
        if name in facts.functions:
            return FunctionSym(module, name)
        return ExternalSym(name)  # a builtin, or a name from a star import

    @staticmethod
    def symbol_of_binding(module: str, name: str, binding: Binding) -> Symbol:
        if binding.kind == "function":
            return FunctionSym(module, name)
        if binding.kind == "class":
            return ClassSym(module, name)
        return BindingSym(module, name)

    def resolve_import(self, imp: Import, _depth: int) -> Optional[Symbol]:
        """What an import binds: ``from a import b`` -> ``a.b``; ``import a.b`` -> the module."""
        if imp.name:
            return self.resolve_member(imp.module, imp.name, _depth)
        project = self.resolve_module(imp.module)
        return ModuleSym(project) if project else ExternalSym(imp.module)

    def resolve_member(self, module: str, name: str, _depth: int = 0) -> Optional[Symbol]:
        if f"{module}.{name}" in self.pinned:
            return ExternalSym(f"{module}.{name}")
        project = self.resolve_module(module)
        if project is not None:
            facts = self.modules[project]
            imp = facts.imports.get(name)
            if imp is not None and imp.name == name and self.resolve_module(imp.module) == project \
                    and self.resolve_module(f"{project}.{name}"):
                # ``from . import x`` in the package's own ``__init__``: the submodule itself.
                return ModuleSym(self.resolve_module(f"{project}.{name}") or "")
            if name in facts.bindings or name in facts.imports:
                return self.resolve_name(project, name, _depth)
            if self.resolve_module(f"{project}.{name}"):
                return ModuleSym(f"{project}.{name}")
            return None
        submodule = self.resolve_module(f"{module}.{name}")
        if submodule is not None:
            return ModuleSym(submodule)
        return ExternalSym(f"{module}.{name}" if module else name)

    def resolve_dotted(self, module: str, names: tuple[str, ...]) -> tuple[Optional[Symbol], tuple[str, ...]]:
        """Resolve ``a.b.c`` as far as symbols go; returns the symbol and the rest."""
        if not names:
            return None, ()
        sym = self.resolve_name(module, names[0])
        rest = names[1:]
        while rest and sym is not None:
            if isinstance(sym, ModuleSym):
                sym = self.resolve_member(sym.name, rest[0])
            elif isinstance(sym, ExternalSym):
                sym = ExternalSym(f"{sym.qualname}.{rest[0]}")
            else:
                break
            rest = rest[1:]
        return sym, rest

    def qualified(self, module: str, names: tuple[str, ...]) -> str:
        """The qualified name of something outside the project, or ''."""
        sym, rest = self.resolve_dotted(module, names)
        if isinstance(sym, ExternalSym) and not rest:
            return sym.qualname
        return ""

    def class_of_ctor(self, module: str, ctor: tuple[str, ...]) -> Optional[ClassSym]:
        sym, rest = self.resolve_dotted(module, ctor)
        return sym if isinstance(sym, ClassSym) and not rest else None

    def binding(self, sym: BindingSym) -> Binding:
        return self.modules[sym.module].bindings[sym.name]

    # ------------------------------------------------------------- classes
    def bases(self, sym: ClassSym) -> Iterator[Union[ClassSym, str]]:
        """The class's bases: project classes as symbols, others by qualified name."""
        facts = self.klass(sym)
        if facts is None:
            return
        for base in facts.bases:
            resolved, rest = self.resolve_dotted(sym.module, base)
            if isinstance(resolved, ClassSym) and not rest:
                yield resolved
            elif isinstance(resolved, ExternalSym) and not rest:
                yield resolved.qualname

    def mro(self, sym: ClassSym) -> list[ClassSym]:
        out: list[ClassSym] = []
        todo = [sym]
        while todo:
            current = todo.pop(0)
            if current in out or len(out) > 50:
                continue
            out.append(current)
            todo.extend(b for b in self.bases(current) if isinstance(b, ClassSym))
        return out

    def external_bases(self, sym: ClassSym) -> set[str]:
        return {b for c in self.mro(sym) for b in self.bases(c) if isinstance(b, str)}

    def find_method(self, sym: ClassSym, name: str) -> Optional[FunctionKey]:
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is not None and name in facts.methods:
                return FunctionKey(cls.module, facts.methods[name])
        return None

    def methods(self, sym: ClassSym) -> Iterator[tuple[ClassSym, FunctionFacts]]:
        """The functions of the class's methods and of its project bases' (overridden ones too),
        each with the class that defines it, in method resolution order."""
        for cls in self.mro(sym):
            facts = self.klass(cls)
            for qualname in facts.methods.values() if facts is not None else ():
                fn = self.modules[cls.module].functions.get(qualname)
                if fn is not None:
                    yield cls, fn

    def class_attr(self, sym: ClassSym, name: str) -> Optional[tuple[ClassSym, Binding]]:
        for cls in self.mro(sym):
            facts = self.klass(cls)
            if facts is not None and name in facts.attrs:
                return cls, facts.attrs[name]
        return None

    def instance_attr_ctor(self, sym: ClassSym, name: str) -> Optional[tuple[str, ...]]:
        """The constructor of ``self.name = ...`` in any method, if some method assigns it."""
        return next((fn.self_attrs[name] for _, fn in self.methods(sym) if name in fn.self_attrs), None)


def global_names(root: Root, path: tuple[str, ...]) -> tuple[str, ...]:
    """``a.b.c`` as names, for resolving a module-level callee; () when a step is a subscript."""
    if not all(p.startswith(".") for p in path):
        return ()
    return (root.name,) + tuple(p[1:] for p in path)
