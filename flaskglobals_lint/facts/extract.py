"""One walk over a libcst tree that turns a module into ``ModuleFacts``.

The walk keeps its own small scope model (in the manner of pyflakes): a stack
of module / class / function scopes, each knowing the names it binds.  Writes,
calls and lock acquisitions are recorded as the code spells them
(``recorder``, ``binder``); once the whole module has been seen, every root
name is classified by scope (``scopes.Resolver``), because only then is it
known which names a function binds locally.
"""
from __future__ import annotations

import ast
from typing import Any, Callable, Optional, Sequence, Union, cast

import libcst as cst

from ..frameworks import stdlib
from . import guards, values
from .binder import Binder
from .extensions import record_extensions
from .model import Binding, ClassFacts, FunctionFacts, FunctionKind, ModuleFacts
from .positions import COMPOUND_AST, SMALL_AST, Cursor, PositionMismatch, Positions, body_of
from .scanner import classify_value, decorators_of, dotted, is_main_guard, string_value, targets_of
from .scopes import ClassScope, FunctionScope, Resolver


class Walker(Binder):
    """Walks statements in order, each by the method its type dispatches to."""

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

    def walk_statement(self, node: cst.CSTNode, cursor: Cursor) -> None:
        fn = self.fn
        if fn is not None:
            fn.index += 1
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in node.body:
                self.statement = small
                self.current_span = cursor.next(small, SMALL_AST.get(type(small), ast.stmt))
                walk_small = _SMALL.get(type(small))
                if walk_small is not None:
                    walk_small(self, small)
            return
        self.statement = node
        twin = cursor.take(node, COMPOUND_AST.get(type(node), ast.stmt))
        self.current_span = self.positions.span(node, twin)
        walk_compound = _COMPOUND.get(type(node))
        if walk_compound is not None:
            walk_compound(self, node, twin)

    # ----------------------------------------------------- compound statements
    def walk_if(self, node: cst.If, twin: Optional[ast.stmt]) -> None:
        if self.fn is None and is_main_guard(node.test):
            return  # runs only as a script: never request-time, binds nothing shared
        self.scan(node.test, test=True)
        depth = guards.enter(self.fn, node.test)
        self.walk_block(node.body, body_of(twin))
        guards.leave(self.fn, depth)
        orelse = node.orelse
        depth = guards.enter(self.fn, node.test, negate=True)
        if isinstance(orelse, cst.If):
            self.statement = orelse
            inner = body_of(twin, "orelse")
            inner_if = inner[0] if inner else None
            self.current_span = self.positions.span(orelse, inner_if)
            self.walk_if(orelse, inner_if)
        elif isinstance(orelse, cst.Else):
            self.walk_block(orelse.body, body_of(twin, "orelse"))
        guards.leave(self.fn, depth)

    def walk_while(self, node: cst.While, twin: Optional[ast.stmt]) -> None:
        self.scan(node.test, test=True)
        self.walk_block(node.body, body_of(twin))
        if node.orelse is not None:
            self.walk_block(node.orelse.body, body_of(twin, "orelse"))

    def walk_for(self, node: cst.For, twin: Optional[ast.stmt]) -> None:
        info = self.scan(node.iter)
        iter_ref = self.raw_ref(node.iter) if isinstance(node.iter, (cst.Name, cst.Attribute, cst.Subscript)) else None
        if isinstance(node.iter, cst.Call) and isinstance(node.iter.func, cst.Attribute) \
                and node.iter.func.attr.value in ("values", "items") and self.fn is not None:
            iter_ref = self.raw_ref(node.iter.func.value)
        # ``for item in parts[t]``, ``parts`` computed here: each element is computed too
        computed_from = self.made_by(node.iter) if self.computed(node.iter) else None
        for target in targets_of(node.target):
            element = (iter_ref[0], iter_ref[1] + ("[]",)) if iter_ref is not None else None
            self.bind_target(target, element if isinstance(node.target, cst.Name) or
                             isinstance(node.iter, cst.Call) else None, info)
            if computed_from is not None and isinstance(target, cst.Name) and self.fn is not None:
                self.fn.computed[target.value] = computed_from
        self.walk_block(node.body, body_of(twin))
        if node.orelse is not None:
            self.walk_block(node.orelse.body, body_of(twin, "orelse"))

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
                for target in targets_of(item.asname.name):
                    self.bind_target(target, None, None)
        self.walk_block(node.body, body_of(twin))
        if fn is not None and pushed:
            del fn.locks[len(fn.locks) - pushed:]

    def walk_try(self, node: Union[cst.Try, cst.TryStar], twin: Optional[ast.stmt]) -> None:
        self.walk_block(node.body, body_of(twin))
        handlers = getattr(twin, "handlers", None)
        for index, handler in enumerate(node.handlers):
            name = getattr(handler, "name", None)
            if name is not None:
                self.bind_target(name.name, None, None)
            twin_body = handlers[index].body if handlers is not None else None
            fn = self.fn
            if fn is not None:
                fn.handlers += 1
                fn.caught.append(name.name.value if name is not None and isinstance(name.name, cst.Name) else "")
            self.walk_block(cast(cst.ExceptHandler, handler).body, twin_body)
            if fn is not None:
                fn.handlers -= 1
                fn.caught.pop()
        if node.orelse is not None:
            self.walk_block(node.orelse.body, body_of(twin, "orelse"))
        if node.finalbody is not None:
            self.walk_block(node.finalbody.body, body_of(twin, "finalbody"))

    def walk_match(self, node: cst.Match, twin: Optional[ast.stmt]) -> None:
        self.scan(node.subject)
        cases = getattr(twin, "cases", None)
        for index, case in enumerate(node.cases):
            self.walk_block(case.body, cases[index].body if cases is not None else None)

    # ------------------------------------------------------ functions, classes
    def walk_function(self, node: cst.FunctionDef, twin: Optional[ast.stmt]) -> None:
        parent = self.scope
        decorators = decorators_of(node)
        for dec in node.decorators:
            self.scan_quiet(dec.decorator)
        qualname = self.qualname(node.name.value)
        if isinstance(parent, FunctionScope):
            parent.local_names.add(node.name.value)
            parent.local_defs[node.name.value] = qualname
            parent.aliases.pop(node.name.value, None)
        elif parent is None:
            self.facts.bindings[node.name.value] = Binding(node.name.value, "function", self.span(node.name))
        kind: FunctionKind = "function"
        class_name = ""
        if isinstance(parent, ClassScope):
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
            parent=parent.facts.qualname if isinstance(parent, FunctionScope) else "",
            kind=kind, params=tuple(names), mutable_defaults=tuple(mutable_defaults),
            decorators=decorators, param_defaults=guards.constant_defaults(all_params),
        )
        scope = FunctionScope(facts, local_names=set(names))
        if kind == "method" and names:
            scope.self_name = names[0]
        elif kind == "classmethod" and names:
            scope.cls_name = names[0]
        self.facts.functions[qualname] = facts
        self.function_scopes[qualname] = scope
        saved, saved_span = self.statement, self.current_span
        self.scopes.append(scope)
        self.walk_block(node.body, body_of(twin))
        self.scopes.pop()
        self.statement, self.current_span = saved, saved_span
        facts.nested = tuple(scope.local_defs.values())

    def walk_class(self, node: cst.ClassDef, twin: Optional[ast.stmt]) -> None:
        parent = self.scope
        qualname = self.qualname(node.name.value)
        bases = tuple(dotted(arg.value) for arg in node.bases if arg.keyword is None and dotted(arg.value))
        for arg in node.bases:
            self.scan_quiet(arg.value)
        facts = ClassFacts(qualname, node.name.value, self.span(node.name), bases, decorators_of(node))
        self.facts.classes[qualname] = facts
        if parent is None:
            self.facts.bindings[node.name.value] = Binding(node.name.value, "class", self.span(node.name))
        elif isinstance(parent, FunctionScope):
            parent.local_names.add(node.name.value)
        saved, saved_span = self.statement, self.current_span
        self.scopes.append(ClassScope(facts))
        self.walk_block(node.body, body_of(twin))
        self.scopes.pop()
        self.statement, self.current_span = saved, saved_span

    # -------------------------------------------------------- small statements
    def walk_expression(self, node: cst.Expr) -> None:
        value = node.value
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
        self.note_cooperative(value)
        self.scan(value)

    def note_cooperative(self, value: cst.BaseExpression) -> None:
        """At import time: a monkey-patch; anywhere: a Socket.IO server on greenlets
        (``ModuleFacts.cooperative``) and the app's own greenlet server (``ModuleFacts.serves``)."""
        if not isinstance(value, cst.Call):
            return
        made: cst.BaseExpression = value  # ``WSGIServer(...).serve_forever()``: the server made first
        while isinstance(made, cst.Call) and not self.facts.serves:
            made_name = dotted(made.func)
            if made_name and self.qualified(made_name) in stdlib.GREENLET_SERVERS:
                self.facts.serves = f"{'.'.join(made_name)}()"
            made = made.func.value if isinstance(made.func, cst.Attribute) else made.func
        if self.facts.cooperative:
            return
        name = dotted(value.func)
        qual = self.qualified(name)
        if qual in stdlib.MONKEY_PATCHES and self.fn is None:
            self.facts.cooperative = f"{'.'.join(name)}()"
        elif qual == "flask_socketio.SocketIO" or name and name[-1] == "init_app" and len(name) > 1:
            # The Socket.IO server's mode, also where an app factory sets it up
            # (``socketio.init_app(app, async_mode="gevent")`` in ``create_app()``).
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value == "async_mode":
                    mode = string_value(arg.value)
                    if mode in stdlib.COOPERATIVE_ASYNC_MODES:
                        server = "SocketIO" if qual == "flask_socketio.SocketIO" else ".".join(name)
                        self.facts.cooperative = f"{server}(async_mode={mode!r})"

    def walk_assign(self, node: cst.Assign) -> None:
        self.note_cooperative(node.value)
        info = self.scan(node.value)
        for assign_target in node.targets:
            single = isinstance(assign_target.target, (cst.Name, cst.Attribute, cst.Subscript))
            for element in targets_of(assign_target.target):
                self.assign(element, node.value if single else None, info)

    def walk_annotated_assign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            info = self.scan(node.value)
            self.assign(node.target, node.value, info)

    def walk_augmented_assign(self, node: cst.AugAssign) -> None:
        operator = cst.Module([]).code_for_node(node.operator).strip() or "+="
        self.assign(node.target, node.value, self.scan(node.value), augmented=True, operator=operator)

    def walk_del(self, node: cst.Del) -> None:
        fn = self.fn
        for target in targets_of(node.target):
            if isinstance(target, cst.Subscript):
                self.scan(target.slice[0].slice if target.slice else None)
                self.record_access("del", self.raw_ref(target.value), "del", f"del {self.short(target)}",
                                   place=target)
            elif isinstance(target, cst.Attribute):
                self.record_access("del", self.raw_ref(target), "del", f"del {self.short(target)}",
                                   place=target)
            elif isinstance(target, cst.Name) and fn is not None and target.value not in fn.global_names:
                fn.local_names.add(target.value)

    def walk_global(self, node: cst.Global) -> None:
        if self.fn is not None:
            self.fn.global_names.update(n.name.value for n in node.names)

    def walk_nonlocal(self, node: cst.Nonlocal) -> None:
        if self.fn is not None:
            self.fn.nonlocal_names.update(n.name.value for n in node.names)

    def walk_return(self, node: cst.Return) -> None:
        info = self.scan(node.value)
        if self.fn is not None:
            values.note_return(self, self.fn, node.value, info)

    def walk_assert(self, node: cst.Assert) -> None:
        self.scan(node.test, test=True)

    def walk_raise(self, node: cst.Raise) -> None:
        self.scan(node.exc)


# The method that walks each kind of statement; a statement not listed binds and records nothing.
_COMPOUND: dict[type, Callable[[Walker, Any, Optional[ast.stmt]], None]] = {
    cst.FunctionDef: Walker.walk_function, cst.ClassDef: Walker.walk_class, cst.If: Walker.walk_if,
    cst.While: Walker.walk_while, cst.For: Walker.walk_for, cst.With: Walker.walk_with,
    cst.Try: Walker.walk_try, cst.TryStar: Walker.walk_try, cst.Match: Walker.walk_match,
}
_SMALL: dict[type, Callable[[Walker, Any], None]] = {
    cst.Expr: Walker.walk_expression, cst.Assign: Walker.walk_assign, cst.AnnAssign: Walker.walk_annotated_assign,
    cst.AugAssign: Walker.walk_augmented_assign, cst.Del: Walker.walk_del, cst.Global: Walker.walk_global,
    cst.Nonlocal: Walker.walk_nonlocal, cst.Import: Walker.walk_import, cst.ImportFrom: Walker.walk_import,
    cst.Return: Walker.walk_return, cst.Assert: Walker.walk_assert, cst.Raise: Walker.walk_raise,
}


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
        positions = Positions(text, tree, twin)
        walker = Walker(tree, facts, positions)
        try:
            walker.walk_block(tree.body, positions.root_statements())
        except PositionMismatch:
            continue
        Resolver(facts, walker.function_scopes, walker.star_import).run()
        facts.filled_keys = tuple(sorted(walker.filled_keys))
        record_extensions(facts, text, twin, positions.column)
        return facts
    raise AssertionError("libcst positions cannot mismatch")  # pragma: no cover
