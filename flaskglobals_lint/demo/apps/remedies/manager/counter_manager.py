"""A multiprocessing manager that serves one shared dict and one shared lock.

gunicorn's master starts it (``on_starting`` in gunicorn.conf.py) before it
forks the workers; each worker connects to it at import, at the address the
master put in $FGL_MANAGER_PORT.
"""
import multiprocessing
import os
import threading
from multiprocessing.managers import AcquirerProxy, DictProxy, SyncManager

AUTHKEY = b"flaskglobals-lint-demo"
COUNTS = {"total": 0}
COUNTS_LOCK = threading.Lock()


def _counts():
    return COUNTS


def _counts_lock():
    return COUNTS_LOCK


class CounterManager(SyncManager):
    """Knows the two shared objects by name."""


CounterManager.register("counts", callable=_counts, proxytype=DictProxy)
CounterManager.register("counts_lock", callable=_counts_lock, proxytype=AcquirerProxy)


def start_server():
    manager = CounterManager(address=("127.0.0.1", 0), authkey=AUTHKEY, ctx=multiprocessing.get_context("fork"))
    manager.start()
    os.environ["FGL_MANAGER_PORT"] = str(manager.address[1])
    return manager
