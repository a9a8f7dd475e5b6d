"""An on-disk cache of per-file facts that can neither run code nor lie.

- **Data only.** Entries are JSON (``codec``), never pickles: loading one
  cannot execute anything, whatever the bytes.
- **Authenticated.** Each entry carries an HMAC made with a per-user secret
  kept (0600) in the user's cache folder, outside every project.  An entry
  planted in a repository, copied from another machine or forged under the
  right key fails the check and is a miss.
- **Keyed by everything facts depend on**: the bytes actually analysed (the
  worker gets those bytes, it never re-reads the file), the module name, the
  Python version, the libcst version, the tool's version, the facts schema
  and a digest of the analyser's own source.  An edited engine, another
  interpreter or another libcst never sees another one's entries.
- **Contained.** The default folder is the user's cache folder, one
  subfolder per project root.  A folder that is a symbolic link or belongs to
  another user is refused; files are created with ``O_NOFOLLOW``/``O_EXCL``
  and renamed into place, so a reader never sees half an entry and a planted
  link is replaced, never written through.  The ``.gitignore`` is written
  only into a folder the tool created itself.

Anything unexpected while reading an entry is a miss, and the entry is
rewritten.  A cache that cannot be written is silently not written: caching
only ever saves time.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import stat
import sys
from pathlib import Path
from typing import Optional

from .._version import __version__
from ..safe_io import read_bounded
from . import codec
from .model import ModuleFacts

APP_NAME = "flaskglobals-lint"
# Bump when the meaning of facts changes in a way neither the schema nor the source digest shows.
FORMAT = "2"
CACHE_DIR_VARIABLE = "FLASKGLOBALS_LINT_CACHE_DIR"
KEY_FILE = "secret.key"
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


_ENVIRONMENT: Optional[bytes] = None


def environment_digest() -> bytes:
    """What facts depend on besides the file: interpreter, libcst, this tool and its analyser source."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        digest = hashlib.sha256()
        for part in (sys.implementation.name, sys.version, _libcst_version(), __version__, FORMAT, codec.SCHEMA):
            digest.update(part.encode("utf-8", "backslashreplace") + b"\0")
        digest.update(analyser_digest())
        _ENVIRONMENT = digest.digest()
    return _ENVIRONMENT


def _libcst_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("libcst")
    except metadata.PackageNotFoundError:
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
    """Facts by key, in ``folder``.  Construction never fails: an unusable folder disables the cache."""

    # An entry is a 32-byte MAC and the JSON facts; far larger means something else.
    MAX_ENTRY_BYTES = 64 * 1024 * 1024

    def __init__(self, folder: Path, secret: Optional[bytes] = None) -> None:
        self.folder = folder
        self.entries = folder / f"v{FORMAT}"
        self.hits = 0
        self.misses = 0
        self.writable = True
        self.refused = ""
        self._secret = secret
        self._ready = False
        self._readable: Optional[bool] = None

    def _key(self) -> bytes:
        if self._secret is None:
            self._secret = user_secret()
        return self._secret

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / f"{key}.json"

    def _mac(self, key: str, payload: bytes) -> bytes:
        return hmac.new(self._key(), key.encode("ascii") + b"\0" + payload, hashlib.sha256).digest()

    def get(self, key: str, display_path: str) -> Optional[ModuleFacts]:
        if not self.readable():
            self.misses += 1
            return None
        try:
            data = read_bounded(self._path(key), self.MAX_ENTRY_BYTES, follow_symlinks=False)
            mac, payload = data[:32], data[32:]
            if not hmac.compare_digest(mac, self._mac(key, payload)):
                raise codec.CodecError("the entry's MAC does not match")
            facts = codec.loads(payload)
        except CacheRefused as exc:
            self.refused = str(exc)
            self.misses += 1
            return None
        except (OSError, codec.CodecError):
            # Missing, unreadable, planted, truncated or of another shape: a miss, rewritten by put().
            self.misses += 1
            return None
        self.hits += 1
        facts.path = display_path  # the same file may be shown under another path this time
        return facts

    def readable(self) -> bool:
        """Whether the folder exists and may be used; checked once per run."""
        if self._readable is None:
            try:
                _check_folder(self.folder)
                self._readable = True
            except CacheRefused as exc:
                self.refused = str(exc)
                self._readable = False
            except OSError:
                self._readable = False
        return self._readable and not self.refused

    def put(self, key: str, facts: ModuleFacts) -> None:
        if not self.writable or self.refused:
            return
        try:
            self._prepare()
            target = self._path(key)
            _make_folder(target.parent)
            payload = codec.dumps(facts)
            temporary = _write_new(target.parent, self._mac(key, payload) + payload)
            try:
                # rename replaces whatever is at the target, a planted link included, without following it.
                os.replace(temporary, target)
            except BaseException:
                _remove(temporary)
                raise
        except CacheRefused as exc:
            self.refused = str(exc)
        except OSError:
            self.writable = False

    def _prepare(self) -> None:
        if self._ready:
            return
        parent = self.folder.parent
        if not parent.exists():
            os.makedirs(parent, mode=0o700, exist_ok=True)
        if _make_folder(self.folder):
            self._ignore_file()
        _make_folder(self.entries)
        self._ready = True
        self._readable = True

    def _ignore_file(self) -> None:
        """Only in a folder this run created: never into a folder the user (or a repository) owns."""
        _create_once(self.folder, ".gitignore", b"# Created by flaskglobals-lint: the whole folder is a cache.\n*\n")


def _remove(path: os.PathLike[str] | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
