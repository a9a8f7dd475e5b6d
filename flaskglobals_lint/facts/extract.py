"""One walk over a libcst tree that turns a module into ``ModuleFacts``.

The walk keeps its own small scope model (in the manner of pyflakes): a stack
of module / class / function scopes, each knowing the names it binds.  Writes,
calls and lock acquisitions are recorded as the code spells them; once the
whole module has been seen, every root name is classified by scope
(``_resolve_roots``), because only then is it known which names a function
binds locally.
"""
from __future__ import annotations

import ast
import builtins
import dataclasses
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Optional, Sequence, TypeVar, Union, cast

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..frameworks import flask as fm
from ..frameworks import stdlib
from .model import (
    Access, Binding, Call, ClassFacts, Decorator, FunctionFacts, Import, LockUse,
    ModuleFacts, Ref, Registration, Root, Span,
)

# A reference before scope resolution: root name as written, path of steps.
RawRef = tuple[str, tuple[str, ...]]
InternedT = TypeVar("InternedT", Root, Ref, Span)
_BUILTINS = frozenset(dir(builtins))
NO_TAINT: frozenset[str] = frozenset()


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


def _string_list(node: cst.BaseExpression) -> tuple[str, ...]:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        out = []
        for el in node.elements:
            value = string_value(el.value)
            if value is not None:
                out.append(value.upper())
        return tuple(out)
    return ()


def _is_constant(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
        return True
    if isinstance(node, cst.UnaryOperation):
        return _is_constant(node.expression)
    if isinstance(node, cst.Tuple):
        return all(_is_constant(el.value) for el in node.elements)
    return False


CONTAINER_LITERALS = {
    cst.List: "list", cst.Dict: "dict", cst.Set: "set",
    cst.ListComp: "list", cst.DictComp: "dict", cst.SetComp: "set",
}


def classify_value(node: cst.BaseExpression) -> tuple[str, tuple[str, ...], str]:
    """(kind, constructor, container) of an assigned value, as ``Binding`` wants them."""
    for literal, name in CONTAINER_LITERALS.items():
        if isinstance(node, literal):
            return "container", (), name
    if _is_constant(node):
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


def _targets_of(node: cst.BaseExpression) -> Iterable[cst.BaseExpression]:
    if isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            yield from _targets_of(el.value)
    elif isinstance(node, cst.StarredElement):
        yield from _targets_of(node.value)
    else:
        yield node


@dataclass
class _ExprInfo:
    """What an expression reads: names, references, whether it awaits."""

    names: set[str] = field(default_factory=set)
    refs: list[RawRef] = field(default_factory=list)
    awaits: bool = False
    # Where the value comes from (``request``, ``param:NAME``), at the point read.
    taint: frozenset[str] = NO_TAINT


@dataclass
class _TestRead:
    ref: RawRef
    key: Optional[str]
    locks: tuple[LockUse, ...]
    index: int
    span: Span


@dataclass
class _RawAccess:
    kind: str
    ref: RawRef
    detail: str
    span: Span
    text: str
    locks: tuple[LockUse, ...]
    index: int
    augmented: bool = False
    value: _ExprInfo = field(default_factory=_ExprInfo)
    key: Optional[str] = None
    constant_value: bool = False
    computed_value: bool = False
    key_taint: frozenset[str] = NO_TAINT


@dataclass
class _RawCall:
    callee: RawRef
    span: Span
    locks: tuple[LockUse, ...]
    args: list[tuple[Optional[RawRef], _ExprInfo]]
    kwargs: list[tuple[str, Optional[RawRef], _ExprInfo]]


@dataclass
class _FunctionScope:
    facts: FunctionFacts
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    local_names: set[str] = field(default_factory=set)
    aliases: dict[str, RawRef] = field(default_factory=dict)
    # alias name -> where the keys that selected it come from
    alias_key_taint: dict[str, frozenset[str]] = field(default_factory=dict)
    tainted: dict[str, frozenset[str]] = field(default_factory=dict)
    # local name -> (references it was computed from, statement index)
    derived: dict[str, tuple[list[RawRef], int]] = field(default_factory=dict)
    local_ctors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # local name -> the argument naming the lock it was bound to (``lock = FileLock(path)``)
    lock_names: dict[str, str] = field(default_factory=dict)
    local_defs: dict[str, str] = field(default_factory=dict)
    locks: list[LockUse] = field(default_factory=list)
    acquisitions: int = 0
    index: int = 0
    awaits: list[tuple[int, int]] = field(default_factory=list)
    test_reads: list[_TestRead] = field(default_factory=list)
    accesses: list[_RawAccess] = field(default_factory=list)
    calls: list[_RawCall] = field(default_factory=list)
    self_name: str = ""
    cls_name: str = ""


@dataclass
class _ClassScope:
    facts: ClassFacts


Scope = Union[None, _FunctionScope, _ClassScope]


class _Walker:
    """Walks statements in order; expressions are scanned by ``_scan``."""

    def __init__(self, tree: cst.Module, facts: ModuleFacts, positions: "_Positions") -> None:
        self.module = tree
        self.positions = positions
        self.current_span = Span(1, 1, 1, 1)
        self.facts = facts
        self.scopes: list[Scope] = [None]
        self.function_scopes: dict[str, _FunctionScope] = {}
        self.statement: Optional[cst.CSTNode] = None
        self.interned: dict[object, object] = {}
        self.star_import = False

    # ---------------------------------------------------------------- helpers
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def fn(self) -> Optional[_FunctionScope]:
        scope = self.scopes[-1]
        return scope if isinstance(scope, _FunctionScope) else None

    def span(self, node: cst.CSTNode) -> Span:
        """Where findings about ``node`` are reported: the statement it is part of."""
        return self.current_span

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def qualname(self, name: str) -> str:
        for scope in reversed(self.scopes):
            if scope is not None:
                return f"{scope.facts.qualname}.{name}"
        return name

    def import_of(self, name: str) -> Optional[Import]:
        return self.facts.imports.get(name)

    def is_taint_source(self, names: Iterable[str]) -> bool:
        for name in names:
            imp = self.import_of(name)
            if imp is None:
                continue
            qual = f"{imp.module}.{imp.name}" if imp.name else imp.module
            if qual in fm.TAINT_SOURCES:
                return True
            if not imp.name and imp.module in ("flask", "quart"):
                # ``flask.request.args``: the name ``flask`` is read; accept
                # only when the attribute is a context-local (checked by refs).
                continue
        return False

    def taint_of(self, info: _ExprInfo) -> frozenset[str]:
        fn = self.fn
        out: set[str] = set()
        if self.is_taint_source(info.names):
            out.add("request")
        for root, path in info.refs:
            imp = self.import_of(root)
            if imp is not None and not imp.name and path and f"{imp.module}{path[0]}" in fm.TAINT_SOURCES:
                out.add("request")
        if fn is not None:
            for name in info.names:
                if name in fn.tainted:
                    out |= fn.tainted[name]
                elif name in fn.facts.params:
                    out.add(f"param:{name}")
        return frozenset(out)

    # ----------------------------------------------------------- references
    def raw_ref(self, node: cst.BaseExpression) -> Optional[RawRef]:
        """The place an expression denotes, after local alias substitution."""
        steps: list[str] = []
        while True:
            if isinstance(node, cst.Attribute):
                steps.append("." + node.attr.value)
                node = node.value
            elif isinstance(node, cst.Subscript):
                if any(isinstance(el.slice, cst.Slice) for el in node.slice):
                    return None  # ``x[:]``, ``x[a:b]``: a copy
                steps.append("[]")
                node = node.value
            elif (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                  and node.func.attr.value in stdlib.ELEMENT_METHODS):
                steps.append("[]")
                node = node.func.value
            else:
                break
        if not isinstance(node, cst.Name):
            return None
        path = tuple(reversed(steps))
        fn = self.fn
        name = node.value
        if fn is not None and name in fn.aliases and name not in fn.global_names:
            base_root, base_path = fn.aliases[name]
            return base_root, base_path + path
        return name, path

    # --------------------------------------------------------------- scanning
    def scan(self, node: Optional[cst.CSTNode], *, test: bool = False) -> _ExprInfo:
        info = _ExprInfo()
        if node is not None:
            _Scanner(self, info, test).run(node)
            info.taint = self.taint_of(info)
        return info

    # ------------------------------------------------------------- recording
    def record_access(self, kind: str, ref: Optional[RawRef], detail: str, text: str,
                      value: Optional[_ExprInfo] = None, *, augmented: bool = False,
                      key: Optional[str] = None, constant_value: bool = False,
                      computed_value: bool = False, place: Optional[cst.BaseExpression] = None,
                      extra_key: Optional[cst.BaseExpression] = None) -> None:
        fn = self.fn
        if fn is None or ref is None or self.statement is None:
            return
        fn.accesses.append(_RawAccess(
            kind=kind, ref=ref, detail=detail, span=self.span(self.statement), text=text,
            locks=tuple(fn.locks), index=fn.index, augmented=augmented,
            value=value or _ExprInfo(), key=key, constant_value=constant_value,
            computed_value=computed_value, key_taint=self.key_taint(place, extra_key),
        ))

    def key_taint(self, place: Optional[cst.BaseExpression], extra: Optional[cst.BaseExpression]) -> frozenset[str]:
        """Where the keys that select the written place come from (``games[game_id].players``)."""
        out: set[str] = set()
        keys: list[cst.BaseExpression] = [extra] if extra is not None else []
        node = place
        while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
            if isinstance(node, cst.Subscript):
                keys.extend(el.slice.value for el in node.slice if isinstance(el.slice, cst.Index))
                node = node.value
            elif isinstance(node, cst.Attribute):
                node = node.value
            elif isinstance(node.func, cst.Attribute) and node.func.attr.value in stdlib.ELEMENT_METHODS and node.args:
                keys.append(node.args[0].value)
                node = node.func.value
            else:
                break
        fn = self.fn
        if isinstance(node, cst.Name) and fn is not None and node.value in fn.alias_key_taint:
            out |= fn.alias_key_taint[node.value]
        for key in keys:
            out |= self.scan_quiet(key).taint
        return frozenset(out)

    def record_call(self, node: cst.Call) -> None:
        fn = self.fn
        if fn is None:
            return
        callee = self.raw_ref(node.func) if isinstance(node.func, (cst.Name, cst.Attribute)) else None
        if callee is None:
            return
        args: list[tuple[Optional[RawRef], _ExprInfo]] = []
        kwargs: list[tuple[str, Optional[RawRef], _ExprInfo]] = []
        for arg in node.args:
            info = self.scan_quiet(arg.value)
            ref = self.raw_ref(arg.value) if isinstance(arg.value, (cst.Name, cst.Attribute, cst.Subscript)) else None
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, ref, info))
            elif not arg.star:
                args.append((ref, info))
        span = self.span(self.statement) if self.statement is not None else self.span(node)
        fn.calls.append(_RawCall(callee, span, tuple(fn.locks), args, kwargs))

    def scan_quiet(self, node: cst.CSTNode) -> _ExprInfo:
        """Names and references read, without recording calls or writes again."""
        info = _ExprInfo()
        _Reader(self, info).run(node)
        info.taint = self.taint_of(info)
        return info

    def record_registration(self, node: cst.Call, method: str) -> None:
        assert isinstance(node.func, cst.Attribute)
        receiver = dotted(node.func.value)
        position, keyword = fm.REGISTRATIONS.get(method, (0, "f"))
        positional = [a for a in node.args if a.keyword is None and not a.star]
        target_node: Optional[cst.BaseExpression] = None
        url: Optional[str] = None
        methods: tuple[str, ...] = ()
        for arg in node.args:
            if arg.keyword is not None:
                if arg.keyword.value == keyword:
                    target_node = arg.value
                elif arg.keyword.value == "methods":
                    methods = _string_list(arg.value)
                elif arg.keyword.value == "rule":
                    url = string_value(arg.value)
        if target_node is None and len(positional) > position:
            target_node = positional[position].value
        if method in fm.HOOK_REGISTRATIONS and (len(positional) != 1 or node.args[0].keyword is not None):
            return
        if method == "add_url_rule" and positional:
            url = string_value(positional[0].value)
        if method == "add_resource" and len(positional) > 1:
            url = string_value(positional[1].value)
        if target_node is None:
            return
        as_view = False
        if isinstance(target_node, cst.Call):
            func = target_node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "as_view":
                as_view = True
                target = dotted(func.value)
            else:
                # ``on_namespace(ChatNamespace("/chat"))``: the class is the target.
                target = dotted(func)
        else:
            target = dotted(target_node)
        if not target:
            return
        scope = self.fn.facts.qualname if self.fn is not None else ""
        self.facts.registrations.append(Registration(
            method=method, receiver=receiver, target=target, as_view=as_view, url=url,
            methods=methods, span=self.span(node), scope=scope,
        ))

    # ------------------------------------------------------------ statements
    def walk_block(self, body: Union[cst.BaseSuite, Sequence[cst.BaseStatement]],
                   ast_body: Optional[Sequence[ast.stmt]]) -> None:
        statements: Sequence[cst.CSTNode]
        if isinstance(body, cst.IndentedBlock):
            statements = body.body
        elif isinstance(body, cst.SimpleStatementSuite):
            statements = [body]
        else:
            statements = body  # type: ignore[assignment]
        fn = self.fn
        held_before = len(fn.locks) if fn is not None else 0
        cursor = self.positions.cursor(ast_body)
        for statement in statements:
            self.walk_statement(statement, cursor)
        # ``lock.acquire()`` holds until ``release()`` or the end of its block.
        if fn is not None and self.fn is fn:
            del fn.locks[held_before:]

    def walk_statement(self, node: cst.CSTNode, cursor: "_Cursor") -> None:
        fn = self.fn
        if fn is not None:
            fn.index += 1
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in node.body:
                self.statement = small
                self.current_span = cursor.next(small, _SMALL_AST.get(type(small), ast.stmt))
                self.walk_small(small)
            return
        self.statement = node
        twin = cursor.take(node, _COMPOUND_AST.get(type(node), ast.stmt))
        self.current_span = self.positions.span(node, twin)
        if isinstance(node, cst.FunctionDef):
            self.walk_function(node, twin)
        elif isinstance(node, cst.ClassDef):
            self.walk_class(node, twin)
        elif isinstance(node, cst.If):
            self.walk_if(node, twin)
        elif isinstance(node, cst.While):
            self.scan(node.test, test=True)
            self.walk_block(node.body, _body(twin))
            if node.orelse is not None:
                self.walk_block(node.orelse.body, _body(twin, "orelse"))
        elif isinstance(node, cst.For):
            self.walk_for(node, twin)
        elif isinstance(node, cst.With):
            self.walk_with(node, twin)
        elif isinstance(node, (cst.Try, cst.TryStar)):
            self.walk_block(node.body, _body(twin))
            handlers = getattr(twin, "handlers", None)
            for index, handler in enumerate(node.handlers):
                name = getattr(handler, "name", None)
                if name is not None:
                    self.bind_target(name.name, None, None)
                twin_body = handlers[index].body if handlers is not None else None
                self.walk_block(cast(cst.ExceptHandler, handler).body, twin_body)
            if node.orelse is not None:
                self.walk_block(node.orelse.body, _body(twin, "orelse"))
            if node.finalbody is not None:
                self.walk_block(node.finalbody.body, _body(twin, "finalbody"))
        elif isinstance(node, cst.Match):
            self.scan(node.subject)
            cases = getattr(twin, "cases", None)
            for index, case in enumerate(node.cases):
                self.walk_block(case.body, cases[index].body if cases is not None else None)

    def walk_if(self, node: cst.If, twin: Optional[ast.stmt]) -> None:
        if self.fn is None and _is_main_guard(node.test):
            return  # runs only as a script: never request-time, binds nothing shared
        self.scan(node.test, test=True)
        self.walk_block(node.body, _body(twin))
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            self.statement = orelse
            inner = _body(twin, "orelse")
            inner_if = inner[0] if inner else None
            self.current_span = self.positions.span(orelse, inner_if)
            self.walk_if(orelse, inner_if)
        elif isinstance(orelse, cst.Else):
            self.walk_block(orelse.body, _body(twin, "orelse"))

    def walk_for(self, node: cst.For, twin: Optional[ast.stmt]) -> None:
        info = self.scan(node.iter)
        iter_ref = self.raw_ref(node.iter) if isinstance(node.iter, (cst.Name, cst.Attribute, cst.Subscript)) else None
        if isinstance(node.iter, cst.Call) and isinstance(node.iter.func, cst.Attribute) \
                and node.iter.func.attr.value in ("values", "items") and self.fn is not None:
            iter_ref = self.raw_ref(node.iter.func.value)
        for target in _targets_of(node.target):
            element = (iter_ref[0], iter_ref[1] + ("[]",)) if iter_ref is not None else None
            self.bind_target(target, element if isinstance(node.target, cst.Name) or
                             isinstance(node.iter, cst.Call) else None, info)
        self.walk_block(node.body, _body(twin))
        if node.orelse is not None:
            self.walk_block(node.orelse.body, _body(twin, "orelse"))

    def walk_with(self, node: cst.With, twin: Optional[ast.stmt]) -> None:
        fn = self.fn
        pushed = 0
        for item in node.items:
            self.scan(item.item)
            lock = self.lock_of(item.item)
            if lock is not None and fn is not None:
                self.acquire(fn, lock, self.span(item.item))
                pushed += 1
            if item.asname is not None:
                for target in _targets_of(item.asname.name):
                    self.bind_target(target, None, None)
        self.walk_block(node.body, _body(twin))
        if fn is not None and pushed:
            del fn.locks[len(fn.locks) - pushed:]

    def lock_of(self, node: cst.BaseExpression) -> Optional[LockUse]:
        """The lock a ``with`` item or ``acquire()`` receiver may name (not yet numbered or placed).

        Whether it is a lock, and which, is the state model's to decide from
        the lock catalogue; here a call counts only if its name ends like
        one that makes a lock (``Lock``, ``FileLock``, ``lock``, ``gen_wlock``).
        Scope is not known yet: the root keeps its raw name, resolved with the rest.
        """
        fn = self.fn
        if fn is None:
            return None
        if isinstance(node, cst.Call):
            if _call_name(node) not in stdlib.LOCKS.call_names:
                return None
            called = self.raw_ref(node.func)
            if called is None:
                return None
            return LockUse(Ref(Root("raw", called[0]), called[1]), 0, self.current_span, made=True,
                           name=self.lock_name(node))
        raw = self.raw_ref(node)
        if raw is None:
            return None
        name, path = raw
        local = not path and name not in fn.global_names
        return LockUse(Ref(Root("raw", name), path), 0, self.current_span,
                       name=fn.lock_names.get(name, "") if local else "")

    def lock_name(self, node: Optional[cst.BaseExpression]) -> str:
        """The argument naming the lock a call makes, for lock types known by a name: a path, a key."""
        if not isinstance(node, cst.Call):
            return ""
        keywords = stdlib.LOCKS.naming_keywords.get(_call_name(node) or "")
        if keywords is None:
            return ""
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        named = [a.value for a in node.args if a.keyword is not None and a.keyword.value in keywords]
        for value in (positional or named)[:1]:
            text = string_value(value)
            return text if text is not None else " ".join(self.code(value).split())
        return ""

    def acquire(self, fn: _FunctionScope, seen: LockUse, span: Span) -> None:
        fn.acquisitions += 1
        use = replace(seen, acquisition=fn.acquisitions, span=span)
        fn.locks.append(use)
        # Made by this call, or by the call bound to a local: the state model
        # decides whether that makes one lock per request (FGL008).
        root, path = use.lock.root, use.lock.path
        ctor = fn.local_ctors.get(root.name, ()) if not path and root.name not in fn.global_names else ()
        if use.made or (ctor and ctor[-1] in stdlib.LOCKS.call_names):
            fn.facts.fresh_locks.append(use)

    def walk_small(self, node: cst.BaseSmallStatement) -> None:
        fn = self.fn
        if isinstance(node, cst.Expr):
            self.walk_expression_statement(node.value)
        elif isinstance(node, cst.Assign):
            info = self.scan(node.value)
            for assign_target in node.targets:
                single = isinstance(assign_target.target, (cst.Name, cst.Attribute, cst.Subscript))
                for element in _targets_of(assign_target.target):
                    self.assign(element, node.value if single else None, info)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                info = self.scan(node.value)
                self.assign(node.target, node.value, info)
        elif isinstance(node, cst.AugAssign):
            info = self.scan(node.value)
            self.assign(node.target, node.value, info, augmented=True)
        elif isinstance(node, cst.Del):
            for target in _targets_of(node.target):
                if isinstance(target, cst.Subscript):
                    self.scan(target.slice[0].slice if target.slice else None)
                    self.record_access("del", self.raw_ref(target.value), "del", f"del {self.short(target)}",
                                       place=target)
                elif isinstance(target, cst.Attribute):
                    self.record_access("del", self.raw_ref(target), "del", f"del {self.short(target)}",
                                       place=target)
                elif isinstance(target, cst.Name) and fn is not None and target.value not in fn.global_names:
                    fn.local_names.add(target.value)
        elif isinstance(node, cst.Global):
            if fn is not None:
                fn.global_names.update(n.name.value for n in node.names)
        elif isinstance(node, cst.Nonlocal):
            if fn is not None:
                fn.nonlocal_names.update(n.name.value for n in node.names)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            self.walk_import(node)
        elif isinstance(node, cst.Return):
            self.scan(node.value)
            if fn is not None and isinstance(node.value, cst.Name) and node.value.value in fn.local_defs:
                fn.facts.returns_nested = True
        elif isinstance(node, cst.Assert):
            self.scan(node.test, test=True)
        elif isinstance(node, cst.Raise):
            self.scan(node.exc)

    def walk_expression_statement(self, value: cst.BaseExpression) -> None:
        fn = self.fn
        if fn is not None and isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
            method = value.func.attr.value
            if method in ("acquire", "release") and not value.args:
                self.scan(value)
                lock = self.lock_of(value.func.value)
                if lock is None:
                    return
                if method == "acquire":
                    self.acquire(fn, lock, self.span(value))
                else:
                    for i in range(len(fn.locks) - 1, -1, -1):
                        if fn.locks[i].lock == lock.lock:
                            del fn.locks[i]
                            break
                return
        self.scan(value)

    def short(self, node: cst.CSTNode) -> str:
        text = " ".join(self.code(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    def assign(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression],
               info: _ExprInfo, *, augmented: bool = False) -> None:
        fn = self.fn
        scope = self.scope
        constant = value is not None and _is_constant(value)
        if isinstance(target, cst.Name):
            name = target.value
            if fn is None:
                if isinstance(scope, _ClassScope):
                    self.bind_class_attr(scope, name, value, target)
                elif value is not None and not augmented:
                    self.bind_module(name, value, target)
                return
            if name in fn.global_names or name in fn.nonlocal_names:
                op = "+=" if augmented else "="
                self.record_access("rebind", (name, ()), "=", f"{name} {op} ...", info,
                                   augmented=augmented, constant_value=constant)
                return
            self.bind_target(target, self.alias_of(value) if not augmented else None, info,
                             augmented=augmented, value=value)
        elif isinstance(target, cst.Attribute):
            self.scan(target.value)
            if fn is None:
                return
            ref = self.raw_ref(target)
            if ref is not None and ref[0] == fn.self_name and len(ref[1]) == 1 and not augmented:
                ctor = dotted(value.func) if isinstance(value, cst.Call) else ()
                fn.facts.self_attrs.setdefault(target.attr.value, ctor)
            op = "+=" if augmented else "="
            self.record_access("attr", ref, target.attr.value, f"{self.short(target)} {op} ...", info,
                               augmented=augmented, constant_value=constant, place=target)
        elif isinstance(target, cst.Subscript):
            self.scan(target.value)
            key_node = target.slice[0].slice if len(target.slice) == 1 else None
            key = None
            if isinstance(key_node, cst.Index):
                self.scan(key_node.value)
                key = self.code(key_node.value)
            op = "+=" if augmented else "="
            self.record_access("item", self.raw_ref(target.value), "[]", f"{self.short(target)} {op} ...",
                               info, augmented=augmented, key=key, constant_value=constant,
                               computed_value=_is_computed(value), place=target)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, None, info)

    def alias_of(self, value: Optional[cst.BaseExpression]) -> Optional[RawRef]:
        if isinstance(value, (cst.Name, cst.Attribute, cst.Subscript)):
            return self.raw_ref(value)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) \
                and value.func.attr.value in stdlib.ELEMENT_METHODS:
            return self.raw_ref(value)
        return None

    def bind_target(self, target: cst.BaseExpression, alias: Optional[RawRef],
                    info: Optional[_ExprInfo], *, augmented: bool = False,
                    value: Optional[cst.BaseExpression] = None) -> None:
        """A name bound in the current function: a local, maybe an alias of shared state."""
        fn = self.fn
        if not isinstance(target, cst.Name):
            if isinstance(target, (cst.Attribute, cst.Subscript)) and info is not None:
                self.assign(target, None, info)
            return
        name = target.value
        if fn is None:
            if not isinstance(self.scope, _ClassScope):
                self.facts.bindings.setdefault(name, Binding(name, "other", self.span(target)))
            return
        if name in fn.global_names or name in fn.nonlocal_names:
            self.record_access("rebind", (name, ()), "=", f"{name} = ...", info)
            return
        fn.local_names.add(name)
        if alias is not None and alias[0] != name:
            fn.aliases[name] = alias
            fn.alias_key_taint[name] = self.key_taint(value, None) if value is not None else NO_TAINT
        elif not augmented:
            fn.aliases.pop(name, None)
            fn.alias_key_taint.pop(name, None)
        if info is None and not augmented:
            # ``with open(p) as x``, ``except E as x``: a new value that says nothing of the old one.
            fn.tainted.pop(name, None)
            fn.derived.pop(name, None)
        if info is not None:
            taint = self.taint_of(info)
            if augmented:
                fn.tainted[name] = fn.tainted.get(name, NO_TAINT) | taint
                previous = fn.derived.get(name, ([], fn.index))[0]
                fn.derived[name] = (previous + info.refs, fn.index)
            else:
                fn.tainted[name] = taint
                fn.derived[name] = (list(info.refs), fn.index)
        if value is not None and not augmented:
            kind, ctor, container = classify_value(value)
            fn.local_ctors[name] = ctor if kind == "call" else ()
            fn.lock_names[name] = self.lock_name(value)
            fn.facts.bindings.setdefault(name, Binding(name, kind, self.span(target), ctor, container))

    def bind_module(self, name: str, value: cst.BaseExpression, target: cst.CSTNode) -> None:
        kind, ctor, container = classify_value(value)
        existing = self.facts.bindings.get(name)
        if existing is None or (existing.kind in ("scalar", "other") and kind in ("container", "call")):
            self.facts.bindings[name] = Binding(name, kind, self.span(target), ctor, container)

    def bind_class_attr(self, scope: _ClassScope, name: str, value: Optional[cst.BaseExpression],
                        target: cst.CSTNode) -> None:
        if value is None:
            return
        if name == "init_every_request" and isinstance(value, cst.Name):
            scope.facts.init_every_request = value.value == "True"
        kind, ctor, container = classify_value(value)
        scope.facts.attrs.setdefault(name, Binding(name, kind, self.span(target), ctor, container))

    def walk_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        fn = self.fn
        bound: list[tuple[str, Import]] = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = ".".join(dotted(alias.name)) if not isinstance(alias.name, cst.Name) else alias.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    bound.append((alias.asname.name.value, Import(full)))
                else:
                    bound.append((full.split(".")[0], Import(full.split(".")[0])))
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
                bound.append((local, Import(module, name)))
        for local, imp in bound:
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

    # ---------------------------------------------------- functions, classes
    def decorators(self, node: Union[cst.FunctionDef, cst.ClassDef]) -> tuple[Decorator, ...]:
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
                        methods = _string_list(arg.value)
            if name:
                out.append(Decorator(name, called, first, methods))
        return tuple(out)

    def walk_function(self, node: cst.FunctionDef, twin: Optional[ast.stmt]) -> None:
        parent = self.scope
        decorators = self.decorators(node)
        for dec in node.decorators:
            self.scan_quiet(dec.decorator)
        qualname = self.qualname(node.name.value)
        if isinstance(parent, _FunctionScope):
            parent.local_names.add(node.name.value)
            parent.local_defs[node.name.value] = qualname
            parent.aliases.pop(node.name.value, None)
        elif parent is None:
            self.facts.bindings[node.name.value] = Binding(node.name.value, "function", self.span(node.name))
        kind = "function"
        class_name = ""
        if isinstance(parent, _ClassScope):
            class_name = parent.facts.qualname
            plain = {d.name[-1] for d in decorators if len(d.name) == 1}
            kind = "staticmethod" if "staticmethod" in plain else "classmethod" if "classmethod" in plain else "method"
            parent.facts.methods[node.name.value] = qualname
        params = node.params
        all_params = [*params.posonly_params, *params.params, *params.kwonly_params]
        names = [p.name.value for p in all_params]
        if isinstance(params.star_arg, cst.Param):
            names.append(params.star_arg.name.value)
        if params.star_kwarg is not None:
            names.append(params.star_kwarg.name.value)
        mutable_defaults = []
        for p in all_params:
            if p.default is not None:
                self.scan_quiet(p.default)
                dkind, ctor, _ = classify_value(p.default)
                if dkind == "container" or (dkind == "call" and ".".join(ctor) in stdlib.CONTAINER_CONSTRUCTORS):
                    mutable_defaults.append((p.name.value, self.span(p)))
        facts = FunctionFacts(
            qualname=qualname, name=node.name.value, span=self.span(node.name),
            is_async=node.asynchronous is not None, class_name=class_name,
            parent=parent.facts.qualname if isinstance(parent, _FunctionScope) else "",
            kind=kind, params=tuple(names), mutable_defaults=tuple(mutable_defaults),
            decorators=decorators,
        )
        scope = _FunctionScope(facts, local_names=set(names))
        if kind == "method" and names:
            scope.self_name = names[0]
        elif kind == "classmethod" and names:
            scope.cls_name = names[0]
        self.facts.functions[qualname] = facts
        self.function_scopes[qualname] = scope
        saved, saved_span = self.statement, self.current_span
        self.scopes.append(scope)
        self.walk_block(node.body, _body(twin))
        self.scopes.pop()
        self.statement, self.current_span = saved, saved_span
        facts.nested = tuple(scope.local_defs.values())

    def walk_class(self, node: cst.ClassDef, twin: Optional[ast.stmt]) -> None:
        parent = self.scope
        qualname = self.qualname(node.name.value)
        bases = tuple(dotted(arg.value) for arg in node.bases if arg.keyword is None and dotted(arg.value))
        for arg in node.bases:
            self.scan_quiet(arg.value)
        facts = ClassFacts(qualname, node.name.value, self.span(node.name), bases, self.decorators(node))
        self.facts.classes[qualname] = facts
        if parent is None:
            self.facts.bindings[node.name.value] = Binding(node.name.value, "class", self.span(node.name))
        elif isinstance(parent, _FunctionScope):
            parent.local_names.add(node.name.value)
        saved, saved_span = self.statement, self.current_span
        self.scopes.append(_ClassScope(facts))
        self.walk_block(node.body, _body(twin))
        self.scopes.pop()
        self.statement, self.current_span = saved, saved_span

    # ------------------------------------------------------ scope resolution
    def finish(self) -> None:
        for scope in self.function_scopes.values():
            self.resolve_function(scope)
        self.prune()

    def prune(self) -> None:
        """Drop what no later stage can use: a large project's facts must fit in memory.

        Local bindings matter only to the closures of a function; a function
        that writes nothing, calls nothing and wraps nothing cannot lead to a
        finding.
        """
        for qualname, facts in list(self.facts.functions.items()):
            if not facts.nested:
                facts.bindings = {}
            if not (facts.accesses or facts.calls or facts.fresh_locks or facts.nested or facts.decorators
                    or facts.mutable_defaults or facts.self_attrs):
                del self.facts.functions[qualname]

    def is_builtin(self, name: str) -> bool:
        """A name no statement of this module binds, so it can only be a builtin."""
        facts = self.facts
        return (not self.star_import and name in _BUILTINS and name not in facts.bindings
                and name not in facts.imports)

    def intern(self, value: InternedT) -> InternedT:
        """One object per distinct Root/Ref: facts repeat the same few names thousands of times."""
        return self.interned.setdefault(value, value)  # type: ignore[return-value]

    def root_of(self, scope: _FunctionScope, name: str) -> Optional[Root]:
        facts = scope.facts
        if name in scope.global_names:
            return Root("global", name)
        if name in scope.nonlocal_names:
            owner = self.closure_owner(scope, name)
            return Root("closure", name, owner) if owner else None
        if name in scope.local_names:
            if name == scope.self_name:
                return Root("self", name, facts.class_name)
            if name == scope.cls_name:
                return Root("cls", name, facts.class_name)
            if name in facts.params:
                return Root("param", name, facts.qualname)
            return None
        owner = self.closure_owner(scope, name)
        if owner:
            return Root("closure", name, owner)
        return Root("global", name)

    def closure_owner(self, scope: _FunctionScope, name: str) -> str:
        parent = scope.facts.parent
        while parent:
            outer = self.function_scopes.get(parent)
            if outer is None:
                return ""
            if name in outer.global_names:
                return ""
            if name in outer.local_names and name not in outer.nonlocal_names:
                return parent
            parent = outer.facts.parent
        return ""

    def resolve_ref(self, scope: _FunctionScope, raw: RawRef) -> Optional[Ref]:
        root = self.root_of(scope, raw[0])
        if root is None:
            return None
        return self.intern(Ref(self.intern(root), raw[1]))

    def resolve_lock(self, scope: _FunctionScope, use: LockUse) -> LockUse:
        if use.lock.root.kind != "raw":
            return use
        root = self.root_of(scope, use.lock.root.name)
        if root is None:
            # A plain local: a lock made per call, unless we cannot tell.
            ctor = scope.local_ctors.get(use.lock.root.name, ())
            if len(ctor) >= 2 and scope.local_ctors.get(ctor[0]) and self.root_of(scope, ctor[0]) is None:
                # ``lock = r.lock("jobs")`` with ``r`` made here too: what made ``r``, then the call.
                ctor = scope.local_ctors[ctor[0]] + ("()",) + ctor[1:]
            root = Root("local", use.lock.root.name, ".".join(ctor))
        return replace(use, lock=Ref(root, use.lock.path))

    def resolve_function(self, scope: _FunctionScope) -> None:
        facts = scope.facts
        lock_cache: dict[int, LockUse] = {}

        def locks(uses: tuple[LockUse, ...]) -> tuple[LockUse, ...]:
            out = []
            for use in uses:
                if use.acquisition not in lock_cache:
                    lock_cache[use.acquisition] = self.resolve_lock(scope, use)
                out.append(lock_cache[use.acquisition])
            return tuple(out)

        facts.fresh_locks = [self.resolve_lock(scope, u) for u in facts.fresh_locks]
        await_indexes = [index for index, _ in scope.awaits]
        for raw in scope.accesses:
            ref = self.resolve_ref(scope, raw.ref)
            if ref is None:
                continue
            held = locks(raw.locks)
            access = Access(
                kind=raw.kind, target=ref, detail=raw.detail, span=raw.span, text=raw.text,
                locks=held, augmented=raw.augmented,
                read_modify_write=raw.augmented or self.reads_itself(scope, raw),
                taint=raw.value.taint, constant_value=raw.constant_value,
                computed_value=raw.computed_value, key_taint=raw.key_taint,
            )
            access = self.with_checks(scope, raw, access, await_indexes)
            facts.accesses.append(access)
        for call in scope.calls:
            local_function = ""
            if not call.callee[1] and call.callee[0] in scope.local_defs:
                local_function = scope.local_defs[call.callee[0]]
            elif not call.callee[1]:
                local_function = self.closure_function(scope, call.callee[0])
            callee = self.resolve_ref(scope, call.callee)
            if callee is not None and callee.root.kind == "global" and self.is_builtin(callee.root.name):
                continue  # ``len(x)``, ``str(y)``: nothing of the project runs
            if callee is None and len(call.callee[1]) == 1 and scope.local_ctors.get(call.callee[0]):
                # ``svc = Service(); svc.run()``: a method of an object made here.
                callee = Ref(Root("new", ".".join(scope.local_ctors[call.callee[0]])), call.callee[1])
            if callee is None and not local_function:
                continue
            if callee is None:
                callee = Ref(Root("local", call.callee[0]), call.callee[1])
            args = tuple(self.resolve_ref(scope, r) if r else None for r, _ in call.args)
            arg_taint = tuple(info.taint for _, info in call.args)
            facts.calls.append(Call(
                callee=callee, span=call.span, locks=locks(call.locks),
                # Empty when nothing shared or tainted is passed: the common case, stored small.
                args=args if any(args) else (),
                arg_taint=arg_taint if any(arg_taint) else (),
                kwargs=tuple((k, self.resolve_ref(scope, r) if r else None, info.taint)
                             for k, r, info in call.kwargs if r or info.taint),
                local_function=local_function,
            ))

    def closure_function(self, scope: _FunctionScope, name: str) -> str:
        owner = self.closure_owner(scope, name)
        if owner:
            return self.function_scopes[owner].local_defs.get(name, "")
        return ""

    def reads_itself(self, scope: _FunctionScope, raw: _RawAccess) -> bool:
        target = raw.ref
        if any(_related(ref, target) for ref in raw.value.refs):
            return True
        for name in raw.value.names:
            derived = scope.derived.get(name)
            if derived and derived[1] < raw.index and any(_related(ref, target) for ref in derived[0]):
                return True
        return False

    def with_checks(self, scope: _FunctionScope, raw: _RawAccess, access: Access,
                    await_indexes: list[int]) -> Access:
        target = raw.ref
        earlier = [t for t in scope.test_reads if t.index <= raw.index and _related(t.ref, target)]
        inner = raw.locks[-1].acquisition if raw.locks else None
        outside = None
        rechecked = False
        for t in earlier:
            acquisitions = {u.acquisition for u in t.locks}
            if inner is not None and inner in acquisitions:
                rechecked = True
            elif outside is None:
                outside = t.span
        memoizing = raw.kind == "item" and raw.key is not None and any(
            t.key == raw.key and t.ref == target for t in earlier)
        lazy = raw.kind == "rebind" and not access.read_modify_write and any(
            t.ref == target for t in earlier)
        stale = 0
        for name in raw.value.names:
            derived = scope.derived.get(name)
            if not derived or not any(_related(ref, target) for ref in derived[0]):
                continue
            for index, line in scope.awaits:
                if derived[1] < index <= raw.index:
                    stale = line
                    break
        return replace(access, check_outside_lock=outside, rechecked_under_lock=rechecked,
                       memoizing=memoizing, lazy_init=lazy, stale_after_await=stale)


# Calls that convert or construct rather than compute: their result is the data itself.
_NOT_COMPUTING = frozenset({
    "str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "frozenset",
    "defaultdict", "OrderedDict", "Counter", "deque", "get", "copy", "strip", "lower", "upper",
})


def _is_computed(value: Optional[cst.BaseExpression]) -> bool:
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call):
        return False
    name = dotted(value.func)
    if not name and isinstance(value.func, cst.Attribute):
        name = (value.func.attr.value,)
    return bool(name) and name[-1] not in _NOT_COMPUTING


def _call_name(node: cst.Call) -> Optional[str]:
    """``threading.Lock(...)`` -> ``Lock``; ``FileLock(...)`` -> ``FileLock``."""
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _related(a: RawRef, b: RawRef) -> bool:
    """Two references name the same state or one contains the other."""
    if a[0] != b[0]:
        return False
    n = min(len(a[1]), len(b[1]))
    return a[1][:n] == b[1][:n]


def _is_main_guard(test: cst.BaseExpression) -> bool:
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


class _Traversal:
    """A pre-order walk that calls ``visit_<Type>`` / ``leave_<Type>`` like a
    libcst visitor, without rebuilding nodes as ``CSTNode.visit`` does (the
    most expensive part of a libcst visit).  It keeps its own stack: implicit
    string concatenation nests one level per line, thousands deep in
    generated files."""

    def run(self, root: cst.CSTNode) -> None:
        stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            name = type(node).__name__
            if leaving:
                getattr(self, "leave_" + name)(node)
                continue
            visit = getattr(self, "visit_" + name, None)
            if visit is not None and visit(node) is False:
                continue
            if hasattr(self, "leave_" + name):
                stack.append((node, True))
            children: list[cst.CSTNode] = []
            for field_name in _child_fields(type(node)):
                value = getattr(node, field_name)
                if isinstance(value, cst.CSTNode):
                    children.append(value)
                elif isinstance(value, (list, tuple)):
                    children.extend(item for item in value if isinstance(item, cst.CSTNode))
            stack.extend((child, False) for child in reversed(children))


class _Reader(_Traversal):
    """Collects the names and references an expression reads."""

    def __init__(self, walker: _Walker, info: _ExprInfo) -> None:
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


class _Scanner(_Reader):
    """Like ``_Reader``, and also records calls, mutating method calls,
    registrations, awaits and (in tests) the state a condition inspects."""

    def __init__(self, walker: _Walker, info: _ExprInfo, test: bool) -> None:
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
        return True

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self.test:
            return
        left = node.left
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self.test_read(target.comparator, self.walker.code(left))
            left = target.comparator

    def test_read(self, node: cst.BaseExpression, key: Optional[str]) -> None:
        fn = self.walker.fn
        if fn is None or self.walker.statement is None:
            return
        ref = self.walker.raw_ref(node)
        if ref is None:
            return
        fn.test_reads.append(_TestRead(ref, key, tuple(fn.locks), fn.index, self.walker.span(node)))

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
            if method in stdlib.MUTATING_METHODS and walker.fn is not None:
                receiver = walker.raw_ref(func.value)
                values = [a.value for a in node.args]
                if method == "setdefault":
                    values = values[1:]
                elif method in ("pop", "remove", "discard", "popitem", "sort", "reverse", "clear"):
                    values = []
                info = _ExprInfo()
                for v in values:
                    sub = walker.scan_quiet(v)
                    info.names |= sub.names
                    info.refs += sub.refs
                    info.taint |= sub.taint
                key = walker.code(node.args[0].value) if method == "setdefault" and node.args else None
                walker.record_access("method", receiver, method, f"{walker.short(func)}(...)", info,
                                     key=key, constant_value=bool(values) and all(_is_constant(v) for v in values),
                                     place=func.value,
                                     extra_key=node.args[0].value if method == "setdefault" and node.args else None)
            if self.test and method == "get" and node.args:
                self.test_read(func.value, walker.code(node.args[0].value))
        walker.record_call(node)
        return True


# ---------------------------------------------------------------- positions
class _PositionMismatch(Exception):
    """The ast and libcst trees disagree (should not happen): use libcst's own positions."""


_SMALL_AST: dict[type, type] = {
    cst.Expr: ast.Expr, cst.Assign: ast.Assign, cst.AugAssign: ast.AugAssign, cst.AnnAssign: ast.AnnAssign,
    cst.Return: ast.Return, cst.Del: ast.Delete, cst.Pass: ast.Pass, cst.Break: ast.Break,
    cst.Continue: ast.Continue, cst.Global: ast.Global, cst.Nonlocal: ast.Nonlocal, cst.Import: ast.Import,
    cst.ImportFrom: ast.ImportFrom, cst.Raise: ast.Raise, cst.Assert: ast.Assert,
}
_COMPOUND_AST: dict[type, Union[type, tuple[type, ...]]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef), cst.ClassDef: ast.ClassDef, cst.If: ast.If,
    cst.While: ast.While, cst.For: (ast.For, ast.AsyncFor), cst.With: (ast.With, ast.AsyncWith),
    cst.Try: ast.Try,
}
if hasattr(ast, "TryStar"):
    _COMPOUND_AST[cst.TryStar] = ast.TryStar
if hasattr(ast, "Match"):
    _COMPOUND_AST[cst.Match] = ast.Match
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _body(twin: Optional[ast.stmt], name: str = "body") -> Optional[Sequence[ast.stmt]]:
    return getattr(twin, name, None) if twin is not None else None


class _Cursor:
    """Walks an ast statement list in step with the libcst statements of the same block."""

    def __init__(self, positions: "_Positions", statements: Optional[Sequence[ast.stmt]]) -> None:
        self.positions = positions
        self.statements = statements
        self.index = 0

    def take(self, node: cst.CSTNode, expected: Union[type, tuple[type, ...]]) -> Optional[ast.stmt]:
        if self.statements is None:
            return None
        if self.index >= len(self.statements) or not isinstance(self.statements[self.index], expected):
            raise _PositionMismatch(type(node).__name__)
        twin = self.statements[self.index]
        self.index += 1
        return twin

    def next(self, node: cst.CSTNode, expected: Union[type, tuple[type, ...]]) -> Span:
        return self.positions.span(node, self.take(node, expected))


class _Positions:
    """Statement positions.  Python's ``ast`` gives them ten times faster than
    libcst's PositionProvider (which renders the whole module); the provider is
    the fallback when ``ast`` cannot parse what libcst did."""

    def __init__(self, text: str, tree: cst.Module, module: Optional[ast.Module]) -> None:
        self.text = text
        self.tree = tree
        self.lines: Optional[list[str]] = None
        self.module = module
        self.provider: Optional[Mapping[cst.CSTNode, object]] = None
        if self.module is None:
            self.provider = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)

    def cursor(self, statements: Optional[Sequence[ast.stmt]]) -> _Cursor:
        return _Cursor(self, statements if self.provider is None else None)

    def span(self, node: cst.CSTNode, twin: Optional[ast.stmt]) -> Span:
        if twin is None:
            if self.provider is None:
                raise _PositionMismatch(type(node).__name__)
            rng = self.provider[node]
            return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)  # type: ignore
        end_line = twin.end_lineno or twin.lineno
        end_col = twin.end_col_offset if twin.end_col_offset is not None else twin.col_offset
        return Span(twin.lineno, self.column(twin.lineno, twin.col_offset) + 1,
                    end_line, self.column(end_line, end_col) + 1)

    def column(self, line: int, byte_offset: int) -> int:
        """ast counts UTF-8 bytes; report characters, like editors do."""
        if self.lines is None:
            self.lines = _LINE_BREAK.split(self.text)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))

    def root_statements(self) -> Optional[Sequence[ast.stmt]]:
        return self.module.body if self.module is not None else None


def facts_from_tree(tree: cst.Module, path: str, module: str, is_package: bool, text: str = "",
                    ast_module: Optional[ast.Module] = None, positions_from_ast: bool = True) -> ModuleFacts:
    """Facts of a parsed module; ``ast_module`` (the same source parsed by ``ast``) gives positions.

    ``positions_from_ast=False``: ``ast`` cannot parse this source (newer syntax), take libcst's.
    """
    text = text or tree.code
    if ast_module is None and positions_from_ast:
        try:
            from .syntax import parse_quietly

            ast_module = parse_quietly(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            ast_module = None
    for twin in (ast_module, None):
        facts = ModuleFacts(path=path, module=module, is_package=is_package)
        positions = _Positions(text, tree, twin)
        walker = _Walker(tree, facts, positions)
        try:
            walker.walk_block(tree.body, positions.root_statements())
        except _PositionMismatch:
            continue
        walker.finish()
        return facts
    raise AssertionError("libcst positions cannot mismatch")  # pragma: no cover
