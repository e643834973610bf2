"""The store file before SQLite writes to it: what it is, whose it is, who may read it.

Opening a file with SQLite in read-write mode is not harmless: switching to
WAL, setting ``user_version`` or creating tables changes it, and even a
read-only connection leaves ``-wal``/``-shm`` files beside a WAL database.
So a path is looked at first, with plain file calls and, where needed, a
connection that cannot create or change anything:

* a directory, FIFO or device is refused before anything is created;
* a file that exists is a helix-lsp store when it is empty, carries our
  ``application_id``, or (stores of schema version 1, from before the id)
  holds our tables with our columns; an SQLite database with no tables at all is an empty
  store; anything else is someone else's file, refused and left byte for
  byte as it was;
* folders are created 0700 and the file 0600, but only the ones helix-lsp
  creates: an existing folder keeps its mode, and an existing store that
  other users can read is reported, not changed;
* a store in a folder this process cannot write, whose ``-wal`` holds
  changes but whose ``-shm`` is missing, is read from a private copy (SQLite
  would otherwise ignore the ``-wal`` and show an old state).
"""

from __future__ import annotations

import contextlib
import enum
import os
import sqlite3
import stat
from pathlib import Path
from typing import Final

from helix_lsp.session.errors import StorageError

#: ``PRAGMA application_id`` of a helix-lsp store ("HXLS"), set by schema version 2.
APPLICATION_ID: Final = 0x48584C53
_MAGIC: Final = b"SQLite format 3\x00"
_OUR_TABLES: Final = frozenset({"sessions", "session_tags"})
#: The columns of ``sessions`` in schema version 1 (a store from before the id).
_V1_COLUMNS: Final = frozenset(
    [
        "id",
        "name",
        "mode",
        "status",
        "project",
        "description",
        "tags",
        "metadata",
        "context",
        "created_at",
        "updated_at",
        "started_at",
        "last_paused_at",
        "ended_at",
        "failure_reason",
        "active_ms",
        "active_since",
        "version",
        "seq",
    ]
)


#: (device, inode) -> how many stores of this process have the file open. Closing
#: any descriptor of a file drops every POSIX lock the process holds on it
#: (SQLite's "How To Corrupt", 2.2): another process would then think it the
#: last connection and delete the -wal under the first one. So a file this
#: process already has open is never opened and closed again with plain calls.
_HELD: dict[tuple[int, int], int] = {}


def _key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def hold(path: Path) -> tuple[int, int] | None:
    """Note that a store of this process has ``path`` open; the key for ``release``."""
    key = _key(path)
    if key is not None:
        _HELD[key] = _HELD.get(key, 0) + 1
    return key


def release(key: tuple[int, int] | None) -> None:
    if key is not None and key in _HELD:
        _HELD[key] -= 1
        if not _HELD[key]:
            del _HELD[key]


def held(path: Path) -> bool:
    """Whether a store of this process has ``path`` open (see ``_HELD``)."""
    key = _key(path)
    return key is not None and key in _HELD


def writable(path: Path) -> bool:
    """Whether this process may write the file and create files beside it (the -wal).

    Asked with ``access`` and a probe file in the folder, never by opening the
    store itself (see ``_HELD``).
    """
    effective = os.access in os.supports_effective_ids
    if not os.access(path, os.W_OK, effective_ids=effective):
        return False
    probe = path.parent / f".{path.name}.probe-{os.getpid()}"
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)  # left by a killed process that had our pid
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.unlink(probe)
    except OSError:
        return False
    return True


class FileState(enum.Enum):
    """What is at a store path before it is opened."""

    MISSING = "missing"
    EMPTY = "empty"  # an empty file, or an SQLite database without a table
    STORE = "store"


def not_a_store_message(path: str, detail: str) -> str:
    """The one sentence for a file that is not a helix-lsp store."""
    return (
        f"{path} is not a helix-lsp store ({detail}); it was left untouched, "
        "give helix-lsp a path of its own."
    )


def check_path(path: Path, *, create: bool) -> FileState:
    """What is at ``path``; refuses anything but a regular file or nothing.

    Nothing is created or opened for writing. ``create=False`` refuses a path
    where no store exists yet, so that a mistyped path for a read does not
    leave folders and an empty store behind.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            raise StorageError(
                f"the session store {path} does not exist; it is created by the first change."
            ) from None
        _check_folder(path.parent)
        return FileState.MISSING
    except OSError as err:
        raise StorageError(f"cannot open the session store {path}: {err.strerror}.") from err
    kind = _kind(info.st_mode)
    if kind is not None:
        raise StorageError(
            f"the session store {path} is {kind}, not a file; give --db or HELIX_LSP_DB "
            "the path of a file (nothing was created)."
        )
    if info.st_size == 0:
        if not create:
            raise StorageError(
                f"the session store {path} is empty; it is filled by the first change."
            )
        return FileState.EMPTY
    return FileState.STORE


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_folder(folder: Path) -> None:
    """The nearest existing ancestor of a new store must be a directory."""
    for parent in (folder, *folder.parents):
        try:
            mode = parent.stat().st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return  # cannot look: creating it will say why
        if not stat.S_ISDIR(mode):
            raise StorageError(
                f"cannot create the session store in {folder}: {parent} is not a directory."
            )
        return


def prepare(path: Path) -> None:
    """Create the missing folders (0700) and the file (0600); change nothing that exists."""
    missing = []
    for parent in (path.parent, *path.parent.parents):
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # whatever the umask
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def permission_warning(path: Path) -> str | None:
    """A sentence when other users may read or write the store file, else None."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    who = "its group and other users" if mode & 0o007 else "its group"
    return (
        f"the session store {path} can be accessed by {who} (mode {mode:04o}); "
        f"helix-lsp leaves it so, run 'chmod 600 {path}' to make it private."
    )


def sidecars(path: Path) -> tuple[bool, bool]:
    """Whether ``-wal`` and ``-shm`` files exist beside the store."""
    return Path(f"{path}-wal").exists(), Path(f"{path}-shm").exists()


class ReadOnlyView:
    """A connection that reads a store without creating or changing any file.

    * no ``-wal``: ``immutable=1`` (SQLite creates nothing, takes no lock);
    * ``-wal`` and ``-shm``: ``mode=ro`` (both exist, nothing is created);
    * ``-wal`` without ``-shm``: a private copy of the file and its ``-wal``
      in a temporary folder, removed again by ``close``, so that the changes
      in the ``-wal`` are read rather than silently ignored;
    * ``wal=False``: the file alone, ignoring any ``-wal`` (when no copy fits).

    ``live`` (for a store known to be ours) prefers ``mode=ro`` when there is
    no ``-wal`` yet, so that commits other processes make later are seen; in a
    folder SQLite can write, that leaves ``-wal``/``-shm`` beside the store.
    """

    def __init__(
        self, path: Path, *, timeout: float = 5.0, wal: bool = True, live: bool = False
    ) -> None:
        self.path = path
        self._copy: Path | None = None
        has_wal, has_shm = sidecars(path)
        if live and not has_wal and wal:
            with contextlib.suppress(sqlite3.OperationalError):
                conn = _connect_ro(path, "?mode=ro", timeout)
                try:  # a WAL store in a folder SQLite cannot write fails here
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                except sqlite3.OperationalError:
                    conn.close()
                    raise
                self.conn = conn
                return
        if not has_wal or not wal:
            self.conn = _connect_ro(path, "?mode=ro&immutable=1", timeout)
        elif has_shm:
            self.conn = _connect_ro(path, "?mode=ro", timeout)
        else:
            import shutil  # late, as below: only this rare case needs them
            import tempfile

            self._copy = Path(tempfile.mkdtemp(prefix="helix-lsp-store-"))
            try:
                target = self._copy / "sessions.db"
                shutil.copyfile(path, target)
                shutil.copyfile(f"{path}-wal", f"{target}-wal")
                self.conn = _connect_ro(target, "?mode=ro", timeout)
            except BaseException:
                self.close()
                raise

    @property
    def copied(self) -> bool:
        """Whether the view reads a private copy (and so misses later changes)."""
        return self._copy is not None

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
        if self._copy is not None:
            import shutil

            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None


def _connect_ro(path: Path, flags: str, timeout: float) -> sqlite3.Connection:
    return sqlite3.connect(
        path.resolve().as_uri() + flags,
        uri=True,
        isolation_level=None,
        check_same_thread=False,
        timeout=timeout,
    )


def _header(path: Path) -> tuple[int, int] | None:
    """``(user_version, application_id)`` from an SQLite header, None if not SQLite."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(_MAGIC):
        return None
    return int.from_bytes(head[60:64], "big"), int.from_bytes(head[68:72], "big")


def recognise(path: Path) -> FileState:
    """``STORE`` or ``EMPTY`` for a file of ours; ``StorageError`` for anyone else's.

    Only reads: the header with plain file calls, the table names through a
    ``ReadOnlyView`` when the header alone cannot tell. A file a store of this
    process has open is ours and is not opened again.
    """
    if held(path):
        return FileState.STORE
    try:
        header = _header(path)
    except OSError as err:
        raise StorageError(f"cannot read the session store {path}: {err.strerror}.") from err
    if header is None:
        raise StorageError(not_a_store_message(str(path), "it is not an SQLite database"))
    user_version, app_id = header
    if app_id == APPLICATION_ID:
        return FileState.STORE
    if app_id != 0:
        raise StorageError(
            not_a_store_message(str(path), f"an SQLite database of application {app_id:#x}")
        )
    try:
        view = ReadOnlyView(path)
    except OSError as err:
        raise StorageError(f"cannot read the session store {path}: {err.strerror}.") from err
    try:
        rows = view.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        # the header read above may predate a -wal that sets the id
        wal_app_id = view.conn.execute("PRAGMA application_id").fetchone()[0]
        wal_version = view.conn.execute("PRAGMA user_version").fetchone()[0]
        columns = {
            row[0] for row in view.conn.execute("SELECT name FROM pragma_table_info('sessions')")
        }
    except sqlite3.DatabaseError as err:
        raise StorageError(
            f"the session store {path} is damaged or not a helix-lsp store ({err}); "
            "it was left untouched."
        ) from err
    finally:
        view.close()
    tables = {row[0] for row in rows}
    if wal_app_id == APPLICATION_ID or (tables >= _OUR_TABLES and columns >= _V1_COLUMNS):
        return FileState.STORE
    if not tables and wal_app_id == 0 and user_version == 0 and wal_version == 0:
        return FileState.EMPTY
    if wal_app_id != 0:
        detail = f"an SQLite database of application {wal_app_id:#x}"
    else:
        shown = ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
        noun = "table" if len(tables) == 1 else "tables"
        detail = f"an SQLite database with the {noun} {shown}" if tables else "an SQLite database"
    raise StorageError(not_a_store_message(str(path), detail))
