"""The SQLite store behind the session manager (``db.SessionStore`` for a file).

One file, WAL mode, a busy timeout so that two processes wait for each other
instead of failing, one ``BEGIN IMMEDIATE`` transaction per change (so a
read-check-write never works on a stale row), and a schema version kept in
``PRAGMA user_version`` with a migration per step. A store written by a newer
helix-lsp is refused, never rewritten. Before SQLite opens the file for
writing, ``storefile`` makes sure it is ours (someone else's database is
refused untouched) and creates only what is missing; before the first write,
the file is checked once, so a damaged store is never written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from helix_lsp.session import db, localowner, rows, storefile
from helix_lsp.session.errors import (
    ConflictError,
    StorageError,
    damaged_store_message,
    one_active_conflict,
)
from helix_lsp.session.owner import migrating_as
from helix_lsp.session.rows import COLUMNS, FIELDS
from helix_lsp.session.schema import MIGRATIONS, SCHEMA_VERSION, read_older

APP_NAME: Final = "helix-lsp"
DB_ENV: Final = "HELIX_LSP_DB"
BUSY_TIMEOUT_MS: Final = 5000
SECRET_BYTES: Final = 32


def default_db_path() -> Path:
    """``$HELIX_LSP_DB``, else ``sessions.db`` in the platform's user data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported late: only the default path needs it

    return platformdirs.user_data_path(APP_NAME) / "sessions.db"


def describe_sqlite_error(err: sqlite3.Error, path: str) -> StorageError | ConflictError:
    """Turn a SQLite failure into the core's error family, with a usable sentence."""
    if isinstance(err, sqlite3.IntegrityError) and db.one_active_refused(str(err)):
        return one_active_conflict()
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return ConflictError(
            "the session store is busy with another writer; nothing was changed, try again."
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(f"the session store {path} is read-only; nothing was changed.")
    if "full" in text or "disk i/o" in text or "too big" in text:
        return StorageError(
            f"the session store {path} could not be written ({err}); nothing was changed."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"the session store {path} is damaged or not a helix-lsp store ({err}); it was left untouched."
        )
    return StorageError(f"the session store {path} failed: {err}.")


class Store:
    """An open store file: connection, schema, transactions.

    A store that cannot be written (a read-only file or folder, a schema from a
    newer helix-lsp, a damaged file) still opens for reading:
    ``read_only_reason`` says why, and every write is refused with that
    sentence before anything is touched. With ``verify``, the file is checked
    once (``PRAGMA quick_check``) before the first write, so that nothing is
    ever written into a torn page. ``owner`` is who the sessions of an older
    store (without owners) are given to when it is migrated. ``local_owner``
    is the owner the store records for the person whose file it is (see
    ``localowner``), None when it has none (or is another OS user's file).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        verify: bool = True,
        owner: str | None = None,
    ) -> None:
        target = default_db_path() if path is None else path
        self.path = str(target)
        self.target = self.path
        self.read_only_reason: str | None = None
        self.warnings: list[str] = []
        self._refusal: str | None = None
        self._verified = not verify
        self._view: storefile.ReadOnlyView | None = None
        self._secret: bytes | None = None
        self._held: tuple[int, int] | None = None
        self.local_owner: str | None = None
        self._ours = False  # the file is this OS user's: its local owner may be used
        memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        try:
            if not memory:
                self._open_file(Path(self.path), create)
            self.conn = self._connect(read_only=self.read_only_reason is not None, memory=memory)
            if not memory:
                self._held = storefile.hold(Path(self.path))
        except (OSError, sqlite3.Error) as err:
            self._close_view()
            detail = getattr(err, "strerror", None) or err
            raise StorageError(f"cannot open the session store {self.path}: {detail}.") from err
        try:
            self._ours = memory or localowner.ours(Path(self.path))
            self._configure(memory)
            with migrating_as(owner):  # older sessions become ``owner``'s
                if self.read_only_reason is None:
                    self._migrate()
                if not memory:
                    version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                    if version < SCHEMA_VERSION and self._has_sessions():
                        read_older(self.conn, version)
                if self._ours:
                    self.local_owner = self._recorded_owner()
        except sqlite3.Error as err:
            self.close()
            raise describe_sqlite_error(err, self.path) from err
        except StorageError:
            self.close()
            raise

    def _open_file(self, file: Path, create: bool) -> None:
        """Look before opening: refuse what is not ours, create only what is missing."""
        state = storefile.check_path(file, create=create)
        if state is storefile.FileState.STORE:
            state = storefile.recognise(file)
            if state is storefile.FileState.EMPTY and not create:
                raise StorageError(
                    f"the session store {file} holds no sessions yet; "
                    "it is filled by the first change."
                )
        if state is storefile.FileState.MISSING:
            storefile.prepare(file)
        elif (warning := storefile.permission_warning(file)) is not None:
            self.warnings.append(warning)
        if not storefile.writable(file):
            self.read_only_reason = f"the session store {self.path} is read-only"

    def _connect(self, *, read_only: bool, memory: bool) -> sqlite3.Connection:
        if not read_only or memory:
            return sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        try:
            self._view = storefile.ReadOnlyView(
                Path(self.path), timeout=BUSY_TIMEOUT_MS / 1000, live=True
            )
            self._view.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except OSError:  # no room for a private copy: the file alone, said to be stale
            self._close_view()
            self._view = storefile.ReadOnlyView(Path(self.path), wal=False)
            self.warnings.append(
                f"the session store {self.path} has changes in its -wal file that cannot be "
                "read here (its -shm file is missing and its folder is read-only); what is "
                "shown may be out of date."
            )
        except sqlite3.Error as err:
            self._close_view()
            raise StorageError(f"cannot read the session store {self.path} ({err}).") from err
        return self._view.conn

    def _close_view(self) -> None:
        if self._view is not None:
            self._view.close()
            self._view = None

    def _configure(self, memory: bool) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self.read_only_reason = (
                f"the session store {self.path} has schema version {version}, newer than this "
                f"helix-lsp understands ({SCHEMA_VERSION}); upgrade helix-lsp to change it"
            )
            return
        if self.read_only_reason is None:
            if not memory:
                conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL makes each commit survive a crash of the
            # process (what editors do to language servers) without an fsync
            # per change; a power cut may lose the last commits, never the file.
            conn.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > 0:  # a migration rewrites a store with sessions: never a damaged one
            problem = self.check_integrity()
            self._verified = True
            if problem is not None:
                self.refuse(damaged_store_message(self.path, problem))
                return
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                if self._ours:
                    localowner.record(conn)  # the owner the migration filled in

    def _recorded_owner(self) -> str | None:
        """The recorded local owner; recorded now when the store can be written
        and has none yet (a store made before the record, opened writable)."""
        found = localowner.read(self.conn)
        if found is None and self.read_only_reason is None:
            with contextlib.suppress(StorageError, ConflictError), self.transaction() as conn:
                found = localowner.record(conn)
        return found

    def _has_sessions(self) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"
        ).fetchone()
        return row is not None

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None and self._view is None:
            conn.close()
        self._close_view()
        storefile.release(self._held)
        self._held = None

    def refuse(self, reason: str) -> None:
        """Refuse every write from now on: ``reason`` is a clause, or a whole sentence."""
        self.read_only_reason = reason.rstrip(".")
        self._refusal = reason if reason.endswith(".") else None

    def _verify(self) -> None:
        """Check the file once before the first write; a damaged one refuses every write."""
        if self._verified:
            return
        self._verified = True
        problem = self.check_integrity()
        if problem is not None:
            self.refuse(damaged_store_message(self.path, problem))

    @contextlib.contextmanager
    def transaction(self, *, store_wide: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (IMMEDIATE), all or nothing; every one
        is ``store_wide`` (no other writer meanwhile)."""
        self._verify()
        if self.read_only_reason is not None:
            raise StorageError(self._refusal or f"{self.read_only_reason}; nothing was changed.")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise describe_sqlite_error(exc, self.path) from exc
            raise

    def secret(self) -> bytes:
        """The store's own random secret (``store_meta``), created with the store.

        A store this process cannot write and that has none yet (schema
        version 1 in a read-only folder) gets one for this process only:
        nothing derived from it can be stored there anyway.
        """
        if self._secret is None:
            row = None
            with contextlib.suppress(sqlite3.OperationalError):  # no table: schema version 1
                row = self.conn.execute(
                    "SELECT value FROM store_meta WHERE key = 'secret'"
                ).fetchone()
            if row is None and self.read_only_reason is None:
                with self.transaction() as conn:
                    conn.execute(
                        "INSERT INTO store_meta (key, value) VALUES ('secret', ?) "
                        "ON CONFLICT (key) DO NOTHING",
                        [os.urandom(SECRET_BYTES)],
                    )
                    row = conn.execute(
                        "SELECT value FROM store_meta WHERE key = 'secret'"
                    ).fetchone()
            self._secret = os.urandom(SECRET_BYTES) if row is None else bytes(row[0])
        return self._secret

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so that several queries see one state of the file."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error:  # after a read of a damaged page: nothing to keep
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err

    def check_integrity(self) -> str | None:
        """What SQLite's quick check finds wrong with the file (None when sound).

        It uses a connection of its own, so a caller may run it in a thread and
        keep serving meanwhile: on a large store it reads every page.
        """
        if self.path == ":memory:" or self.path.startswith("file::memory:"):
            return None
        uri = Path(self.path).resolve().as_uri()
        for flags in ("?mode=ro", "?mode=ro&immutable=1"):  # as in _connect
            try:
                with contextlib.closing(sqlite3.connect(uri + flags, uri=True, timeout=5)) as conn:
                    rows = conn.execute("PRAGMA quick_check(3)").fetchall()
            except sqlite3.OperationalError:
                continue  # could not look (locked, read-only folder): no verdict
            except sqlite3.DatabaseError as err:
                return str(err)
            problems = [  # one line each, without SQLite's "*** in database main ***"
                " ".join(str(row[0]).replace("*** in database main ***", "").split())
                for row in rows
                if row[0] != "ok"
            ]
            return "; ".join(problems) if problems else None
        return None

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Reads whose statements need no common snapshot (no BEGIN/COMMIT round)."""
        try:
            yield self.conn
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file."""
        try:
            value: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err
        return value

    # -- rows: kept here for the modules that map rows through the store --------

    to_record = staticmethod(rows.to_record)
    insert = staticmethod(rows.insert)
    update = staticmethod(rows.update)


__all__ = ["COLUMNS", "FIELDS", "Store", "default_db_path", "describe_sqlite_error"]
