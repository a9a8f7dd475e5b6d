"""The standard library (and a few ubiquitous client libraries): containers, locks, managers,
process-wide state, and which methods change a container."""
from __future__ import annotations

import os
import sys
import sysconfig

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
MANAGER_LOCK_METHODS = frozenset({"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"})

LOCK_CONSTRUCTORS = frozenset(
    f"{mod}.{cls}"
    for mod in ("threading", "multiprocessing", "asyncio", "gevent.lock", "eventlet.semaphore")
    for cls in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition")
)
LOCK_CLASS_NAMES = frozenset({"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"})

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

# Process-wide state of the standard library.
PROCESS_STATE = {"os.environ": "the process environment"}

# Method names that change the container they are called on.
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
    "discard", "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft", "rotate",
    "difference_update", "intersection_update", "symmetric_difference_update", "move_to_end",
    "subtract", "fromlist", "frombytes",
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
