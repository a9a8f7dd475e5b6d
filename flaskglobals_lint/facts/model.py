"""Per-file facts: plain, picklable dataclasses with no reference to libcst.

Everything here describes one module as written.  Names are recorded as the
code spells them (``Ref``); what they denote across modules is decided later by
``project.py``.  Root names inside functions are already classified by scope
(``Root``), because that needs only the file itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

# The kinds each fact can be of; ``codec`` accepts no other value in a cache entry.
RootKind = Literal["global", "closure", "self", "cls", "param", "new", "raw", "local"]
AccessKind = Literal["rebind", "attr", "item", "del", "method"]
BindingKind = Literal["container", "scalar", "call", "function", "class", "other"]
FunctionKind = Literal["function", "method", "classmethod", "staticmethod"]

# ``Access.value_text`` of ``time.time()``, ``datetime.now()``: the current time.
TIMESTAMP = "<the current time>"
# ``ModuleFacts.backend_settings`` key of a config load from outside the sources.
EXTERNAL_CONFIG = "<external config>"


def literal_key(key: Optional[str]) -> bool:
    """A key as written (``Access.key``) that is a literal: ``'TERM'``, ``"TERM"``, ``3``."""
    return key is not None and (key[:1] in ("'", '"') or key.isdigit())


def key_text(key: str) -> str:
    """``'TERM'`` and ``"TERM"`` are the same key."""
    return key[1:-1] if len(key) >= 2 and key[0] in "'\"" and key[-1] == key[0] else key


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Root:
    """What the first name of an expression denotes, as far as one file can tell.

    kind:
      ``global``  a module-level name (binding, import, class, function or builtin);
      ``closure`` a local of the enclosing function ``owner`` (qualname);
      ``self``    the first parameter of an instance method of class ``owner``;
      ``cls``     the first parameter of a classmethod of class ``owner``;
      ``param``   another parameter of the current function (``name``);
      ``new``     a value constructed right here, e.g. ``svc`` in ``svc = Service(); svc.run()``
                  (``name`` is the constructor as written);
      ``local``   a plain local that still matters: a lock made per call (``owner``: its
                  constructor) or a nested function called by name;
      ``raw``     not classified yet: only while the walk runs, never in finished facts.
    Other plain locals are not shared and never reach the facts.
    """

    kind: RootKind
    name: str
    owner: str = ""


@dataclass(frozen=True)
class Ref:
    """A place in memory: a root and a path of steps (``.attr`` or ``[]``)."""

    root: Root
    path: tuple[str, ...] = ()

    def text(self) -> str:
        out = self.root.name
        for step in self.path:
            out += step if step.startswith(".") else "[...]"
        return out


@dataclass(frozen=True)
class LockUse:
    """A lock held at some point: ``with L:`` or ``L.acquire()``.

    ``acquisition`` numbers the acquisition inside its function, so two
    accesses under the same number were made under one holding of the lock.
    ``made``: the lock is what this call returns (``with threading.Lock():``,
    ``with r.lock("jobs"):``) and ``lock`` names what is called.  ``name``:
    the argument that names a lock known by its name (a path, a key on a
    server), as written; for a local, from the call it was bound to.
    """

    lock: Ref
    acquisition: int
    span: Span
    made: bool = False
    name: str = ""


@dataclass(frozen=True)
class Access:
    """A write to something that is not a plain local.

    kind: ``rebind`` (name assignment), ``attr`` (attribute store), ``item``
    (subscript store), ``del`` (del of an item/attribute), ``method`` (call of
    a mutating method such as ``append``).  ``target`` is the object whose
    state changes (for ``rebind``/``attr``: the binding itself, with the
    attribute as the last step).
    """

    kind: AccessKind
    target: Ref
    detail: str
    span: Span
    text: str
    locks: tuple[LockUse, ...] = ()
    augmented: bool = False
    # The new value reads the target itself (``d[k] = d[k] + 1``, ``x += 1``).
    read_modify_write: bool = False
    # Where the stored value comes from: ``request`` or ``param:NAME``.
    taint: frozenset[str] = frozenset()
    # Where the keys that select the written place come from (``d[user_id] = ...``);
    # ``connection``: the requester's own connection id (``d[request.sid]``).
    key_taint: frozenset[str] = frozenset()
    # Index of the statement that writes (statements are numbered in walk order).
    index: int = 0
    # For ``item`` writes, ``setdefault`` and ``add``: the key as written (``C[k]``, ``S.add(k)``: ``k``).
    key: str | None = None
    # For each local name the stored value reads that was computed from shared
    # state: the statement index where it was last computed and the references
    # it was computed from, in the order the names are read.
    derived_from: tuple[tuple[int, tuple[Ref, ...]], ...] = ()
    # For each of ``derived_from``: the line it was computed at and the lock acquisitions held there
    # (``pet = {"id": len(PETS) + 1}`` before ``with lock: PETS.append(pet)``: read outside the lock).
    derived_where: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # The value is a compile-time constant.
    constant_value: bool = False
    # The value is computed by a call (``render(slug)``), not a literal, a
    # conversion or data taken as is: what memoization stores.
    computed_value: bool = False
    # The stored value's code when it is the same on every call (literals, module-level
    # names, calls of functions on them; see ``Recorder.value_text``), else ''.
    value_text: str = ""
    # The value is a new empty container (``[]``, ``dict()``, ``defaultdict(list)``).
    empty_container: bool = False
    # Statements (indices) whose calls made the stored value: this one, and where the locals it
    # reads were computed (``v = make(k); C[k] = v``).  What a random helper returns is found
    # through them (``FunctionFacts.returns_random``).
    made_by: tuple[int, ...] = ()
    # The write is made in an ``except`` block: what the code does when something failed.
    on_failure: bool = False
    # The value stored is the key that selected the written entry (``m = C[k]; m.name = k``).
    value_is_key: bool = False
    # The stored value's code (``messages.append(msg)``: ``msg``), when short; else ''.
    stored: str = ""
    # The callee, as written, of the call that made the stored value: ``games[k] = Game()``, or
    # through a local (``g = Game(); games[k] = g``): ``("Game",)``; else ().
    made_with: tuple[str, ...] = ()
    # The same value on every call, from constants and other literal keys of the same entry, at a
    # place named by literal keys (``conf["total"] = len(conf.get("items"))``; ``values.settles``).
    settles: bool = False
    # The value keeps some of the target's own elements, unchanged (``X = [e for e in X if ok(e)]``).
    filters_itself: bool = False
    # The first entry on the target's path as ``holder[key]`` (``app.config['_cache'].pop(k)``:
    # ``config[_cache]``; ``*`` for a key that is not a literal), '' when the path has no subscript.
    entry: str = ""
    # ``x = x or []``: the place keeps its value or gets a constant default (``values.defaults_itself``).
    defaults: bool = False
    # The tests of the function's parameters the write runs under (``facts.guards``).
    guards: tuple[tuple[str, str, str], ...] = ()
    # In an ``except ... as exc`` block, the place is set to what was caught and nothing else
    # (``failures[name] = str(exc)``): a record of the last error, which racing writers agree on.
    error_record: bool = False


@dataclass(frozen=True)
class Test:
    """A read of state in a condition (``if k in CACHE``, ``if x is None``).

    ``key``: the key as written for ``k in C`` / ``C.get(k)``; ``index``: the
    statement the test belongs to; ``locks``: the locks held at the test;
    ``taken``: the test looked at the entry's value, taken once (``C.get(k)``, or a
    local holding it), not only whether the key is there (``k in C``).
    """

    ref: Ref
    key: str | None
    index: int
    span: Span
    locks: tuple[LockUse, ...] = ()
    taken: bool = False

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class Call:
    """A call whose callee can be named statically (``f()``, ``mod.f()``, ``obj.m()``)."""

    callee: Ref
    span: Span
    locks: tuple[LockUse, ...] = ()
    args: tuple[Ref | None, ...] = ()
    arg_taint: tuple[frozenset[str], ...] = ()
    kwargs: tuple[tuple[str, Ref | None, frozenset[str]], ...] = ()
    # Index of the statement that calls.
    index: int = 0
    # Qualname of a function defined in this module that the callee names
    # directly (a nested def called by name), resolved by scope.
    local_function: str = ""
    # What the arguments fill: the number of positional arguments, then the keyword names, and
    # ``*`` for a ``*args``/``**kwargs`` that may fill anything.  ``("*",)``: not known.
    fills: tuple[str, ...] = ("*",)
    # What the arguments read of the object whose method is called (``c.set(c.total + 1)``:
    # ``c.total``).
    reads_receiver: tuple[Ref, ...] = ()
    # Made in a condition (``if not name_free(n):``): the callee's result decides.
    in_test: bool = False
    # The tests of the function's parameters the call runs under (``facts.guards``).
    guards: tuple[tuple[str, str, str], ...] = ()
    # Each argument as written when it is a constant (``fire(Events.STARTUP)``): the positional
    # ones in order ('' for one that is not a constant), then ``name=`` ones as (name, code).
    # Empty when no argument is a constant.
    arg_consts: tuple[str, ...] = ()
    kwarg_consts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Decorator:
    """A decorator as written: ``@bp.route("/x", methods=["POST"])``."""

    name: tuple[str, ...]
    called: bool
    first_arg: str | None
    methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registration:
    """A call that registers request-time code: ``app.add_url_rule(..., view_func=f)``."""

    method: str
    receiver: tuple[str, ...]
    target: tuple[str, ...]
    as_view: bool
    url: str | None
    methods: tuple[str, ...]
    span: Span
    # The function the registration is written in ('' at module level).
    scope: str = ""
    # The target is called and its result registered (``view_func=make_view("a")``): a class's
    # instance, or the function a factory returns.
    made: bool = False


@dataclass(frozen=True)
class Binding:
    """A name bound at module, class or function level.

    kind: ``container`` (list/dict/set/... literal or comprehension),
    ``scalar`` (immutable literal), ``call`` (``ctor`` as written),
    ``function``, ``class``, ``other``.
    """

    name: str
    kind: BindingKind
    span: Span
    ctor: tuple[str, ...] = ()
    container: str = ""
    # Bound to ``None`` at module or class level: a placeholder for a value set later (``logger = None``).
    placeholder: bool = False
    # A container literal's values that are names, as written (``{"faiss": FaissStore}``:
    # ``(("FaissStore",),)``): a registry whose element the code calls (``STORES[name]()``).
    elements: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Construction:
    """A call of a constructor ``frameworks.backends`` knows (``Limiter(app, storage_uri=...)``).

    ``callee`` as written; ``settings``: its storage-choosing keyword arguments and config
    entries (``config={"CACHE_TYPE": ...}``), each with its value when a string literal, else None.
    """

    callee: tuple[str, ...]
    span: Span
    settings: tuple[tuple[str, Optional[str]], ...] = ()
    # What the callee names through an import in its own function (``from .no_limiter import
    # Limiter``: ``.no_limiter.Limiter``), '' when the module's names decide.
    imported: str = ""
    # The function the call is made in, '' at module level.
    scope: str = ""


@dataclass(frozen=True)
class ThreadStart:
    """A call that may start a thread or greenlet (``Thread(target=poll)``), made anywhere.

    ``starter`` as written; ``args``: each positional argument as a dotted name (``()`` when it is
    not one); ``kwargs``: the ``target``/``function`` keywords, likewise; ``scope``: the function
    the call is made in, '' at module level.
    """

    starter: tuple[str, ...]
    span: Span
    args: tuple[tuple[str, ...], ...] = ()
    kwargs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    scope: str = ""


@dataclass(frozen=True)
class Import:
    """``import a.b as c`` -> Import(module="a.b"); ``from a import b`` -> Import("a", "b")."""

    module: str
    name: str = ""
    # The line of the import statement (0 for one made by ``importlib.import_module(...)``); not
    # part of what the import is (a function's ``from . import x`` is the module's own).
    line: int = field(default=0, compare=False)


@dataclass
class FunctionFacts:
    qualname: str
    name: str
    span: Span
    is_async: bool = False
    class_name: str = ""
    parent: str = ""
    kind: FunctionKind = "function"
    params: tuple[str, ...] = ()
    # Parameters whose default is a constant, with its code (``migrate=False``: ("migrate", "False")).
    param_defaults: tuple[tuple[str, str], ...] = ()
    mutable_defaults: tuple[tuple[str, Span], ...] = ()
    decorators: tuple[Decorator, ...] = ()
    accesses: list[Access] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    # The calls not in ``calls`` (a builtin, a local's method, a call's result) that may block: by
    # a name not in ``stdlib.NON_YIELDING_CALLS`` (``open``, ``conn.recv``).  (Statement index,
    # line, last name called or ''.)
    other_calls: tuple[tuple[int, int, str], ...] = ()
    # Locks constructed here and used right away (``with threading.Lock():``).
    fresh_locks: list[LockUse] = field(default_factory=list)
    bindings: dict[str, Binding] = field(default_factory=dict)
    nested: tuple[str, ...] = ()
    # Attributes assigned through ``self`` with the constructor of the value.
    self_attrs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Objects stored on the class (``cls._instance = WorkerThread()``, through ``cls`` or the
    # class's own name): attribute, the value's constructor, line.
    class_objects: tuple[tuple[str, tuple[str, ...], int], ...] = ()
    # The nested defs a return statement gives back by name (qualnames): a factory's products.
    returned_defs: tuple[str, ...] = ()
    # A return statement gives a random value (``return token_hex()``), or one the calls of the
    # statements ``returns_made_by`` made (see ``Access.made_by``).
    returns_random: bool = False
    returns_made_by: tuple[int, ...] = ()
    # Shared state a return statement reads (``return n not in USERS``: ``USERS``), with what a
    # returned local was computed from: a predicate's answer depends on it.
    returns_reads: tuple[Ref, ...] = ()
    # Module or class state a return statement gives back as is (``return _storage``,
    # ``return cls._instance``): an accessor of a singleton.
    returns_objects: tuple[Ref, ...] = ()
    # The code of each argument the function sends to every connected client
    # (``emit("log", CHATLOG, broadcast=True)``): data made public by the function itself.
    published: tuple[str, ...] = ()
    # Reads of shared state made in conditions, in walk order.
    tests: tuple[Test, ...] = ()
    # ``await`` expressions: (statement index, line), in walk order.
    awaits: tuple[tuple[int, int], ...] = ()
    # What the function reads of module, class and instance state, each place once, cut to
    # its first two steps (``os.environ``, ``settings.MODE``, ``self.jobs``), with the literal
    # key read (``os.environ.get("TERM")``: ``"TERM"``) or '' for the whole.
    reads: tuple[tuple[Ref, str], ...] = ()


@dataclass
class ClassFacts:
    qualname: str
    name: str
    span: Span
    bases: tuple[tuple[str, ...], ...] = ()
    decorators: tuple[Decorator, ...] = ()
    attrs: dict[str, Binding] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    init_every_request: bool | None = None


@dataclass
class ModuleFacts:
    path: str
    module: str
    is_package: bool = False
    imports: dict[str, Import] = field(default_factory=dict)
    bindings: dict[str, Binding] = field(default_factory=dict)
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: dict[str, ClassFacts] = field(default_factory=dict)
    registrations: list[Registration] = field(default_factory=list)
    noqa: dict[int, frozenset[str] | None] = field(default_factory=dict)
    skip_file: bool = False
    # Why the file could not be analysed (an FGL900), with where.
    error: str = ""
    error_span: Span | None = None
    lines: int = 0
    # What, at import time, makes the process run requests as greenlets
    # (``eventlet.monkey_patch()``, ``SocketIO(app, async_mode="gevent")``), as written; else ''.
    cooperative: str = ""
    # The app's own server, made anywhere in the module, that runs requests as greenlets
    # (``gevent.pywsgi.WSGIServer(...)``), as written; else ''.
    serves: str = ""
    # False when the pre-pass showed the file cannot matter: only checked for syntax.
    analysed: bool = True
    # The entries (``Access.entry``) the module puts something in, at module level or in a function:
    # ``X['k'] = v`` (v not a new empty container), ``X['k'][i] = v``, ``X['k'].append(v)``,
    # ``X.setdefault('k', v)``; ``X[*]`` when the key is not a literal (``X.update(...)``).  An entry
    # no module fills stays empty.
    filled_keys: tuple[str, ...] = ()
    # Backend constructors called anywhere but under ``if __name__ == "__main__":``.
    constructions: tuple[Construction, ...] = ()
    # Config keys that choose a backend's storage, set anywhere (``app.config["CACHE_TYPE"] = ...``,
    # ``CACHE_TYPE = ...`` in a config class, a dict entry, a keyword): key, literal value or None,
    # span.  ``EXTERNAL_CONFIG`` as the key: config is also loaded from outside (``from_pyfile``).
    backend_settings: tuple[tuple[str, Optional[str], Span], ...] = ()
    # Thread and greenlet starts made anywhere but under ``if __name__ == "__main__":``; the
    # background-thread adapter decides which start a project function.
    thread_starts: tuple[ThreadStart, ...] = ()
    # ``app.run(processes=N)`` with N > 1, anywhere (a ``__main__`` block included): N and the line.
    run_processes: tuple[int, int] = (0, 0)
    # ``holder.attr = Ctor(...)`` on a module-level name, or on a local made by a call
    # (``app = Flask(__name__); app.game = Game()`` in ``create_app``): the holder's name, the
    # local's constructor (() for a module-level name), the attribute, the constructor, the line.
    # The program keeps the ones whose holder is the app (``current_app.game.move()``).
    attr_objects: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...], int], ...] = ()
    # ``global X; X = Ctor(...)`` in a function (``setup()`` installs the singleton an accessor
    # returns): the name, the constructor as written, the line.
    rebound_objects: tuple[tuple[str, tuple[str, ...], int], ...] = ()
