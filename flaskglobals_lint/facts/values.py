"""What a stored value is, as far as its code tells: the same on every call, the current time,
the requester's own connection id.  Read by the binder and the scanner as they record writes."""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

import libcst as cst

from ..frameworks import flask as fm
from ..frameworks import stdlib
from .model import TIMESTAMP, key_text, literal_key
from .scanner import call_name, dotted, element_read, is_constant, is_empty_container, is_node, is_plain, type_test

if TYPE_CHECKING:
    from .recorder import Recorder
    from .scopes import ExprInfo, FunctionScope, RawRef


def value_text(rec: "Recorder", node: Optional[cst.BaseExpression], *, stored: bool = True) -> str:
    """The value's code if it is the same on every call: built from literals, module-level names
    and their attributes, and calls of functions on such values; else ''.

    Locals count when they were bound to such a value; parameters, request data,
    constructors (``Game(...)``) and calls such as ``time()`` or ``uuid4()`` never do.
    ``stored``: the value itself is stored, so a new container is not the same twice (an
    argument such as ``update({"a": 1})``'s is copied from, and may be).
    """
    if node is None or (stored and isinstance(node, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp,
                                                     cst.SetComp, cst.GeneratorExp))):
        return ""  # a new object each time: storing it drops what others put in the old one
    if isinstance(node, cst.Call):
        name = dotted(node.func)
        if name and name[-1] in stdlib.TIMESTAMP_CALLS and len(name) > 1 \
                and all(not rec.scan_quiet(a.value).taint for a in node.args):
            return TIMESTAMP  # every writer stores "now": the last one wins, nothing is lost
    fn = rec.fn
    texts: list[str] = []
    for sub in expressions(node):
        if isinstance(sub, cst.Name):
            if fn is not None and sub.value in fn.deterministic:
                texts.append(fn.deterministic[sub.value])
                continue
            if fn is not None and (sub.value in fn.local_names or sub.value in fn.facts.params
                                   or sub.value in fn.global_names or sub.value in fn.nonlocal_names
                                   or sub.value in (fn.self_name, fn.cls_name)):
                return ""  # a local, or state this function writes: not the same every time
            imp = rec.import_of(sub.value)
            if rec.is_taint_source((sub.value,)) or (imp is not None and imp.module in ("flask", "quart")
                                                      and not imp.name):
                return ""
        elif isinstance(sub, cst.Call):
            name = dotted(sub.func) or ((sub.func.attr.value,) if isinstance(sub.func, cst.Attribute) else ())
            if not name or name[-1] in stdlib.NONDETERMINISTIC_CALLS or name[-1][:1].isupper():
                return ""
            if not sub.args and len(name) == 1:
                return ""  # ``make()``: nothing says it gives the same value twice
        elif isinstance(sub, (cst.Lambda, cst.Await, cst.Yield, cst.NamedExpr)):
            return ""
    code = rec.one_line(node)
    return code if not texts else f"{code} where {'; '.join(texts)}"

def is_connection_id(rec: "Recorder", node: cst.BaseExpression) -> bool:
    """``request.sid``, ``flask.request.sid`` or a local bound to it: the requester's own connection."""
    fn = rec.fn
    if isinstance(node, cst.Name):
        return fn is not None and node.value in fn.connection_ids
    parts = dotted(node)
    if len(parts) < 2 or (fn is not None and parts[0] in fn.local_names):
        return False
    return rec.qualified(parts) in fm.CONNECTION_IDS


class _FieldOrder(cst.CSTVisitor):
    """The fields a node visits, in the order it visits them.  libcst announces each field before
    it looks at its value, absent ones too, except the few a class visits only when they are set
    (an f-string expression's ``format_spec``)."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__()
        self.node = node
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if node is self.node and attribute not in self.fields:
            self.fields.append(attribute)


# Per class: the fields in visiting order as learnt so far, and the other fields, that a node of
# the class did not visit while they were unset.
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _learn(node: cst.CSTNode, known: Sequence[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    order = _FieldOrder(node)
    node._visit_and_replace_children(order)
    merged: list[str] = []
    seen, learnt = list(known), order.fields
    while seen or learnt:  # two orders of the same visit: each field goes after those before it in either
        if seen and learnt and seen[0] == learnt[0]:
            merged.append(seen.pop(0))
            learnt.pop(0)
        elif seen and seen[0] not in learnt:
            merged.append(seen.pop(0))
        else:
            merged.append(learnt.pop(0))
            if merged[-1] in seen:
                seen.remove(merged[-1])
    others = tuple(f.name for f in fields(node) if f.name not in merged)
    _FIELDS[type(node)] = entry = (tuple(merged), others)
    return entry


def _holds_nodes(value: object) -> bool:
    return is_node(value) or (isinstance(value, (tuple, list)) and bool(value) and is_node(value[0]))


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node.children``, in the same order, read off its fields: libcst's own property visits the
    node and builds a copy of it to collect them, which took a third of the analysis's time."""
    entry = _FIELDS.get(type(node)) or _learn(node)
    if any(_holds_nodes(getattr(node, name)) for name in entry[1]):
        entry = _learn(node, entry[0])
    out: list[cst.CSTNode] = []
    for name in entry[0]:
        value = getattr(node, name)  # a visited field holds a node, nodes, None or MaybeSentinel
        if value.__class__ is tuple or value.__class__ is list:
            out.extend(value)
        elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
            out.append(value)
    return out


# Nodes that hold no expression: whitespace, comments, punctuation and operators.
_is_trivia = type_test((
    cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.Comma,
    cst.Dot, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.AssignEqual, cst.Colon, cst.Semicolon, cst.BaseBinaryOp, cst.BaseBooleanOp,
    cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp))


def expressions(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """``node`` and every node in it that is not whitespace, punctuation or an operator (attribute
    names and keyword names excluded), in ``children`` order."""
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        yield current
        attribute = current.attr if type(current) is cst.Attribute else None  # type: ignore[attr-defined]
        for child in children(current):
            if _is_trivia(child) or child is attribute:
                continue
            if type(child) is cst.Arg and child.keyword is not None:  # type: ignore[attr-defined]
                stack.append(child.value)  # type: ignore[attr-defined]
                continue
            stack.append(child)


def made_by(rec: "Recorder", node: Optional[cst.BaseExpression]) -> tuple[int, ...]:
    """The statements whose calls made this value (``Access.made_by``): this one if the value
    calls anything, and where the computed locals it reads were made."""
    fn = rec.fn
    if fn is None or node is None:
        return ()
    out: list[int] = []
    for sub in expressions(node):
        if isinstance(sub, cst.Call) and fn.index not in out:
            out.append(fn.index)
        elif isinstance(sub, cst.Name) and sub.value in fn.computed:
            out += [i for i in fn.computed[sub.value] if i not in out]
    return tuple(out)


def is_random(rec: "Recorder", node: Optional[cst.BaseExpression]) -> bool:
    """A random call made the value (``token_hex()``, or a local bound to one)."""
    fn = rec.fn
    for sub in expressions(node) if node is not None else ():
        if isinstance(sub, cst.Call):
            if call_name(sub) in stdlib.RANDOM_CALLS:
                return True
        elif isinstance(sub, cst.Name) and fn is not None and sub.value in fn.random_locals:
            return True
    return False


def note_fill(rec: "Recorder", ref: Optional["RawRef"], stored: Optional[Sequence[cst.BaseExpression]]) -> None:
    """A container bound to a local is filled (``news[k] = parse(k)``): it stays computed while
    what goes in is computed or plain (``FunctionScope.computed``); ``None``: unknown."""
    fn = rec.fn
    if fn is None or ref is None or ref[0] not in fn.computed:
        return
    if stored is not None and all(_made_here(rec, v) for v in stored):
        fn.computed[ref[0]] += tuple(i for v in stored for i in made_by(rec, v))
    else:
        del fn.computed[ref[0]]  # ``news[k] = request.form[k]``: what it holds is not computed


def _made_here(rec: "Recorder", value: cst.BaseExpression) -> bool:
    """Computed, plain (``is_plain``), or a literal container of such (``{"title": gettext("X")}``)."""
    fn = rec.fn
    if rec.computed(value) or is_plain(value, fn.deterministic.keys() if fn is not None else frozenset()):
        return True
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(el, cst.Element) and _made_here(rec, el.value) for el in value.elements)
    if isinstance(value, cst.Dict):
        return all(isinstance(el, cst.DictElement) and _made_here(rec, el.key) and _made_here(rec, el.value)
                   for el in value.elements)
    return False


def key_taint(rec: "Recorder", place: Optional[cst.BaseExpression],
              extra: Optional[cst.BaseExpression]) -> frozenset[str]:
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
    fn = rec.fn
    if isinstance(node, cst.Name) and fn is not None and node.value in fn.alias_key_taint:
        out |= fn.alias_key_taint[node.value]
    for key in keys:
        out |= {"connection"} if is_connection_id(rec, key) else rec.scan_quiet(key).taint
    return frozenset(out)


def reads_of(rec: "Recorder", info: "ExprInfo") -> list["RawRef"]:
    """The shared places a value reads: its references, module-level names read bare (``USERS``,
    not imports), and what the locals it reads were computed from."""
    fn = rec.fn
    if fn is None:
        return []
    bare = [(n, ()) for n in sorted(info.names)
            if n not in fn.local_names and n not in fn.facts.params and n not in rec.facts.imports]
    return info.refs + bare + [ref for n in info.names for ref in fn.derived.get(n, ([], 0))[0]]


def note_return(rec: "Recorder", fn: "FunctionScope", value: Optional[cst.BaseExpression], info: "ExprInfo") -> None:
    """What a return statement gives back: the state it reads, the state it hands out as is
    (an accessor), a nested def (a factory's product), a random value, what made it."""
    fn.return_reads += reads_of(rec, info)
    if isinstance(value, (cst.Name, cst.Attribute)) and (ref := rec.raw_ref(value)) is not None:
        fn.returned_refs.append(ref)
    if isinstance(value, cst.Name) and value.value in fn.local_defs:
        returned = fn.local_defs[value.value]
        if returned not in fn.facts.returned_defs:
            fn.facts.returned_defs += (returned,)
    if value is not None:
        fn.facts.returns_random = fn.facts.returns_random or is_random(rec, value)
        fn.facts.returns_made_by += tuple(i for i in made_by(rec, value) if i not in fn.facts.returns_made_by)


def kept_from(value: Optional[cst.BaseExpression]) -> Optional[cst.BaseExpression]:
    """``[e for e in X if ok(e)]`` or ``(e for e in X if ok(e))``: ``X``, whose own elements the
    value keeps as they are (a filter, or a copy); else None."""
    if not isinstance(value, (cst.ListComp, cst.GeneratorExp)) or value.for_in.inner_for_in is not None \
            or value.for_in.asynchronous is not None:
        return None
    clause = value.for_in
    if isinstance(value.elt, cst.Name) and isinstance(clause.target, cst.Name) \
            and value.elt.value == clause.target.value:
        return clause.iter
    return None


def element_found_in(value: Optional[cst.BaseExpression]) -> Optional[cst.BaseExpression]:
    """``next(e for e in X if ok(e))`` (with or without a default): ``X``, one of whose own
    elements the value is; else None."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "next" \
            and 1 <= len(value.args) <= 2:
        return kept_from(value.args[0].value)
    return None


def filtered_source(rec: "Recorder", value: Optional[cst.BaseExpression]) -> str:
    """``[e for e in X if ok(e)]`` (or a local bound to one): the code of ``X``; else ''."""
    if isinstance(value, cst.Name) and rec.fn is not None:
        return rec.fn.filters.get(value.value, "")
    source = kept_from(value) if isinstance(value, cst.ListComp) else None
    return rec.code(source) if source is not None else ""


def defaults_itself(rec: "Recorder", target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> bool:
    """``x = x or []``, ``self.cols = self.cols or ()``: the place keeps its value, or gets a
    constant or a new empty container when it has none (a lazy initialisation written inline)."""
    return isinstance(value, cst.BooleanOperation) and isinstance(value.operator, cst.Or) \
        and rec.code(value.left) == rec.code(target) \
        and (is_constant(value.right) or is_empty_container(value.right))


def filters_itself(rec: "Recorder", target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> bool:
    """``X = [e for e in X if ok(e)]``: the new value keeps some of the target's own elements as they
    are, so storing it twice gives what storing it once does."""
    source = filtered_source(rec, value)
    return bool(source) and source == rec.code(target)


def broadcast(rec: "Recorder", callee: "RawRef", node: cst.Call) -> tuple[str, ...]:
    """``emit("log", CHATLOG, broadcast=True)``: the code of the arguments sent to every client
    (``FunctionFacts.published``); else ()."""
    if (callee[1][-1][1:] if callee[1] else callee[0]) not in fm.BROADCAST_CALLS or not any(
            arg.keyword is not None and arg.keyword.value == "broadcast" and isinstance(arg.value, cst.Name)
            and arg.value.value == "True" for arg in node.args):
        return ()
    return tuple(rec.one_line(arg.value) for arg in node.args if arg.keyword is None and not arg.star)


# ``Access.stored`` keeps a stored value's code up to this length: enough to name it.
STORED_CODE_LIMIT = 80


def stored_code(rec: "Recorder", stored: Optional[cst.BaseExpression]) -> str:
    """The stored value's code on one line (``Access.stored``), '' when none or too long."""
    code = rec.one_line(stored) if stored is not None else ""
    return code if len(code) <= STORED_CODE_LIMIT else ""


def settles(rec: "Recorder", target: cst.Subscript, key: Optional[str], value: Optional[cst.BaseExpression]) -> bool:
    """``conf = app.config.get("TYPES", {...}); conf["total"] = len(conf.get("items"))``: a value the
    same on every call, built from constants and other literal keys of the same entry, stored at a
    literal key of an entry the code names by literal keys.  Each request stores what the last
    one stored (``Access.settles``)."""
    fn = rec.fn
    if fn is None or value is None or not literal_key(key) or not value_text(rec, value):
        return False
    node: cst.BaseExpression = target.value
    while not isinstance(node, cst.Name):
        if isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
                and literal_key(rec.code(node.slice[0].slice.value)):
            node = node.value
        else:
            return False
    if node.value in fn.aliases and not literal_key(fn.alias_keys.get(node.value)):
        return False  # an element a loop or a request picked
    container = rec.raw_ref(target.value)
    if container is None:
        return False
    # Every read of the entry is one of another literal key (``conf.get("items")``, ``conf["items"]``).
    keyed = 0
    for sub in expressions(value):
        read = element_read(sub) if isinstance(sub, cst.BaseExpression) else None
        if read is not None and rec.raw_ref(read[0]) == container:
            if not literal_key(rec.code(read[1])) or rec.code(read[1]) == key:
                return False  # a key chosen at run time, or the place it writes
            keyed += 1
    info = rec.scan_quiet(value)
    for name in info.names:
        if name in fn.aliases and fn.aliases[name] != container and fn.aliases[name][0] == container[0]:
            return False  # a part of the state under another name (``n = stock["n"]; stock["n"] = n - 1``)
        if name not in fn.aliases and any(ref[0] == container[0] for ref in fn.derived.get(name, ([], 0))[0]):
            return False  # a local computed from the state
    own = [ref for ref in info.refs if ref[0] == container[0] and ref[1][:len(container[1])] == container[1]]
    return len(own) <= keyed and all(ref[1] in (container[1] + (".get",), container[1] + ("[]",)) for ref in own)


def entry_key(rec: "Recorder", place: Optional[cst.BaseExpression], depth: int) -> str:
    """The first entry on the path of ``place``'s first ``depth`` steps, as ``holder[key]``: the
    name or attribute subscripted and the key, without its quotes (``app.config['_cache'].pop``:
    ``config[_cache]``; ``*`` for a key that is not a literal); '' when the path has no subscript.
    Through a local alias (``c = app.config['H']; c['x'] = 1``), the alias's entry."""
    steps: list[tuple[str, Optional[cst.BaseExpression]]] = []
    node = place
    while True:
        if isinstance(node, cst.Attribute):
            steps.append(("." + node.attr.value, None))
            node = node.value
        elif isinstance(node, cst.Subscript):
            index = node.slice[0].slice if len(node.slice) == 1 else None
            steps.append(("[]", index.value if isinstance(index, cst.Index) else None))
            node = node.value
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value in stdlib.ELEMENT_METHODS:
            steps.append(("[]", node.args[0].value if node.args else None))
            node = node.func.value
        else:
            break
    if not isinstance(node, cst.Name):
        return "*" if depth else ""
    fn, name = rec.fn, node.value
    if fn is not None and name not in fn.global_names:
        if name in fn.element_aliases:
            return "*"
        alias = fn.aliases.get(name)
        if alias is not None:
            if "[]" in alias[1]:
                return fn.alias_entries.get(name, "*")
            depth -= len(alias[1])
    if len(steps) not in (depth, depth + 1):
        return "*" if depth else ""
    path = list(reversed(steps[len(steps) - depth:])) if depth else []
    for i, (step, key) in enumerate(path):
        if step == "[]":
            holder = path[i - 1][0][1:] if i else name
            text = rec.code(key) if key is not None else ""
            return f"{holder}[{key_text(text) if literal_key(text) else '*'}]"
    return ""


def note_filled_key(rec: "Recorder", kind: str, detail: str, ref: Optional["RawRef"],
                    place: Optional[cst.BaseExpression], flags: dict[str, Any]) -> str:
    """Record the entry a write puts something in (``ModuleFacts.filled_keys``): one below it, or
    the entry itself (``X['k'] = v``, ``X.setdefault('k', v)``); return the write's ``entry_key``."""
    entry = entry_key(rec, place, len(ref[1])) if ref is not None else ""
    key = flags.get("key")
    if kind not in ("item", "method") or kind == "method" and detail in stdlib.REMOVING_METHODS:
        return entry
    if entry:
        rec.filled_keys.add(entry)
    elif kind == "item" and not flags.get("empty_container") or detail in ("setdefault", "update"):
        target = place.value if kind == "item" and isinstance(place, cst.Subscript) else place
        holder = target.attr.value if isinstance(target, cst.Attribute) else \
            target.value if isinstance(target, cst.Name) else "*"
        known = literal_key(key) and detail != "update"
        rec.filled_keys.add(f"{holder}[{key_text(key or '') if known else '*'}]")
    return entry
