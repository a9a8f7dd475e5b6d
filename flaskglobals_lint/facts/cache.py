"""The on-disk cache, one store per project, that can neither run code nor lie.

- **Data only.** Entries are JSON (``codec``, ``datacodec``), never pickles: loading one
  cannot execute anything, whatever the bytes.  They live in one SQLite database whose
  schema is checked on every open: a file with any other table, view or trigger is not
  used, and is replaced on the next write.
- **Authenticated.** Each entry carries an HMAC made with a per-user secret
  kept (0600) in the user's cache folder, outside every project.  An entry
  planted in a repository, copied from another machine or forged under the
  right key fails the check and is a miss.
- **Keyed by everything facts depend on**: the bytes actually analysed (the
  worker gets those bytes, it never re-reads the file), the module name, the
  Python version, the libcst version, the tool's version and a digest of the
  analyser's own source (the facts schema with it).  An edited engine, another
  interpreter or another libcst never sees another one's entries.
- **Contained.** The default folder is the user's cache folder, one
  subfolder per project root.  A folder that is a symbolic link or belongs to
  another user is refused; a database that is a link, or not a file of this user's, is
  replaced, never written through.  SQLite commits each run's writes whole, so a
  reader never sees half an entry, also next to another run.  The ``.gitignore`` is
  written only into a folder the tool created itself.
- **Bounded.** Entries no run used for 30 days are evicted, and the least recently
  used beyond 200,000.

Anything unexpected while reading an entry is a miss, and the entry is
rewritten.  A cache that cannot be written is silently not written: caching
only ever saves time.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .._version import __version__
from ..safe_io import read_bounded
from ..settings import Settings

if TYPE_CHECKING:
    from .model import ModuleFacts

APP_NAME = "flaskglobals-lint"
# Bump when the meaning of facts changes in a way neither the schema nor the source digest shows.
FORMAT = "3"
CACHE_DIR_VARIABLE = "FLASKGLOBALS_LINT_CACHE_DIR"
KEY_FILE = "secret.key"
DATABASE = f"cache-v{FORMAT}.sqlite3"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class CacheRefused(Exception):
    """The cache folder is unsafe to use (a symbolic link, another user's); the run goes on without it."""


def user_cache_root() -> Path:
    """Where this user's caches live: ``$XDG_CACHE_HOME/flaskglobals-lint`` or the platform's equivalent."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def project_cache_dir(project_root: Path) -> Path:
    """The default cache folder of one project: in the user's cache, named after the project's path."""
    if os.environ.get(CACHE_DIR_VARIABLE):
        return Path(os.environ[CACHE_DIR_VARIABLE])
    root = os.path.realpath(project_root)
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(root).name)[:40] or "root"
    return user_cache_root() / "projects" / f"{name}-{digest}"


def default_cache_dir(settings: Settings) -> Path:
    """$FLASKGLOBALS_LINT_CACHE_DIR, else this project's folder in the user's cache (never inside the
    project: a repository must not be able to plant cache entries)."""
    return project_cache_dir(settings.root or Path.cwd())


_ENVIRONMENT: Optional[bytes] = None


def environment_digest() -> bytes:
    """What facts depend on besides the file: interpreter, libcst, this tool and its analyser source."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        digest = hashlib.sha256()
        # The facts schema is in the analyser's source, and stamped on every entry too.
        for part in (sys.implementation.name, sys.version, _libcst_version(), __version__, FORMAT):
            digest.update(part.encode("utf-8", "backslashreplace") + b"\0")
        digest.update(analyser_digest())
        _ENVIRONMENT = digest.digest()
    return _ENVIRONMENT


def _libcst_version() -> str:
    """libcst's version file, as text: found without importing libcst or ``importlib.metadata``
    (together a fifth of a replayed run)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("libcst")
        if spec is None or spec.origin is None:
            return "unknown"
        return read_bounded(Path(spec.origin).parent / "_version.py", 64 * 1024).decode("utf-8", "replace")
    except (ImportError, OSError, ValueError):
        return "unknown"


def analyser_digest() -> bytes:
    """A digest of the tool's own Python source: editing the engine invalidates every entry."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if relative.startswith("demo/"):
            continue  # the demonstrations do not shape facts
        digest.update(relative.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.digest()


def cache_key(data: bytes, module: str, is_package: bool, full: bool = True) -> str:
    """``full``: facts of a full analysis, not of the pre-pass's syntax check."""
    digest = hashlib.sha256(environment_digest())
    for part in (module.encode("utf-8", "surrogatepass"), b"1" if is_package else b"0",
                 b"full" if full else b"check"):
        digest.update(part)
        digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


def _check_folder(path: Path) -> None:
    """Refuse a folder that is a symbolic link or that another user owns."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise CacheRefused(f"{path} is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise CacheRefused(f"{path} is not a folder")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise CacheRefused(f"{path} belongs to another user")


def _make_folder(path: Path) -> bool:
    """Create ``path`` (0700) if missing and check it; True when this call created it."""
    try:
        os.mkdir(path, 0o700)
        created = True
    except FileExistsError:
        created = False
    _check_folder(path)
    return created


def _write_new(folder: Path, data: bytes, prefix: str = ".tmp-") -> Path:
    """Write ``data`` to a new file in ``folder`` (O_EXCL, O_NOFOLLOW, 0600) and return its path."""
    for _ in range(100):
        candidate = folder / f"{prefix}{os.getpid()}-{os.urandom(6).hex()}"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        except BaseException:
            _remove(candidate)
            raise
        return candidate
    raise OSError(f"cannot create a temporary file in {folder}")


def _create_once(folder: Path, name: str, data: bytes) -> None:
    """``folder/name`` with ``data``, unless something is already there (a file, or a planted link:
    never written through).  Written whole first, then linked into place, so no reader sees half of it."""
    temporary = _write_new(folder, data)
    try:
        os.link(temporary, folder / name)
    except FileExistsError:
        pass
    finally:
        _remove(temporary)


def user_secret(root: Optional[Path] = None) -> bytes:
    """This user's key for authenticating cache entries, made on first use (0600, never in a project)."""
    root = root or user_cache_root()
    os.makedirs(root.parent, exist_ok=True)
    _make_folder(root)
    path = root / KEY_FILE
    try:
        secret = read_bounded(path, 4096, follow_symlinks=False)
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    _create_once(root, KEY_FILE, os.urandom(32))  # another run may have made it first: then use theirs
    secret = read_bounded(path, 4096, follow_symlinks=False)
    if len(secret) < 32:
        raise CacheRefused(f"{path} is not a usable key")
    return secret


class FactsCache:
    """The project's one cache store: entries by key in a SQLite database in ``folder``, holding
    per-file facts (``get``/``put``) and the run records of ``replay`` (``read``/``write``).

    Construction never fails, and neither does anything else: an unusable folder or database
    disables the cache (every read a miss, every write dropped).  Writes are kept until
    ``flush``, which commits them in one transaction (SQLite makes it atomic, and safe next to
    other runs).  An entry no run has used for ``KEEP_DAYS`` is evicted, as are the least
    recently used ones beyond ``MAX_ENTRIES``.
    """

    # An entry is a 32-byte MAC and a JSON payload; far larger means something else.
    MAX_ENTRY_BYTES = 64 * 1024 * 1024
    KEEP_DAYS = 30
    MAX_ENTRIES = 200_000

    def __init__(self, folder: Path, secret: Optional[bytes] = None) -> None:
        self.folder = folder
        self.database = folder / DATABASE
        self.hits = 0
        self.misses = 0
        self.writable = True
        self.refused = ""
        self._secret = secret
        self._connection: Optional[sqlite3.Connection] = None
        self._opened = False
        self._pending: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._today = int(time.time() // 86400)

    def _key(self) -> bytes:
        if self._secret is None:
            self._secret = user_secret()
        return self._secret

    def _mac(self, key: str, payload: bytes) -> bytes:
        return hmac.new(self._key(), key.encode("ascii") + b"\0" + payload, hashlib.sha256).digest()

    def read(self, key: str) -> Optional[bytes]:
        """The authenticated payload stored under ``key``, or None: missing, planted, truncated or
        forged entries are all just misses (the next ``write`` replaces them)."""
        if key in self._pending:
            return self._pending[key]
        connection = self._open(create=False)
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT mac, payload, used FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._broken()
            return None
        if row is None:
            return None
        mac, payload, used = row
        if type(mac) is not bytes or type(payload) is not bytes or len(payload) > self.MAX_ENTRY_BYTES:
            return None
        if not hmac.compare_digest(mac, self._mac(key, payload)):
            return None
        if used != self._today:
            self._used.add(key)
        return payload

    def write(self, key: str, payload: bytes) -> None:
        """Store ``payload`` under ``key`` at the next ``flush``."""
        if self.writable and not self.refused:
            self._pending[key] = payload

    def flush(self) -> None:
        """Commit the writes (and when entries were last used) in one transaction, then evict."""
        if not (self._pending or self._used) or not self.writable or self.refused:
            return
        connection = self._open(create=True)
        if connection is None:
            self.writable = False
            return
        rows = [(key, self._mac(key, payload), payload, self._today) for key, payload in self._pending.items()]
        try:
            with connection:
                connection.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
                connection.executemany("UPDATE entries SET used = ? WHERE key = ?",
                                       [(self._today, key) for key in self._used - self._pending.keys()])
                if rows:
                    self._evict(connection)
        except sqlite3.Error:
            self._broken()
            self.writable = False
        self._pending.clear()
        self._used.clear()

    def _evict(self, connection: sqlite3.Connection) -> None:
        connection.execute("DELETE FROM entries WHERE used < ?", (self._today - self.KEEP_DAYS,))
        (count,) = connection.execute("SELECT count(*) FROM entries").fetchone()
        if count > self.MAX_ENTRIES:
            connection.execute("DELETE FROM entries WHERE key IN (SELECT key FROM entries ORDER BY used LIMIT ?)",
                               (count - self.MAX_ENTRIES,))

    def get(self, key: str, display_path: str) -> Optional[ModuleFacts]:
        from . import codec

        payload = self.read(key)
        try:
            facts = codec.loads(payload) if payload is not None else None
        except codec.CodecError:
            facts = None  # of another shape: a miss, rewritten by put()
        if facts is None:
            self.misses += 1
            return None
        self.hits += 1
        facts.path = display_path  # the same file may be shown under another path this time
        return facts

    def put(self, key: str, facts: ModuleFacts) -> None:
        from . import codec

        if self.writable and not self.refused:
            self.write(key, codec.dumps(facts))

    def keys(self) -> list[str]:
        """Every stored key, sorted (what eviction keeps, and what the tests look at)."""
        connection = self._open(create=False)
        if connection is None:
            return []
        try:
            return sorted(key for (key,) in connection.execute("SELECT key FROM entries"))
        except sqlite3.Error:
            return []

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self._opened = False

    def _open(self, create: bool) -> Optional[sqlite3.Connection]:
        """The database, checked; made (with its folder) when ``create``.  None when there is none
        or it may not be used (``refused`` then says why)."""
        if self._connection is not None or (self._opened and not create) or self.refused:
            return self._connection
        self._opened = True
        try:
            if create:
                self._prepare()
            else:
                _check_folder(self.folder)
                if not os.path.lexists(self.database):
                    return None  # nothing stored yet: a read makes no database
            if not _regular_file_of_ours(self.database):
                if not create:
                    return None
                _remove(self.database)  # a planted link, folder or other user's file: replaced, never followed
            self._connection = _connect(self.database)
        except CacheRefused as exc:
            self.refused = str(exc)
        except (OSError, sqlite3.Error):
            # Not a database, or one of another shape: a cache that starts afresh on the next write.
            if create:
                _remove(self.database)
                try:
                    self._connection = _connect(self.database)
                except (OSError, sqlite3.Error):
                    self._connection = None
        return self._connection

    def _broken(self) -> None:
        """The database failed under us: nothing more is read from it in this run."""
        self.close()
        self._opened = True

    def _prepare(self) -> None:
        parent = self.folder.parent
        if not parent.exists():
            os.makedirs(parent, mode=0o700, exist_ok=True)
        if _make_folder(self.folder):
            self._ignore_file()

    def _ignore_file(self) -> None:
        """Only in a folder this run created: never into a folder the user (or a repository) owns."""
        _create_once(self.folder, ".gitignore", b"# Created by flaskglobals-lint: the whole folder is a cache.\n*\n")


_SCHEMA = "CREATE TABLE entries (key TEXT PRIMARY KEY, mac BLOB NOT NULL, payload BLOB NOT NULL, " \
    "used INTEGER NOT NULL) WITHOUT ROWID"


def _regular_file_of_ours(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True  # nothing there yet: SQLite makes it
    return stat.S_ISREG(info.st_mode) and (not hasattr(os, "getuid") or info.st_uid == os.getuid())


def _connect(path: Path) -> sqlite3.Connection:
    """Open (or make) the database and check that it holds our one table and nothing else: no view,
    trigger or index that a crafted file could bring.  Raises ``sqlite3.Error`` otherwise."""
    connection = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        schema = [sql for (sql,) in connection.execute("SELECT sql FROM sqlite_master")]
        if not schema:
            os.chmod(path, 0o600)
            connection.execute(_SCHEMA)
        elif schema != [_SCHEMA]:
            raise sqlite3.DatabaseError("not a cache of this shape")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection


def _remove(path: os.PathLike[str] | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
