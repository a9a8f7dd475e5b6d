"""The standard library (and a few ubiquitous client libraries): containers, locks, managers,
process-wide state, and which methods change a container."""
from __future__ import annotations

import os
import sys
import sysconfig
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Optional, Union

# Mutable containers, by constructor.
CONTAINER_CONSTRUCTORS = frozenset({
    "list", "dict", "set", "bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
    "collections.deque", "collections.ChainMap", "collections.UserDict", "collections.UserList",
    "array.array", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "weakref.WeakSet",
})

# multiprocessing.Manager() proxies: each operation is one message to the
# manager process, so single operations are safe; compound ones are not.
MANAGER_CONSTRUCTORS = frozenset({"multiprocessing.Manager", "multiprocessing.managers.SyncManager"})
# A project class deriving from one of these is a manager too (with its own registered types).
MANAGER_BASES = frozenset({"multiprocessing.managers.SyncManager", "multiprocessing.managers.BaseManager"})


# ------------------------------------------------------------------ locks
class LockScope(Enum):
    """What a lock excludes while one holder has it."""

    TASKS = "the tasks of one event loop"
    THREADS = "the threads (or greenlets) of one process"
    PROCESSES = "every process that shares it: on the machine, or every client of one server"


class LockIdentity(Enum):
    """What makes two holdings the same lock, and so whether a lock made per request still works."""

    # The object made: a lock made per request excludes nothing (FGL008).
    OBJECT = "object"
    # The name it is given, a path or a key on a server: made per request, the same name is the same lock.
    NAME = "name"
    # The object whose method hands it out (``rw.gen_wlock()``): the lock is that object.
    OWNER = "owner"


@dataclass(frozen=True)
class Constructor:
    """Calling the type makes a lock: ``threading.Lock()``, ``filelock.FileLock(path)``."""


@dataclass(frozen=True)
class MethodOf:
    """A method of another object makes the lock: ``r.lock("jobs")``, ``manager.Lock()``.

    ``makers``: what makes that object (a constructor or factory, or the base
    of a project class); the method is the last part of the lock type's qualname.
    """

    makers: frozenset[str]


@dataclass(frozen=True)
class LockType:
    """One kind of lock: its name, what it excludes, how one is obtained and what identifies it."""

    qualname: str
    scope: LockScope
    made_by: Union[Constructor, MethodOf] = Constructor()
    identity: LockIdentity = LockIdentity.OBJECT
    # How a message names one: "the Redis lock 'jobs'".
    label: str = "lock"
    # NAME identity: the keyword of the naming argument (else it is the first positional one).
    name_keyword: str = ""
    # False: holders share it (a reader lock), so it keeps no writer from another.
    exclusive: bool = True

    @property
    def call_name(self) -> str:
        """The name a call that makes one ends with: ``Lock``, ``FileLock``, ``lock``, ``gen_wlock``."""
        return self.qualname.rsplit(".", 1)[-1]


_KINDS = ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
_MANAGERS = MethodOf(MANAGER_CONSTRUCTORS | MANAGER_BASES)
_CONTEXTS = MethodOf(frozenset({"multiprocessing.get_context"}))
_REDIS_CLIENTS = MethodOf(frozenset({
    "redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.Redis.from_url", "redis.StrictRedis.from_url",
    "redis.client.Redis", "redis.client.StrictRedis",
    "redis.asyncio.Redis", "redis.asyncio.from_url", "redis.asyncio.Redis.from_url",
}))
_RW_LOCKS = MethodOf(frozenset(
    f"readerwriterlock.rwlock.{cls}"
    for cls in ("RWLockRead", "RWLockWrite", "RWLockFair", "RWLockReadD", "RWLockWriteD", "RWLockFairD")
))

# Every lock the engine knows, and nothing else is a lock (besides names the
# settings list in ``lock-names``): a new lock type is one entry here.
LOCK_TYPES: tuple[LockType, ...] = (
    *(LockType(f"threading.{kind}", LockScope.THREADS) for kind in _KINDS),
    *(LockType(f"multiprocessing.{kind}", LockScope.PROCESSES, label="multiprocessing lock") for kind in _KINDS),
    *(LockType(f"multiprocessing.context.BaseContext.{kind}", LockScope.PROCESSES, _CONTEXTS,
               label="multiprocessing lock") for kind in _KINDS),
    *(LockType(f"multiprocessing.managers.SyncManager.{kind}", LockScope.PROCESSES, _MANAGERS,
               label="manager lock") for kind in _KINDS),
    *(LockType(f"asyncio.{kind}", LockScope.TASKS, label="asyncio lock") for kind in _KINDS),
    *(LockType(f"{module}.{kind}", LockScope.THREADS, label="greenlet lock")
      for module in ("gevent.lock", "eventlet.semaphore") for kind in _KINDS),
    LockType("filelock.FileLock", LockScope.PROCESSES, identity=LockIdentity.NAME, label="file lock",
             name_keyword="lock_file"),
    LockType("filelock.SoftFileLock", LockScope.PROCESSES, identity=LockIdentity.NAME, label="file lock",
             name_keyword="lock_file"),
    LockType("redis.Redis.lock", LockScope.PROCESSES, _REDIS_CLIENTS, LockIdentity.NAME, label="Redis lock",
             name_keyword="name"),
    LockType("readerwriterlock.rwlock.RWLockFair.gen_wlock", LockScope.THREADS, _RW_LOCKS, LockIdentity.OWNER,
             label="write lock"),
    LockType("readerwriterlock.rwlock.RWLockFair.gen_rlock", LockScope.THREADS, _RW_LOCKS, LockIdentity.OWNER,
             label="read lock", exclusive=False),
)


class LockCatalogue:
    """The lock types, indexed the ways the engine asks about them."""

    def __init__(self, types: Iterable[LockType]) -> None:
        self.types = tuple(types)
        self._constructors = {t.qualname: t for t in self.types if isinstance(t.made_by, Constructor)}
        self._methods: dict[str, list[LockType]] = {}
        for t in self.types:
            if isinstance(t.made_by, MethodOf):
                self._methods.setdefault(t.call_name, []).append(t)
        # What a call that may make a lock ends with: the walker's cheap first test.
        self.call_names = frozenset(t.call_name for t in self.types)
        # Call name -> the keywords that name a lock identified by its name.
        self.naming_keywords: dict[str, frozenset[str]] = {}
        for t in self.types:
            if t.identity is LockIdentity.NAME:
                keywords = self.naming_keywords.get(t.call_name, frozenset())
                self.naming_keywords[t.call_name] = keywords | {t.name_keyword} - {""}

    @property
    def constructors(self) -> frozenset[str]:
        return frozenset(self._constructors)

    def constructor(self, qualname: str) -> Optional[LockType]:
        """The type a call of ``qualname`` makes, if it is a lock constructor."""
        return self._constructors.get(qualname)

    def method(self, makers: Iterable[str], name: str) -> Optional[LockType]:
        """The type ``obj.name()`` returns, for an object made by one of ``makers``."""
        candidates = self._methods.get(name)
        if not candidates:
            return None
        made = set(makers)
        for t in candidates:
            if isinstance(t.made_by, MethodOf) and t.made_by.makers & made:
                return t
        return None


LOCKS = LockCatalogue(LOCK_TYPES)

# Third-party client objects whose configuration attributes are shared by
# every request that uses the client.
CLIENT_CONSTRUCTORS = frozenset({"requests.Session", "requests.sessions.Session", "httpx.Client", "httpx.AsyncClient"})
CLIENT_CONFIG_ATTRS = frozenset({"headers", "cookies", "auth", "params", "proxies", "verify", "cert", "base_url"})

# Model libraries that copy class-level defaults into each instance
# (``tags: list[str] = []`` on a pydantic model is per instance).
PER_INSTANCE_DEFAULT_PACKAGES = frozenset({
    "pydantic", "pydantic_settings", "sqlmodel", "msgspec", "attr", "attrs", "marshmallow", "odmantic",
    "beanie", "mongoengine",
})

# Form libraries whose class attributes made by a call (``name = StringField(...)``) are templates:
# each form instance binds its own copy of the field.  Other class attributes stay shared.
DECLARATIVE_FIELD_PACKAGES = frozenset({"wtforms", "flask_wtf"})

# Process-wide state of the standard library.
PROCESS_STATE = {"os.environ": "the process environment"}
# Functions that change process-wide state for every thread: one request's call changes what every
# concurrent request runs with (and other workers never see it).  Qualified name -> (what it
# changes, what to do instead).  ``warnings.simplefilter``/``filterwarnings`` are left out: a
# request's filter (often inside ``catch_warnings()``) only shows or hides a warning elsewhere.
PROCESS_SETTERS: dict[str, tuple[str, str]] = {
    "random.seed": ("the process-wide random generator",
                    "use a generator of the request's own (rng = random.Random(seed))"),
    "numpy.random.seed": ("numpy's global random generator",
                          "use a generator of the request's own (rng = numpy.random.default_rng(seed))"),
    "locale.setlocale": ("the process locale", "pass the locale to the formatting call (e.g. babel) instead"),
    "os.chdir": ("the process working directory", "build absolute paths instead of changing directory"),
    "os.umask": ("the process umask", "pass the mode when creating the file (os.open(path, flags, mode))"),
    "socket.setdefaulttimeout": ("the default timeout of every new socket",
                                 "pass a timeout to each connection instead"),
    "sys.setrecursionlimit": ("the interpreter's recursion limit", "set it once at startup"),
    "time.tzset": ("the process time zone", "convert with zoneinfo instead of changing TZ"),
    "logging.disable": ("logging for every logger of the process",
                        "filter on the handler or the logger of the request's own code instead"),
    # Third-party modules whose setters change one module-level object everybody uses.
    "langid.set_languages": ("the languages langid's module-level identifier considers",
                             "use an identifier of your own (langid.langid.LanguageIdentifier) per set of languages"),
}
# Their last names, which the facts record as writes to the object they are called on.
PROCESS_SETTER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in PROCESS_SETTERS)

# Method names that change the container they are called on.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft", "rotate",
    "difference_update", "intersection_update", "symmetric_difference_update", "move_to_end",
    "subtract", "fromlist", "frombytes",
})
# Calls that run a function concurrently with their caller (a thread, a pool worker, a greenlet):
# qualified name -> (position, keyword) of the function argument; what runs there races with every
# request and with its own siblings.  ``THREAD_START_METHODS``: the same by method name, whatever
# the receiver (``executor.submit(f)``, ``socketio.start_background_task(f)``), with the position.
THREAD_STARTERS: dict[str, tuple[int, str]] = {
    "threading.Thread": (1, "target"), "threading.Timer": (1, "function"),
    "gevent.spawn": (0, ""), "gevent.spawn_later": (1, ""), "eventlet.spawn": (0, ""),
    "eventlet.spawn_n": (0, ""), "flask.copy_current_request_context": (0, ""),
}
THREAD_START_METHODS: dict[str, int] = {"submit": 0, "start_background_task": 0, "run_in_executor": 1}
# The last names of the starters that start long-lived work at startup (``submit`` and
# ``run_in_executor`` run a task and return: not a background thread).
THREAD_START_NAMES: tuple[str, ...] = tuple(sorted(
    {name.rsplit(".", 1)[-1] for name in THREAD_STARTERS} - {"copy_current_request_context"}
    | {"start_background_task"}))

# Mutating methods that only take elements out.
REMOVING_METHODS = frozenset({
    "pop", "remove", "clear", "discard", "popitem", "popleft", "difference_update", "intersection_update",
})
# Methods that read one element: their result is that element (an alias).
ELEMENT_METHODS = frozenset({"get", "setdefault", "pop"})


def _stdlib_modules() -> frozenset[str]:
    names = getattr(sys, "stdlib_module_names", None)
    if names is None:  # Python 3.9: list the standard library folder
        folder = sysconfig.get_paths()["stdlib"]
        names = {n[:-3] if n.endswith(".py") else n for n in os.listdir(folder) if n != "site-packages"}
        names |= set(sys.builtin_module_names)
    return frozenset(names)


# Top-level names of the standard library.
STDLIB_MODULES = _stdlib_modules()


# Calls whose result differs from call to call although their arguments do not
# (by the last name called): a value made by them is never the same twice.
# Calls whose result is random: two calls never agree, so racing requests each keep their own.
RANDOM_CALLS = frozenset({
    "random", "randint", "choice", "choices", "sample", "shuffle", "uniform", "randrange", "getrandbits",
    "uuid1", "uuid4", "token_hex", "token_urlsafe", "token_bytes", "urandom", "randbits", "gen_salt",
    "generate_secret",
})
NONDETERMINISTIC_CALLS = RANDOM_CALLS | frozenset({
    "time", "time_ns", "monotonic", "perf_counter", "now", "utcnow", "today",
    "next", "pop", "popleft", "popitem", "read", "readline", "recv", "get_nowait", "copy", "deepcopy",
})

# Mutating methods that leave the same state when called twice with the same arguments.
IDEMPOTENT_METHODS = frozenset({"update", "setdefault", "add", "discard", "remove"})

# Calls that, made at import time, turn threads into greenlets for the whole process.
MONKEY_PATCHES = frozenset({"eventlet.monkey_patch", "gevent.monkey.patch_all", "gevent.monkey.patch_thread"})
# Servers an app starts itself that run each request as a greenlet (switching only at I/O), or
# one at a time (tornado's WSGIContainer).
GREENLET_SERVERS = frozenset({
    "gevent.pywsgi.WSGIServer", "gevent.wsgi.WSGIServer", "eventlet.wsgi.server", "tornado.wsgi.WSGIContainer",
})
# ``SocketIO(app, async_mode=...)`` values that serve every request as a greenlet.
COOPERATIVE_ASYNC_MODES = frozenset({"eventlet", "gevent", "gevent_uwsgi"})

# Calls (by the last name called) that never give another greenlet a turn: builtins,
# container, string and JSON helpers.  Any other call may do I/O, sleep or wait.
NON_YIELDING_CALLS = frozenset({
    "len", "str", "int", "float", "bool", "list", "dict", "set", "frozenset", "tuple", "sorted", "reversed",
    "min", "max", "sum", "abs", "round", "any", "all", "isinstance", "issubclass", "getattr", "hasattr",
    "setattr", "range", "enumerate", "zip", "map", "filter", "repr", "format", "id", "hash", "type", "iter",
    "get", "keys", "values", "items", "append", "extend", "insert", "pop", "popitem", "remove", "discard",
    "add", "update", "setdefault", "clear", "copy", "index", "count", "strip", "lstrip", "rstrip", "lower",
    "upper", "title", "split", "rsplit", "join", "startswith", "endswith", "replace", "encode", "decode",
    "dumps", "loads", "uuid4", "uuid1", "time", "monotonic", "now", "utcnow", "isoformat", "jsonify",
    "deepcopy", "choice", "randint", "random", "shuffle", "sample", "token_hex", "token_urlsafe", "print",
})

# Calls (by the last name, on a module or class: ``time.time()``) that give the current time.
TIMESTAMP_CALLS = frozenset({"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "now", "utcnow",
                             "today"})
