"""Expressions: what they are (``dotted``, ``classify_value``) and what they read, call and test.

``Reader`` and ``Scanner`` walk one expression for the statement walker,
which they report to; the helpers above them look at a node alone.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, AbstractSet, Any, Callable, ClassVar, Iterable, Optional, Union

import libcst as cst

from ..frameworks import flask as fm
from ..frameworks import stdlib
from .model import BindingKind, Decorator
from .scopes import ExprInfo, TestRead

if TYPE_CHECKING:
    from .recorder import Recorder


def dotted(node: cst.BaseExpression) -> tuple[str, ...]:
    """``a.b.c`` -> ("a", "b", "c"); anything else -> ()."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return tuple(reversed(parts))
    return ()


def string_value(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes: not worth a message
            return None
        return value if isinstance(value, str) else None
    return None


def string_list(node: cst.BaseExpression) -> tuple[str, ...]:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        out = []
        for el in node.elements:
            value = string_value(el.value)
            if value is not None:
                out.append(value.upper())
        return tuple(out)
    return ()


def is_constant(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
        return True
    if isinstance(node, cst.UnaryOperation):
        return is_constant(node.expression)
    if isinstance(node, cst.Tuple):
        return all(is_constant(el.value) for el in node.elements)
    return False


CONTAINER_LITERALS = {
    cst.List: "list", cst.Dict: "dict", cst.Set: "set",
    cst.ListComp: "list", cst.DictComp: "dict", cst.SetComp: "set",
}


def classify_value(node: cst.BaseExpression) -> tuple[BindingKind, tuple[str, ...], str]:
    """(kind, constructor, container) of an assigned value, as ``Binding`` wants them."""
    for literal, name in CONTAINER_LITERALS.items():
        if isinstance(node, literal):
            return "container", (), name
    if is_constant(node):
        return "scalar", (), ""
    if isinstance(node, cst.Call):
        ctor = dotted(node.func)
        if not ctor and isinstance(node.func, cst.Attribute):
            # ``multiprocessing.Manager().dict()``: remember the method at least.
            inner = node.func.value
            if isinstance(inner, cst.Call) and dotted(inner.func):
                ctor = dotted(inner.func) + ("()", node.func.attr.value)
        return "call", ctor, ""
    return "other", (), ""


def named_elements(node: cst.BaseExpression) -> tuple[tuple[str, ...], ...]:
    """The values of a dict, list, tuple or set literal that are names (``Binding.elements``)."""
    if isinstance(node, cst.Dict):
        values = [el.value for el in node.elements if isinstance(el, cst.DictElement)]
    elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        values = [el.value for el in node.elements if not isinstance(el, cst.StarredElement)]
    else:
        return ()
    return tuple(dict.fromkeys(name for value in values if (name := dotted(value))))


def targets_of(node: cst.BaseExpression) -> Iterable[cst.BaseExpression]:
    if isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            yield from targets_of(el.value)
    elif isinstance(node, cst.StarredElement):
        yield from targets_of(node.value)
    else:
        yield node


def decorators_of(node: Union[cst.FunctionDef, cst.ClassDef]) -> tuple[Decorator, ...]:
    """The decorators that can be named, as written: what registers a view or a hook."""
    out = []
    for dec in node.decorators:
        expr = dec.decorator
        called = isinstance(expr, cst.Call)
        func = expr.func if isinstance(expr, cst.Call) else expr
        name = dotted(func)
        first = None
        methods: tuple[str, ...] = ()
        if isinstance(expr, cst.Call):
            for arg in expr.args:
                if arg.keyword is None and first is None:
                    first = string_value(arg.value)
                elif arg.keyword is not None and arg.keyword.value == "methods":
                    methods = string_list(arg.value)
        if name:
            out.append(Decorator(name, called, first, methods))
    return tuple(out)


# Calls that convert or construct rather than compute: their result is the data itself.
_NOT_COMPUTING = frozenset({
    "str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "frozenset",
    "defaultdict", "OrderedDict", "Counter", "deque", "get", "copy", "strip", "lower", "upper",
    # conversions and accessors that hand the data on as it came (request data stays request data)
    "get_json", "getlist", "to_dict", "get_data", "json", "loads", "decode", "encode", "format", "join",
    "split", "rsplit", "replace", "lstrip", "rstrip", "title", "escape", "secure_filename", "deepcopy",
})


def is_computed(value: Optional[cst.BaseExpression], computed_locals: AbstractSet[str] = frozenset(),
                plain_locals: AbstractSet[str] = frozenset()) -> bool:
    """The value is made by a call (``render(slug)``), not a literal, a conversion or data taken as
    is: what memoization stores.  A random value (``uuid4()``, ``token_hex()``) is not: racing
    requests would each keep a different one.  ``computed_locals``: locals bound to such values
    (``v = {n: slug(n) for n in key}``; see ``FunctionScope.computed``); ``plain_locals``: locals
    bound to constants, which a snapshot may hold next to them (``is_plain``)."""
    if isinstance(value, cst.Await):
        value = value.expression
    if isinstance(value, cst.Name):
        return value.value in computed_locals
    if isinstance(value, (cst.Subscript, cst.Attribute)):
        # ``parts[t]``: an element of a value computed here
        base: cst.BaseExpression = value
        while isinstance(base, (cst.Subscript, cst.Attribute)):
            base = base.value
        return isinstance(base, cst.Name) and base.value in computed_locals
    if isinstance(value, (cst.BooleanOperation, cst.BinaryOperation)):
        # ``settings.get(k) or []``, ``missing + parts[t]``
        sides = (value.left, value.right)
        computed = [is_computed(side, computed_locals, plain_locals) for side in sides]
        return any(computed) and all(c or is_plain(side, plain_locals) or (isinstance(side, (cst.List, cst.Dict))
                                                                         and not side.elements)
                                     for c, side in zip(computed, sides))
    if isinstance(value, cst.Tuple):
        # ``(now, render(k))``, ``(now, status, details)``: a snapshot of computed parts
        parts = [el.value for el in value.elements]
        computed = [is_computed(p, computed_locals, plain_locals) for p in parts]
        return any(computed) and all(c or is_plain(p, plain_locals) for c, p in zip(computed, parts))
    if isinstance(value, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return is_computed(value.elt, computed_locals, plain_locals)
    if isinstance(value, cst.DictComp):
        return is_computed(value.value, computed_locals, plain_locals)
    if not isinstance(value, cst.Call):
        return False
    name = call_name(value)
    # ``handlers[t](x)``: a call of something unnamed still computes
    return name is None or (name not in _NOT_COMPUTING and name not in stdlib.RANDOM_CALLS)


def is_plain(value: cst.BaseExpression, plain_locals: AbstractSet[str] = frozenset()) -> bool:
    """A constant, a local bound to one, or a choice between them (``"OK" if ok else "fail"``)."""
    if isinstance(value, cst.IfExp):
        return is_plain(value.body, plain_locals) and is_plain(value.orelse, plain_locals)
    return is_constant(value) or (isinstance(value, cst.Name) and value.value in plain_locals)


def is_empty_container(value: Optional[cst.BaseExpression]) -> bool:
    """``{}``, ``[]``, ``set()``, ``defaultdict(list)``: a container the function is about to fill."""
    if isinstance(value, (cst.List, cst.Set, cst.Dict)):
        return not value.elements
    if not isinstance(value, cst.Call):
        return False
    name = dotted(value.func)[-1:]
    if name == ("defaultdict",):
        return len(value.args) <= 1 and all(a.keyword is None and not a.star for a in value.args)
    return not value.args and name in (("dict",), ("list",), ("set",), ("OrderedDict",))


def element_read(node: Optional[cst.BaseExpression]) -> Optional[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """``C[k]`` / ``C.get(k)`` -> (``C``, ``k``); else None."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.value, node.slice[0].slice.value
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" \
            and node.args:
        return node.func.value, node.args[0].value
    return None


def call_fills(node: cst.Call) -> tuple[str, ...]:
    """What the arguments fill (``Call.fills``): the positional count, keyword names, ``*``."""
    positional = sum(1 for arg in node.args if arg.keyword is None and not arg.star)
    named = [arg.keyword.value if arg.keyword is not None else "*" for arg in node.args
             if arg.keyword is not None or arg.star]
    return (str(positional), *named)


def call_name(node: cst.Call) -> Optional[str]:
    """``threading.Lock(...)`` -> ``Lock``; ``FileLock(...)`` -> ``FileLock``."""
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def is_main_guard(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        left, right = test.left, test.comparisons[0].comparator
        names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
        strings = {string_value(n) for n in (left, right)}
        return "__name__" in names and "__main__" in strings
    return False


# Fields that hold only whitespace, punctuation or operators: never worth a visit.
_SKIPPED_FIELDS = frozenset({
    "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header", "footer",
    "equal", "colon", "dot", "star", "operator", "lbracket", "rbracket", "lbrace", "rbrace", "newline",
    "asynchronous", "arrow", "walrus", "first_line", "empty_lines", "prefix",
})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f.name for f in dataclasses.fields(cls)
                       if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace"))
        _CHILD_FIELDS[cls] = fields
    return fields


def type_test(bases: Union[type, tuple[type, ...]]) -> Callable[[object], bool]:
    """``isinstance(value, bases)``, by a table of the types met: libcst's classes are ABCs, and an
    ABC's isinstance check costs ten times a dict lookup (millions of them per large project)."""
    table: dict[type, bool] = {}

    def test(value: object) -> bool:
        kind = value.__class__
        known = table.get(kind)
        if known is None:
            known = table[kind] = issubclass(kind, bases)
        return known

    return test


is_node = type_test(cst.CSTNode)


class Traversal:
    """A pre-order walk that calls ``visit_<Type>`` / ``leave_<Type>`` like a
    libcst visitor, without rebuilding nodes as ``CSTNode.visit`` does (the
    most expensive part of a libcst visit).  It keeps its own stack: implicit
    string concatenation nests one level per line, thousands deep in
    generated files."""

    # Per traversal class: each node type's visit_ and leave_ methods (None where there is none).
    _methods: ClassVar[dict[type, tuple[Any, Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._methods = {}

    def run(self, root: cst.CSTNode) -> None:
        methods = self._methods
        stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            kind = type(node)
            found = methods.get(kind)
            if found is None:
                found = methods[kind] = (getattr(type(self), "visit_" + kind.__name__, None),
                                         getattr(type(self), "leave_" + kind.__name__, None))
            visit, leave = found
            if leaving:
                leave(self, node)
                continue
            if visit is not None and visit(self, node) is False:
                continue
            if leave is not None:
                stack.append((node, True))
            children: list[cst.CSTNode] = []
            for field_name in _child_fields(kind):
                value = getattr(node, field_name)
                if value.__class__ is list or value.__class__ is tuple:
                    children.extend(item for item in value if is_node(item))
                elif is_node(value):
                    children.append(value)
            stack.extend((child, False) for child in reversed(children))


class Reader(Traversal):
    """Collects the names and references an expression reads."""

    def __init__(self, walker: Recorder, info: ExprInfo) -> None:
        self.walker = walker
        self.info = info

    def visit_Name(self, node: cst.Name) -> None:
        self.info.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        ref = self.walker.raw_ref(node)
        if ref is not None:
            self.info.refs.append(ref)
            self.info.names.add(ref[0])
        return True

    def visit_Subscript(self, node: cst.Subscript) -> Optional[bool]:
        ref = self.walker.raw_ref(node)
        if ref is not None:
            self.info.refs.append(ref)
            self.info.names.add(ref[0])
        return True

    def visit_Await(self, node: cst.Await) -> None:
        self.info.awaits = True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class Scanner(Reader):
    """Like ``Reader``, and also records calls, mutating method calls,
    registrations, awaits and (in tests) the state a condition inspects."""

    def __init__(self, walker: Recorder, info: ExprInfo, test: bool) -> None:
        super().__init__(walker, info)
        self.test = test

    def leave_Name(self, original_node: cst.Name) -> None:
        if self.test:
            self.test_read(original_node, None)

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        super().visit_Attribute(node)
        if self.test:
            self.test_read(node, None)
        return True

    def visit_Subscript(self, node: cst.Subscript) -> Optional[bool]:
        super().visit_Subscript(node)
        if self.test:
            self.test_read(node, None)
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            self.keyed_read(node.value, node.slice[0].slice.value, "[]")
        return True

    def keyed_read(self, container: cst.BaseExpression, key: cst.BaseExpression, step: str) -> None:
        """``C["k"]``, ``C.get("k")``: a read of one literal key (``ExprInfo.keyed``)."""
        if isinstance(key, (cst.SimpleString, cst.Integer)):
            ref = self.walker.raw_ref(container)
            if ref is not None:
                self.info.keyed.append((ref, self.walker.code(key), step))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self.test:
            return
        left = node.left
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self.test_read(target.comparator, self.walker.code(left))
            left = target.comparator

    def test_read(self, node: cst.BaseExpression, key: Optional[str], *, taken: bool = False,
                  at: Optional[cst.CSTNode] = None) -> None:
        fn = self.walker.fn
        if fn is None or self.walker.statement is None:
            return
        ref = self.walker.raw_ref(node)
        if ref is None:
            return
        if key is None and isinstance(node, cst.Name) and node.value in fn.alias_keys and ref[1][-1:] == ("[]",):
            # ``hit = C.get(k)`` then ``if hit``: a test of C at key k
            ref, key, taken = (ref[0], ref[1][:-1]), fn.alias_keys[node.value], True
        fn.test_reads.append(TestRead(ref, key, tuple(fn.locks), fn.index, self.walker.span(at or node), taken))

    def visit_Await(self, node: cst.Await) -> None:
        super().visit_Await(node)
        fn = self.walker.fn
        if fn is not None:
            fn.awaits.append((fn.index, self.walker.span(node).line))

    def visit_Call(self, node: cst.Call) -> Optional[bool]:
        walker = self.walker
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in fm.REGISTRATIONS or method in fm.HOOK_REGISTRATIONS:
                walker.record_registration(node, method)
            if (method in stdlib.MUTATING_METHODS or method in stdlib.PROCESS_SETTER_NAMES) and walker.fn is not None:
                receiver = walker.raw_ref(func.value)
                values = [a.value for a in node.args]
                if method == "setdefault":
                    values = values[1:]
                elif method in ("pop", "remove", "discard", "popitem", "sort", "reverse", "clear"):
                    values = []
                info = ExprInfo()
                for v in values:
                    sub = walker.scan_quiet(v)
                    info.names |= sub.names
                    info.refs += sub.refs
                    info.taint |= sub.taint
                walker.note_fill(receiver, values)
                key = walker.code(node.args[0].value) if method in ("setdefault", "add") and node.args else None
                texts = [walker.value_text(v) or (walker.value_text(v, stored=False) and walker.code(v))
                         for v in values]
                value_text = ", ".join(texts) if values and all(texts) and method in stdlib.IDEMPOTENT_METHODS else ""
                if method == "update" and any(isinstance(v, (cst.List, cst.Tuple, cst.Set)) for v in values):
                    value_text = ""  # ``counter.update(["x"])`` counts: only a mapping's update is idempotent
                walker.record_access("method", receiver, method, f"{walker.short(func)}(...)", info,
                                     computed_value=bool(values) and all(walker.computed(v) for v in values),
                                     made_by=tuple(i for v in values for i in walker.made_by(v)),
                                     key=key, constant_value=bool(values) and all(is_constant(v) for v in values),
                                     place=func.value,
                                     extra_key=node.args[0].value if method in ("setdefault", "pop") and node.args
                                     else None, value_text=value_text,
                                     stored=values[0] if len(values) == 1 else None)
            if self.test and method == "get" and node.args:
                self.test_read(func.value, walker.code(node.args[0].value), taken=True)
            if method == "get" and node.args:
                self.keyed_read(func.value, node.args[0].value, ".get")
        elif isinstance(func, cst.Name) and func.value == "hasattr" and self.test and len(node.args) == 2:
            attr = string_value(node.args[1].value)
            if attr and attr.isidentifier():
                # ``if not hasattr(cls, "_x")``: a test of ``cls._x``
                self.test_read(cst.Attribute(node.args[0].value, cst.Name(attr)), None, at=node)
        walker.record_call(node, in_test=self.test)
        return True

