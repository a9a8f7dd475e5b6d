"""What a statement binds: assignments, augmented ones, and imports.

A name bound in a function is a local, maybe an alias of shared state
(``users = USERS``); a write through a ``global``/``nonlocal`` name, an
attribute or a subscript is recorded as an access.  At module and class
level, bindings become the ``Binding`` facts later stages resolve names by.
"""
from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from ..frameworks import stdlib
from .model import Binding, Import
from . import values
from .recorder import Recorder
from .scanner import classify_value, dotted, named_elements, element_read, is_constant, is_empty_container, string_value
from .scopes import NO_TAINT, ClassScope, ExprInfo, FunctionScope, RawRef


class Binder(Recorder):
    """Records what assignments and imports bind, in the scope they run in."""

    def assign(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression],
               info: ExprInfo, *, augmented: bool = False, operator: str = "+=") -> None:
        """``operator``: how an augmented assignment is written (``-=``), as the chain shows it."""
        fn = self.fn
        scope = self.scope
        constant = value is not None and is_constant(value)
        if isinstance(target, cst.Name):
            name = target.value
            module = self.imported_module(value) if not augmented else ""
            if module:
                # ``stats = importlib.import_module("pkg.stats")``: ``import pkg.stats as stats``
                self.bind_import(name, Import(module))
                return
            if fn is None:
                if isinstance(scope, ClassScope):
                    self.bind_class_attr(scope, name, value, target)
                elif value is not None and not augmented:
                    self.bind_module(name, value, target)
                return
            if name in fn.global_names and isinstance(value, cst.Call) and not augmented and dotted(value.func):
                self.facts.rebound_objects += ((name, dotted(value.func), self.span(target).line),)
            if name in fn.global_names or name in fn.nonlocal_names:
                op = operator if augmented else "="
                self.record_access("rebind", (name, ()), "=", f"{name} {op} ...", info,
                                   augmented=augmented, constant_value=constant, computed_value=self.computed(value),
                                   made_by=self.made_by(value),
                                   value_text="" if augmented else self.value_text(value),
                                   filters_itself=not augmented and values.filters_itself(self, target, value),
                                   defaults=not augmented and values.defaults_itself(self, target, value),
                                   stored=value)
                return
            self.bind_target(target, self.alias_of(value) if not augmented else None, info,
                             augmented=augmented, value=value)
        elif isinstance(target, cst.Attribute):
            self.scan(target.value)
            self.note_attr_object(target, value, augmented)
            if fn is None:
                return
            ref = self.raw_ref(target)
            ctor = dotted(value.func) if isinstance(value, cst.Call) and not augmented else ()
            if ref is not None and ref[0] == fn.self_name and len(ref[1]) == 1 and not augmented:
                fn.facts.self_attrs.setdefault(target.attr.value, ctor)
            elif ref is not None and len(ref[1]) == 1 and ctor and fn.facts.class_name and (
                    ref[0] == fn.cls_name or ref[0] in fn.class_aliases or ref[0] == fn.facts.class_name):
                fn.facts.class_objects += ((target.attr.value, ctor, self.span(target).line),)
            op = operator if augmented else "="
            # ``m = MODULES[name]; m.label = name``: the entry's own key, the same for every writer
            key_of_entry = (isinstance(target.value, cst.Name) and isinstance(value, cst.Name)
                            and fn.alias_keys.get(target.value.value) == value.value)
            self.record_access("attr", ref, target.attr.value, f"{self.short(target)} {op} ...", info,
                               augmented=augmented, constant_value=constant, place=target,
                               computed_value=self.computed(value), made_by=self.made_by(value),
                               value_text="" if augmented else self.value_text(value),
                               value_is_key=key_of_entry and not augmented,
                               defaults=not augmented and values.defaults_itself(self, target, value),
                               filters_itself=not augmented and values.filters_itself(self, target, value),
                               stored=value)
        elif isinstance(target, cst.Subscript):
            self.scan(target.value)
            key_node = target.slice[0].slice if len(target.slice) == 1 else None
            key = None
            if isinstance(key_node, cst.Index):
                self.scan(key_node.value)
                key = self.code(key_node.value)
            op = operator if augmented else "="
            container = self.raw_ref(target.value)
            self.note_fill(container, [value] if value is not None else None)
            self.record_access("item", container, "[]", f"{self.short(target)} {op} ...",
                               info, augmented=augmented, key=key, constant_value=constant,
                               # ``REGISTRY[key] = self``: the object being set up, made by its constructor
                               made_by=self.made_by(value),
                               computed_value=self.computed(value) or (fn is not None and isinstance(value, cst.Name)
                                                                     and value.value == fn.self_name != ""),
                               place=target, value_text="" if augmented else self.value_text(value),
                               empty_container=is_empty_container(value), stored=value,
                               settles=not augmented and values.settles(self, target, key, value))
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, None, info)

    def note_attr_object(self, target: cst.Attribute, value: Optional[cst.BaseExpression], augmented: bool) -> None:
        """``ModuleFacts.attr_objects``: ``app.game = Game()``."""
        holder, fn = target.value, self.fn
        ctor = dotted(value.func) if isinstance(value, cst.Call) and not augmented else ()
        if not isinstance(holder, cst.Name) or not ctor:
            return
        name = holder.value
        local = fn is not None and name in fn.local_names and name not in fn.global_names
        made_by = fn.local_ctors.get(name, ()) if local and fn is not None else ()
        if not local or made_by:
            self.facts.attr_objects += ((name, made_by, target.attr.value, ctor, self.span(target).line),)

    def element_key(self, value: Optional[cst.BaseExpression]) -> str:
        """``C[k]`` / ``C.get(k)`` -> the code of ``k``; else ''."""
        read = element_read(value)
        return self.code(read[1]) if read is not None else ""

    def alias_of(self, value: Optional[cst.BaseExpression]) -> Optional[RawRef]:
        if isinstance(value, (cst.Name, cst.Attribute, cst.Subscript)):
            return self.raw_ref(value)
        found_in = values.element_found_in(value)
        if isinstance(found_in, (cst.Name, cst.Attribute)):
            # ``task = next(t for t in tasks if t["id"] == tid)``: one of ``tasks``' own elements
            ref = self.raw_ref(found_in)
            return (ref[0], ref[1] + ("[]",)) if ref is not None else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and value.func.attr.value in stdlib.ELEMENT_METHODS:
            return self.raw_ref(value)
        return None

    def bind_target(self, target: cst.BaseExpression, alias: Optional[RawRef],
                    info: Optional[ExprInfo], *, augmented: bool = False,
                    value: Optional[cst.BaseExpression] = None) -> None:
        """A name bound in the current function: a local, maybe an alias of shared state."""
        fn = self.fn
        if not isinstance(target, cst.Name):
            if isinstance(target, (cst.Attribute, cst.Subscript)) and info is not None:
                self.assign(target, None, info)
            return
        name = target.value
        if fn is None:
            if not isinstance(self.scope, ClassScope):
                self.facts.bindings.setdefault(name, Binding(name, "other", self.span(target)))
            return
        if name in fn.global_names or name in fn.nonlocal_names:
            self.record_access("rebind", (name, ()), "=", f"{name} = ...", info)
            return
        fn.local_names.add(name)
        _note_local(fn, name, value, augmented)
        self.note_value(fn, name, value, augmented)
        kept = values.kept_from(value) if isinstance(value, cst.ListComp) and not augmented else None
        kept_ref = self.raw_ref(kept) if isinstance(kept, (cst.Name, cst.Attribute)) else None
        if kept_ref is not None and kept_ref[0] != name:
            fn.element_aliases[name] = kept_ref
        elif not augmented:
            fn.element_aliases.pop(name, None)
        if alias is not None and alias[0] != name:
            fn.aliases[name] = alias
            fn.alias_key_taint[name] = self.key_taint(value, None) if value is not None else NO_TAINT
            fn.alias_entries[name] = values.entry_key(self, value, len(alias[1]))
            key = self.element_key(value)
            if key:
                fn.alias_keys[name] = key
            else:
                fn.alias_keys.pop(name, None)
        elif not augmented:
            fn.aliases.pop(name, None)
            fn.alias_key_taint.pop(name, None)
            fn.alias_keys.pop(name, None)
            fn.alias_entries.pop(name, None)
        if info is None and not augmented:
            # ``with open(p) as x``, ``except E as x``: a new value that says nothing of the old one.
            fn.tainted.pop(name, None)
            fn.derived.pop(name, None)
        if info is not None:
            taint = self.taint_of(info)
            read = [ref for ref in values.reads_of(self, info) if ref != (name, ())]
            if augmented:
                fn.tainted[name] = fn.tainted.get(name, NO_TAINT) | taint
                previous = fn.derived.get(name, ([], fn.index))[0]
                fn.derived[name] = (previous + read, fn.index)
            else:
                fn.tainted[name] = taint
                fn.derived[name] = (read, fn.index)
            fn.derived_where[name] = (self.current_span.line, tuple(use.acquisition for use in fn.locks))
        if value is not None and not augmented:
            kind, ctor, container = classify_value(value)
            fn.local_ctors[name] = ctor if kind == "call" else ()
            fn.lock_names[name] = self.lock_name(value)
            fn.facts.bindings.setdefault(name, Binding(name, kind, self.span(target), ctor, container))

    def note_value(self, fn: FunctionScope, name: str, value: Optional[cst.BaseExpression],
                   augmented: bool) -> None:
        """What the local is now bound to: a same-every-time value, the requester's connection id."""
        if not augmented:
            if value is not None and (self.computed(value) or is_empty_container(value)):
                fn.computed[name] = self.made_by(value)
            else:
                fn.computed.pop(name, None)
            source = values.filtered_source(self, value)
            if source:
                fn.filters[name] = source
            else:
                fn.filters.pop(name, None)
            if values.is_random(self, value):
                fn.random_locals.add(name)
            else:
                fn.random_locals.discard(name)
        text = self.value_text(value) if value is not None and not augmented else ""
        if text:
            fn.deterministic[name] = f"{name} = {text}"
        elif not augmented or name in fn.deterministic:
            fn.deterministic.pop(name, None)
        if value is not None and not augmented and self.is_connection_id(value):
            fn.connection_ids.add(name)
        elif not augmented:
            fn.connection_ids.discard(name)

    def bind_module(self, name: str, value: cst.BaseExpression, target: cst.CSTNode) -> None:
        kind, ctor, container = classify_value(value)
        existing = self.facts.bindings.get(name)
        if existing is None or (existing.kind in ("scalar", "other") and kind in ("container", "call")):
            self.facts.bindings[name] = Binding(name, kind, self.span(target), ctor, container,
                                                placeholder=isinstance(value, cst.Name) and value.value == "None",
                                                elements=named_elements(value))

    def bind_class_attr(self, scope: ClassScope, name: str, value: Optional[cst.BaseExpression],
                        target: cst.CSTNode) -> None:
        if value is None:
            return
        if name == "init_every_request" and isinstance(value, cst.Name):
            scope.facts.init_every_request = value.value == "True"
        kind, ctor, container = classify_value(value)
        scope.facts.attrs.setdefault(name, Binding(name, kind, self.span(target), ctor, container,
                                                   placeholder=isinstance(value, cst.Name) and value.value == "None"))

    def walk_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        bound: list[tuple[str, Import]] = []
        line = self.span(node).line
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = ".".join(dotted(alias.name)) if not isinstance(alias.name, cst.Name) else alias.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    bound.append((alias.asname.name.value, Import(full, line=line)))
                else:
                    bound.append((full.split(".")[0], Import(full.split(".")[0], line=line)))
        else:
            base = ".".join(dotted(node.module)) if node.module is not None else ""
            module = self.absolute_module(len(node.relative), base)
            if isinstance(node.names, cst.ImportStar):
                self.star_import = True
                return
            for alias in node.names:
                name = alias.name.value if isinstance(alias.name, cst.Name) else ".".join(dotted(alias.name))
                asname = alias.asname.name if alias.asname is not None else None
                local = asname.value if isinstance(asname, cst.Name) else name
                bound.append((local, Import(module, name, line)))
        for local, imp in bound:
            self.bind_import(local, imp)

    def bind_import(self, local: str, imp: Import) -> None:
        fn = self.fn
        if fn is None:
            self.facts.imports.setdefault(local, imp)
        elif local in self.facts.bindings or self.facts.imports.get(local, imp) != imp:
            fn.local_names.add(local)
            fn.aliases.pop(local, None)
        else:
            # ``from . import rooms`` inside a function names the same
            # object as at module level: resolve it like a module import.
            self.facts.imports.setdefault(local, imp)
            fn.aliases.pop(local, None)

    def imported_module(self, value: Optional[cst.BaseExpression]) -> str:
        """The module ``importlib.import_module("a.b")`` imports (a literal absolute name), or ''."""
        if not isinstance(value, cst.Call) or len(value.args) != 1 or value.args[0].keyword is not None \
                or self.qualified(dotted(value.func)) != "importlib.import_module":
            return ""
        name = string_value(value.args[0].value) or ""
        return name if name and all(part.isidentifier() for part in name.split(".")) else ""

    def absolute_module(self, level: int, base: str) -> str:
        if level == 0:
            return base
        parts = self.facts.module.split(".")
        if not self.facts.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        prefix = ".".join(parts)
        if base:
            return f"{prefix}.{base}" if prefix else base
        return prefix


def _note_local(fn: FunctionScope, name: str, value: Optional[cst.BaseExpression], augmented: bool) -> None:
    """A parameter assigned in the body (its tests no longer say what the caller passed), and a local
    bound to the instance's class."""
    if name in fn.facts.params:
        fn.rebound_params.add(name)
    if fn.self_name and _class_of(value, fn.self_name):
        fn.class_aliases.add(name)
    elif not augmented:
        fn.class_aliases.discard(name)


def _class_of(value: Optional[cst.BaseExpression], self_name: str) -> bool:
    """``type(self)`` or ``self.__class__``: the instance's own class."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "type" \
            and len(value.args) == 1 and isinstance(value.args[0].value, cst.Name):
        return value.args[0].value.value == self_name
    return isinstance(value, cst.Attribute) and value.attr.value == "__class__" \
        and isinstance(value.value, cst.Name) and value.value.value == self_name
