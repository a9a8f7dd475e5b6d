"""Extensions that keep their state in the worker process unless told otherwise.

Flask-Limiter counts hits in memory by default, Flask-Caching's SimpleCache is a
dict, an APScheduler started with the app runs in the process that started it.
Under one worker process that is fine; under gunicorn with N workers each worker
has its own limits, its own cache and its own scheduler.  The facts record the
constructor calls and the settings that choose a storage (``facts.backends``);
``state.backends`` decides which of them keep per-process state.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class BackendKind:
    """One extension's in-memory backend: how it is made, what chooses its storage, what breaks."""

    extension: str
    # Qualified names of the constructors.
    constructors: frozenset[str]
    # Keyword arguments of the constructor, and config keys, that choose the storage.
    keywords: tuple[str, ...]
    config_keys: tuple[str, ...]
    # Storage values (lowercase) that keep the state in the process; a prefix ends with ``://``.
    in_memory: frozenset[str]
    # The extension keeps its state in the process when no setting chooses a storage.
    default_in_memory: bool
    # What each worker keeps of its own, what that does under N workers ({n}), and the remedy.
    kept: str
    consequence: str
    remedy: str

    def keeps_in_memory(self, value: str) -> bool:
        low = value.strip().lower()
        return low in self.in_memory or any(p.endswith("://") and low.startswith(p) for p in self.in_memory)


BACKENDS: tuple[BackendKind, ...] = (
    BackendKind(
        extension="Flask-Limiter",
        constructors=frozenset({"flask_limiter.Limiter", "flask_limiter.extension.Limiter"}),
        keywords=("storage_uri",), config_keys=("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL"),
        in_memory=frozenset({"memory://"}), default_in_memory=True,
        kept="its rate-limit counters",
        consequence="each worker counts only the hits it served, so a client gets up to {n} times the limit",
        remedy="set storage_uri (or RATELIMIT_STORAGE_URI) to a Redis or Memcached URI",
    ),
    BackendKind(
        extension="Flask-Caching",
        constructors=frozenset({"flask_caching.Cache", "flask_cache.Cache"}),
        keywords=(), config_keys=("CACHE_TYPE",),
        in_memory=frozenset({
            "simple", "simplecache", "flask_caching.backends.simplecache",
            "flask_caching.backends.simplecache.simplecache", "flask_caching.backends.simple",
        }),
        default_in_memory=False,  # the default is the null cache: nothing kept, nothing stale
        kept="its cache",
        consequence="a delete or update in one worker leaves the other workers serving the old value",
        remedy="use CACHE_TYPE 'RedisCache' or 'MemcachedCache' (or 'FileSystemCache' on one host)",
    ),
    BackendKind(
        extension="APScheduler",
        constructors=frozenset({
            "apscheduler.schedulers.background.BackgroundScheduler",
            "apscheduler.schedulers.asyncio.AsyncIOScheduler",
            "apscheduler.schedulers.gevent.GeventScheduler",
            "apscheduler.schedulers.tornado.TornadoScheduler",
            "apscheduler.schedulers.qt.QtScheduler",
            "flask_apscheduler.APScheduler", "flask_apscheduler.scheduler.APScheduler",
        }),
        keywords=(), config_keys=(), in_memory=frozenset(), default_in_memory=True,
        kept="its scheduler",
        consequence="every worker starts its own scheduler, so each job runs {n} times",
        remedy="run the scheduler in one process of its own (a separate service or command), "
               "or schedule through the task queue (Celery beat, RQ scheduler)",
    ),
)

BY_CONSTRUCTOR: dict[str, BackendKind] = {name: kind for kind in BACKENDS for name in kind.constructors}
# What the facts look for: constructor last names, storage keywords, config keys.
CONSTRUCTOR_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in BY_CONSTRUCTOR)
STORAGE_KEYWORDS = frozenset(k for kind in BACKENDS for k in kind.keywords)
CONFIG_KEYS = frozenset(k for kind in BACKENDS for k in kind.config_keys)
# Config loaded from outside the Python sources (a .cfg file, environment variables): a storage
# may be chosen there, so an extension left at its default is not known to keep it in memory.
EXTERNAL_CONFIG_LOADERS = frozenset({"from_pyfile", "from_envvar", "from_prefixed_env", "from_file"})
# Source text without any of these words makes no backend facts (a cheap test before the scan).
MARKERS: tuple[str, ...] = tuple(sorted(CONSTRUCTOR_NAMES | CONFIG_KEYS | EXTERNAL_CONFIG_LOADERS))


# Bytes of a file that may choose a backend's storage: it needs the analysis even when nothing
# imports it (``app.config.from_object("settings.Config")`` names it in a string).
CONFIG_PATTERN = re.compile("|".join(sorted(CONFIG_KEYS)).encode())


def backend_of(qualified: str) -> Optional[BackendKind]:
    return BY_CONSTRUCTOR.get(qualified)
