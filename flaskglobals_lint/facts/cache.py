"""An on-disk cache of per-file facts, keyed by what the facts depend on.

The key is a hash of the file's bytes, its module name, whether it is a
package, and the tool's version (facts depend on nothing else: no setting
changes what one file says).  Entries are pickles written to a temporary file
and renamed into place, so a reader never sees half an entry and two runs at
once never corrupt each other.  An entry that cannot be read, or holds
something else, is ignored and rewritten.  A cache that cannot be written
(read-only folder, full disk) is silently not written: caching only ever
saves time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Optional

from .. import __version__
from .model import ModuleFacts

# Bump when the facts' shape or meaning changes without a version change.
FORMAT = "1"
CACHE_DIR_NAME = ".flaskglobals_lint_cache"


def cache_key(data: bytes, module: str, is_package: bool, full: bool = True) -> str:
    """``full``: facts of a full analysis, not of the pre-pass's syntax check."""
    digest = hashlib.sha256()
    for part in (__version__.encode(), FORMAT.encode(), module.encode(), b"1" if is_package else b"0",
                 b"full" if full else b"check"):
        digest.update(part)
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


class FactsCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = folder / f"v{FORMAT}"
        self.hits = 0
        self.misses = 0
        self.writable = True

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key}.pickle"

    def get(self, key: str, display_path: str) -> Optional[ModuleFacts]:
        try:
            with open(self._path(key), "rb") as handle:
                facts = pickle.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # noqa: BLE001 - a corrupt or foreign entry is a miss
            self.misses += 1
            return None
        if not isinstance(facts, ModuleFacts):
            self.misses += 1
            return None
        self.hits += 1
        facts.path = display_path  # the same file may be shown under another path this time
        return facts

    def put(self, key: str, facts: ModuleFacts) -> None:
        if not self.writable:
            return
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._ignore_file()
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(facts, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, target)
            except BaseException:
                _remove(temporary)
                raise
        except OSError:
            self.writable = False

    def _ignore_file(self) -> None:
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by flaskglobals-lint: the whole folder is a cache.\n*\n", encoding="utf-8")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
