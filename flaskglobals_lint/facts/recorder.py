"""What the statement walker records as it goes: writes, calls, registrations and locks.

``Recorder`` holds the walk's state (the scope stack, the statement being
walked and where it is) and records into the current function's scope, as
the code spells it; ``scopes.Resolver`` classifies the names later.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Optional, Sequence

import libcst as cst

from ..frameworks import flask as fm
from ..frameworks import stdlib
from .model import AccessKind, Import, LockUse, ModuleFacts, Ref, Registration, Root, Span
from .positions import Positions
from . import values
from .guards import constant_code
from .scanner import Reader, Scanner, call_fills, call_name, dotted, is_computed, string_list, string_value
from .scopes import ExprInfo, FunctionScope, RawAccess, RawCall, RawRef, Scope, hands_out


class Recorder:
    """The walk's state, and the records it makes; expressions are scanned by ``Scanner``."""

    def __init__(self, tree: cst.Module, facts: ModuleFacts, positions: Positions) -> None:
        self.module = tree
        self.positions = positions
        self.current_span = Span(1, 1, 1, 1)
        self.facts = facts
        self.scopes: list[Scope] = [None]
        self.function_scopes: dict[str, FunctionScope] = {}
        self.statement: Optional[cst.CSTNode] = None
        self.star_import, self.filled_keys = False, set[str]()

    # ---------------------------------------------------------------- helpers
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def fn(self) -> Optional[FunctionScope]:
        scope = self.scopes[-1]
        return scope if isinstance(scope, FunctionScope) else None

    def span(self, node: cst.CSTNode) -> Span:
        """Where findings about ``node`` are reported: the statement it is part of."""
        return self.current_span

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def one_line(self, node: cst.CSTNode) -> str:
        """The node's code with its whitespace runs (newlines too) as single spaces."""
        return " ".join(self.code(node).split())

    def qualname(self, name: str) -> str:
        for scope in reversed(self.scopes):
            if scope is not None:
                return f"{scope.facts.qualname}.{name}"
        return name

    def import_of(self, name: str) -> Optional[Import]:
        return self.facts.imports.get(name)

    def qualified(self, parts: Sequence[str]) -> str:
        """``("request", "sid")`` -> ``"flask.request.sid"`` through this module's imports; '' when the
        first name is not imported."""
        imp = self.import_of(parts[0]) if parts else None
        if imp is None:
            return ""
        return ".".join((f"{imp.module}.{imp.name}" if imp.name else imp.module, *parts[1:]))

    def is_taint_source(self, names: Iterable[str]) -> bool:
        for name in names:
            imp = self.import_of(name)
            if imp is None:
                continue
            if self.qualified((name,)) in fm.TAINT_SOURCES:
                return True
            if not imp.name and imp.module in ("flask", "quart"):
                # ``flask.request.args``: the name ``flask`` is read; accept
                # only when the attribute is a context-local (checked by refs).
                continue
        return False

    def taint_of(self, info: ExprInfo) -> frozenset[str]:
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
        """The place an expression denotes, after local alias substitution (``task[0]`` of
        ``task = [t for t in tasks if ...]`` is an element of ``tasks``)."""
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
        path, fn, name = tuple(reversed(steps)), self.fn, node.value
        alias = fn and name not in fn.global_names and (
            fn.aliases.get(name) or path[:1] == ("[]",) and fn.element_aliases.get(name))
        if alias:
            return alias[0], alias[1] + path
        return name, path

    # --------------------------------------------------------------- scanning
    def scan(self, node: Optional[cst.CSTNode], *, test: bool = False) -> ExprInfo:
        info = ExprInfo()
        if node is not None:
            Scanner(self, info, test).run(node)
            info.taint = self.taint_of(info)
            fn = self.fn
            if fn is not None:
                keyless = list(info.refs)
                for container, key, step in info.keyed:
                    for seen in (container, (container[0], container[1] + (step,))):
                        if seen in keyless:
                            keyless.remove(seen)
                    fn.reads.append((container, key))
                fn.reads.extend((ref, "") for ref in keyless)
                fn.reads.extend(((name, ()), "") for name in info.names
                                if name not in fn.local_names and name not in fn.facts.params)
        return info

    # ------------------------------------------------------------- recording
    def record_access(self, kind: AccessKind, ref: Optional[RawRef], detail: str, text: str,
                      value: Optional[ExprInfo] = None, *, place: Optional[cst.BaseExpression] = None,
                      extra_key: Optional[cst.BaseExpression] = None, stored: Optional[cst.BaseExpression] = None,
                      **flags: Any) -> None:
        """One write.  ``flags``: the ``RawAccess`` fields that describe it as the caller saw it
        (``augmented``, ``key``, ``computed_value``, ``value_text``, ``settles``...)."""
        fn, entry = self.fn, values.note_filled_key(self, kind, detail, ref, place, flags)
        if fn is None or ref is None or self.statement is None:
            return
        if ref[1] or kind != "rebind":
            fn.deterministic.pop(ref[0], None)  # ``parts = dict(); parts[k] = v``: no longer as made
            fn.filters.pop(ref[0], None)
        fn.accesses.append(RawAccess(
            kind=kind, ref=_handed_out(fn, ref), detail=detail, span=self.span(self.statement), text=text,
            locks=tuple(fn.locks), index=fn.index, value=value or ExprInfo(),
            key_taint=self.key_taint(place, extra_key), on_failure=fn.handlers > 0,
            **_stored(self, stored), entry=entry, **_under(fn, kind, value, flags), **flags))

    def key_taint(self, place: Optional[cst.BaseExpression], extra: Optional[cst.BaseExpression]) -> frozenset[str]:
        return values.key_taint(self, place, extra)

    def value_text(self, node: Optional[cst.BaseExpression], *, stored: bool = True) -> str:
        return values.value_text(self, node, stored=stored)

    def computed(self, node: Optional[cst.BaseExpression]) -> bool:
        """The value is made by a call, here or in the locals it reads (``is_computed``)."""
        fn = self.fn
        if fn is None:
            return is_computed(node)
        return is_computed(node, fn.computed.keys(), fn.deterministic.keys())

    def made_by(self, node: Optional[cst.BaseExpression]) -> tuple[int, ...]:
        return values.made_by(self, node)

    def note_fill(self, ref: Optional[RawRef], stored: Optional[Sequence[cst.BaseExpression]]) -> None:
        values.note_fill(self, ref, stored)

    def is_connection_id(self, node: cst.BaseExpression) -> bool:
        return values.is_connection_id(self, node)

    def record_call(self, node: cst.Call, in_test: bool = False) -> None:
        fn = self.fn
        if fn is None:
            return
        callee = _callee(self, fn, node.func)
        if callee is None:
            name = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
            fn.other_calls.append((fn.index, self.span(node).line, name))
            return
        args: list[tuple[Optional[RawRef], ExprInfo]] = []
        kwargs: list[tuple[str, Optional[RawRef], ExprInfo]] = []
        for arg in node.args:
            info = self.scan_quiet(arg.value)
            ref = self.raw_ref(arg.value) if isinstance(arg.value, (cst.Name, cst.Attribute, cst.Subscript)) else None
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, ref, info))
            elif not arg.star:
                args.append((ref, info))
        fn.facts.published += values.broadcast(self, callee, node)
        span = self.span(self.statement) if self.statement is not None else self.span(node)
        fn.calls.append(RawCall(callee, span, tuple(fn.locks), args, kwargs, fn.index, call_fills(node), in_test,
                                tuple(fn.guards), *_constants(node)))

    def scan_quiet(self, node: cst.CSTNode) -> ExprInfo:
        """Names and references read, without recording calls or writes again."""
        info = ExprInfo()
        Reader(self, info).run(node)
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
                    methods = string_list(arg.value)
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
        as_view = made = False
        if isinstance(target_node, cst.Call):
            func = target_node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "as_view":
                as_view = True
                target = dotted(func.value)
            else:
                # ``on_namespace(ChatNamespace("/chat"))``, ``view_func=make_view("a")``: what it makes.
                target, made = dotted(func), True
        else:
            target = dotted(target_node)
        if not target:
            return
        scope = self.fn.facts.qualname if self.fn is not None else ""
        self.facts.registrations.append(Registration(
            method=method, receiver=receiver, target=target, as_view=as_view, url=url,
            methods=methods, span=self.span(node), scope=scope, made=made,
        ))

    # ----------------------------------------------------------------- locks
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
            if call_name(node) not in stdlib.LOCKS.call_names:
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
        keywords = stdlib.LOCKS.naming_keywords.get(call_name(node) or "")
        if keywords is None:
            return ""
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        named = [a.value for a in node.args if a.keyword is not None and a.keyword.value in keywords]
        for value in (positional or named)[:1]:
            text = string_value(value)
            return text if text is not None else self.one_line(value)
        return ""

    def acquire(self, fn: FunctionScope, seen: LockUse, span: Span) -> None:
        fn.acquisitions += 1
        use = replace(seen, acquisition=fn.acquisitions, span=span)
        fn.locks.append(use)
        # Made by this call, or by the call bound to a local: the state model
        # decides whether that makes one lock per request (FGL008).
        root, path = use.lock.root, use.lock.path
        ctor = fn.local_ctors.get(root.name, ()) if not path and root.name not in fn.global_names else ()
        if use.made or (ctor and ctor[-1] in stdlib.LOCKS.call_names):
            fn.facts.fresh_locks.append(use)

    def short(self, node: cst.CSTNode) -> str:
        return text if len(text := self.one_line(node)) <= 60 else text[:57] + "..."


def _callee(rec: Recorder, fn: FunctionScope, func: cst.BaseExpression) -> Optional[RawRef]:
    """What a call calls, as a place: ``f``, ``obj.m``; ``STORES[name]`` and ``STORES.get(name)``
    (an element of a registry); ``get_storage().incr`` (a method of what a call returned, as for
    ``s = get_storage(); s.incr(k)``: the receiver is a local the call made)."""
    element = isinstance(func, cst.Subscript) or (
        isinstance(func, cst.Call) and isinstance(func.func, cst.Attribute)
        and func.func.attr.value in stdlib.ELEMENT_METHODS)
    if isinstance(func, (cst.Name, cst.Attribute)) or element:
        callee = rec.raw_ref(func)
        if callee is not None:
            return callee
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and (made_by := dotted(func.value.func)):
        return _pseudo_local(fn, made_by), ("." + func.attr.value,)
    return None


def _pseudo_local(fn: FunctionScope, made_by: tuple[str, ...]) -> str:
    """A local standing for what the call ``made_by`` returned (``get_storage()``), named after the
    call: not an identifier, so no local of the function can have it."""
    name = ".".join(made_by) + "()"
    fn.local_names.add(name)
    fn.local_ctors[name] = made_by
    return name


def _stored(rec: Recorder, stored: Optional[cst.BaseExpression]) -> dict[str, Any]:
    """What a write stores: its code (``Access.stored``) and the callee of the call that made it
    (``Access.made_with``): ``Game(...)``, or a local bound to one (``game = Game()``)."""
    fn = rec.fn
    made_with: tuple[str, ...] = ()
    if isinstance(stored, cst.Call):
        made_with = dotted(stored.func)
    elif isinstance(stored, cst.Name) and fn is not None and stored.value not in fn.global_names:
        made_with = fn.local_ctors.get(stored.value, ())
    return {"stored": values.stored_code(rec, stored), "made_with": made_with}


def _handed_out(fn: FunctionScope, ref: RawRef) -> RawRef:
    """``ins = cls.get_instance(); ins.num += 1``: a write below an attribute of the object a call
    returned, made through a pseudo-local named after the call (as ``_callee`` names
    ``get_storage().incr``), so the state model can ask what the call hands out.  Not after a
    class call (``u = User(); u.name = n``): a constructor makes a new object."""
    name, path = ref
    if not path or not path[0].startswith(".") or name not in fn.local_names or name in fn.global_names \
            or name in (fn.self_name, fn.cls_name) or name in fn.class_aliases or name in fn.facts.params:
        return ref
    made_by = fn.local_ctors.get(name, ())
    return (_pseudo_local(fn, made_by), path) if hands_out(made_by) else ref


# What an error record may call on the exception it stores: ``str(exc)``, ``repr(exc)``.
_ERROR_TEXT = frozenset({"str", "repr", "type"})


def _under(fn: FunctionScope, kind: str, value: Optional[ExprInfo], flags: dict[str, Any]) -> dict[str, Any]:
    """What a write runs under: the tests of parameters (``guards``), and an ``except ... as exc``
    whose catch is the value stored, and nothing else (``error_record``)."""
    names = set(fn.caught) - {""}
    record = kind in ("item", "attr", "rebind") and not flags.get("augmented") and value is not None \
        and not value.taint and bool(value.names & names) and value.names <= names | _ERROR_TEXT
    return {"guards": tuple(fn.guards), "error_record": record}


def _constants(node: cst.Call) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """``Call.arg_consts`` and ``Call.kwarg_consts``; nothing after a ``*args`` (what it fills is unknown)."""
    positional: list[str] = []
    named: list[tuple[str, str]] = []
    for arg in node.args:
        if arg.star:
            break
        code = constant_code(arg.value)
        if arg.keyword is not None:
            if code:
                named.append((arg.keyword.value, code))
        else:
            positional.append(code)
    if not any(positional):
        positional = []
    return tuple(positional), tuple(named)
