"""The PostgreSQL store: the same sessions, transactions and errors as the SQLite one.

Opened for a ``postgresql://`` (or ``postgres://``) URL; this module,
``pgconn`` (the connection the core runs its SQL on) and ``pgerrors`` (its
failures as sentences) are the only ones that import psycopg, and only the
store factory imports them.

* One connection per store, in autocommit mode; the store issues its own
  ``BEGIN``/``COMMIT``. A snapshot is ``REPEATABLE READ READ ONLY``
  (``pgconn.SNAPSHOT``); a change is pipelined (``PgConnection.pipelined``).
* **What a write locks.** A write transaction opens with its advisory locks,
  sent with its first statement. The schema's set-up and
  migration and an import (``store_wide``) take the store lock
  (``pgschema.STORE_LOCK``) exclusively: nothing else writes meanwhile, as
  under SQLite's ``BEGIN IMMEDIATE``. Every other change takes it *shared*
  and an exclusive lock of its owner (``pgschema.OWNER_LOCKS`` and a hash of
  the store's owner): one owner's writers queue, as SQLite's do, while
  different owners write at the same time. That is enough because a change
  only ever changes its owner's sessions (another's is refused with
  ``ForbiddenError`` before anything is written), and what it reads of
  other owners is safe without their lock:
  - the one active session per (owner, project) and the sessions a start
    pauses (``pause_others``) are the owner's own: serialised by its lock,
    and the unique index ``sessions_one_active`` refuses anything else;
  - the clock's reads across owners (``latest_pause``/``pause_bounds``, rule
    1; ``created_before``, rule 3) are lower bounds taken from committed
    rows: another owner's change committed a moment later would have given
    the same or an earlier bound, exactly as if it had queued behind this
    one; the "most recently paused" session these keep from ties is looked
    up per owner;
  - a new id is random (48 bits) and checked; two writers that drew the same
    one would meet the ``UNIQUE`` constraint (a conflict, nothing written);
    tags (``session_tags``), history, time buckets and intervals are rows of
    one session;
  - the running totals (``time_rollup``, ``place_rollup``) are shared by the
    owners of a project, and only ever added to (``ON CONFLICT DO UPDATE SET
    ms = ms + …`` and ``UPDATE … SET ms = ms - …``, whose row lock makes the
    second writer add to the first one's sum: nothing lost). They are
    written in key order, so two writers do not wait for each other's rows;
    should PostgreSQL still find a deadlock, the change it cancels is refused
    as a conflict (``ConflictError``) and nothing of it is written.
* **data_version.** A write transaction that changed anything adds one to
  its owner's row of ``store_changes`` in the round trip of its ``COMMIT``
  (the row is the owner's, already serialised by the owner lock: no row every
  writer waits for). ``data_version`` is their sum less this store's own
  commits, so, as SQLite's ``PRAGMA data_version``, it moves only when
  another connection commits, and at once: a read right after another
  writer's acknowledged commit sees it (notifications arrive later, and not
  for cursor writes).
* A trigger notifies ``project:<name>`` at commit, on that project's channel
  (``pgchannels``), for each session changed in what a status shows; a cursor
  write's new place is told right after its commit, by
  ``helix_lsp_send_moves()`` in the same round trip (see ``pgschema``). A
  server listens to the channels of its projects (``listen``, again on every
  connection opened later) and
  watches the one connection (``watch``, ``socket_fd``,
  ``received``): notifications of other connections are collected while
  statements run and taken without waiting when its socket turns readable;
  it hears when the connection is lost or opened again, may close it while
  idle (``disconnect``) and it is opened again by the next statement.
* Credentials come from libpq; a password in the URL works but is never
  shown: ``path`` and every sentence use the URL without it (``pgurl``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg

from helix_lsp.session import db, pgerrors, pgschema, pgurl
from helix_lsp.session import owner as owners
from helix_lsp.session.errors import SessionError, StorageError
from helix_lsp.session.owner import migrating_as
from helix_lsp.session.pgchannels import Channels
from helix_lsp.session.pgconn import SNAPSHOT, PgConnection, open_raw
from helix_lsp.session.schema import SCHEMA_VERSION


class PostgresStore:
    """An open PostgreSQL store (see the module's rules); ``db.SessionStore``."""

    def __init__(
        self, url: str, *, create: bool = True, offline: bool = False, owner: str | None = None
    ) -> None:
        """Connect and create or migrate the schema. ``offline``: a server that cannot
        be reached yet is not an error; the first statement connects (and prepares).
        ``owner``: who the sessions of an older store (without owners) are given to
        when it is migrated."""
        self._url = url
        self.target = url
        self.path = pgurl.redacted(url)
        self.place = pgurl.place(url)
        self.read_only_reason: str | None = None
        self.warnings: list[str] = []
        self._refusal: str | None = None
        self._secret: bytes | None = None
        self._own_commits = 0
        self._channels = Channels()
        self._inbox: list[str] = []
        self._notified = False
        self._backend_pid = 0
        self._on_connection: Callable[[str | None], None] | None = None
        self._on_notify: Callable[[], None] | None = None
        self._create = create
        self._owner = owner
        self._owner_key: int | None = None
        self._prepared = False
        self.conn: PgConnection | None = None
        try:
            self.conn = self._connect()
        except StorageError:
            if offline:
                return
            raise
        try:
            self._live()
        except SessionError:
            self.close()
            raise

    def _prepare(self) -> None:
        """Create or migrate the schema, once, on the first connection."""
        with self.transaction(lock_only=True) as conn:
            if not self._create and pgschema.version(conn) is None:
                raise StorageError(
                    f"the session store at {self.place} holds no sessions yet; "
                    "it is filled by the first change."
                )
            with migrating_as(self._owner):  # older sessions become ``owner``'s
                version = pgschema.prepare(conn, os.urandom(32))
        if version > SCHEMA_VERSION:
            self.read_only_reason = (
                f"the session store at {self.place} has schema version {version}, newer than "
                f"this helix-lsp understands ({SCHEMA_VERSION}); upgrade helix-lsp "
                "to change it"
            )

    # -- connection and errors ------------------------------------------------

    def _open_raw(self) -> psycopg.Connection[Any]:
        try:
            return open_raw(self._url)
        except psycopg.Error as err:
            raise self._error(err, connecting=True) from None

    def _connect(self) -> PgConnection:
        try:
            raw = self._open_raw()
            raw.add_notify_handler(self._collect)
            self._backend_pid = raw.info.backend_pid
            if self._channels.listening:
                try:
                    self._channels.connected(raw)
                except psycopg.Error as err:
                    raw.close()
                    raise self._error(err, connecting=True) from None
        except StorageError as err:
            if self._on_connection is not None:
                self._on_connection(err.message)
            raise
        if self._on_connection is not None:
            self._on_connection(None)
        return PgConnection(raw)

    def _live(self) -> PgConnection:
        """The connection, opened again when the last one was lost or closed."""
        if self.conn is None or self.conn.raw.closed:
            self.conn = self._connect()
        conn = self.conn
        if not self._prepared:
            self._prepared = True  # (the preparing transaction comes back here)
            try:
                self._prepare()
            except BaseException:
                self._prepared = False
                raise
        return conn

    def _collect(self, note: Any) -> None:
        """psycopg's handler: a notification that arrived while a statement ran."""
        if note.pid != self._backend_pid:
            self._inbox.append(note.payload)
            self._notified = True

    def _lost(self, err: SessionError) -> None:
        """Tell the watcher the connection is gone (closing what is left of it)."""
        conn = getattr(self, "conn", None)
        if conn is not None and (conn.raw.closed or conn.raw.broken):
            conn.raw.close()
            if self._on_connection is not None:
                self._on_connection(err.message)

    def _after(self) -> None:
        """After a statement: tell the watcher of notifications it collected."""
        if self._notified and self._on_notify is not None:
            self._notified = False
            self._on_notify()

    def _error(self, err: BaseException, *, connecting: bool = False) -> SessionError:
        return pgerrors.sentence(err, self.place, pgurl.password(self._url), connecting=connecting)

    def _fail(self, err: BaseException) -> SessionError:
        """The sentence for ``err``; a lost connection is also told to the watcher."""
        error = self._error(err)
        self._lost(error)
        return error

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.raw.close()

    def refuse(self, reason: str) -> None:
        """Refuse every write from now on: ``reason`` is a clause, or a whole sentence."""
        self.read_only_reason = reason.rstrip(".")
        self._refusal = reason if reason.endswith(".") else None

    # -- transactions -----------------------------------------------------------

    def _writer_key(self) -> int:
        """The store's owner's key (``pgschema.owner_key``; the manager's owner, by the
        same rules, ``owner.resolve``, when none was given)."""
        if self._owner_key is None:
            name = self._owner if self._owner is not None else owners.resolve()
            self._owner_key = pgschema.owner_key(name)
        return self._owner_key

    @contextlib.contextmanager
    def transaction(
        self, *, store_wide: bool = False, lock_only: bool = False
    ) -> Iterator[PgConnection]:
        """One write transaction, all or nothing, behind the locks the module
        describes: the owner's (``store_wide``: the whole store's)."""
        conn = self._live()  # (first: connecting may find the store newer than this code)
        if self.read_only_reason is not None and not lock_only:
            raise StorageError(self._refusal or f"{self.read_only_reason}; nothing was changed.")
        key = 0 if lock_only else self._writer_key()
        locks = pgschema.write_locks(None if store_wide or lock_only else key)
        # A change is pipelined (see ``PgConnection.pipelined``): the locks go out
        # with its first read, its writes with its COMMIT. The schema's set-up
        # and an import (their own bulk batches) are not.
        pipelined = not (store_wide or lock_only) and psycopg.Pipeline.is_supported()
        conn.wrote = False
        try:
            with conn.pipelined() if pipelined else contextlib.nullcontext():
                conn.run_all(["BEGIN", locks])
                yield conn
                counted = conn.wrote and not lock_only
                if counted:
                    conn.run_all([
                        "INSERT INTO store_changes (owner_key, changes) "
                        f"VALUES ({key}, 1) ON CONFLICT (owner_key) "
                        "DO UPDATE SET changes = store_changes.changes + 1",
                        "COMMIT",
                        "SELECT helix_lsp_send_moves()",
                    ])
                else:
                    conn.run_all(["COMMIT"])
            # (a pipeline's end waits for every answer: the COMMIT's too)
            if counted:
                self._own_commits += 1
        except BaseException as exc:
            self._rollback(conn)
            if isinstance(exc, psycopg.Error | db.IntegrityError):
                raise self._fail(exc) from None
            raise
        self._after()

    @staticmethod
    def _rollback(conn: PgConnection) -> None:
        if not conn.raw.closed:
            with contextlib.suppress(psycopg.Error):
                conn.raw.execute("ROLLBACK")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[PgConnection]:
        """A read-only transaction that sees one state of the store (see ``SNAPSHOT``)."""
        conn = self._live()
        try:
            conn.raw.execute(SNAPSHOT)
            try:
                yield conn
            finally:
                if not conn.raw.closed:
                    conn.raw.execute("COMMIT")
        except psycopg.Error as err:
            self._rollback(conn)
            raise self._fail(err) from None
        self._after()

    @contextlib.contextmanager
    def reading(self) -> Iterator[PgConnection]:
        """Reads whose statements need no common snapshot (each its own)."""
        conn = self._live()
        try:
            yield conn
        except psycopg.Error as err:
            raise self._fail(err) from None
        self._after()

    # -- what the manager asks of every store ------------------------------------

    def data_version(self) -> int:
        """Changes whenever another connection commits a change to the store."""
        try:
            row = self._live().raw.execute(
                "SELECT COALESCE(SUM(changes), 0) FROM store_changes"
            ).fetchone()
        except psycopg.Error as err:
            raise self._fail(err) from None
        self._after()
        return (0 if row is None else int(row[0])) - self._own_commits

    def secret(self) -> bytes:
        """The store's own random secret, created with the store."""
        if self._secret is None:
            with self.reading() as conn:
                row = conn.execute("SELECT value FROM store_meta WHERE key = 'secret'").fetchone()
            self._secret = os.urandom(32) if row is None else bytes(row[0])
        return self._secret

    def check_integrity(self) -> str | None:
        """Nothing to check from here: the server keeps its own pages sound."""
        return None

    # -- a watched connection (the language server's live status) -------------

    def watch(
        self, on_connection: Callable[[str | None], None], on_notify: Callable[[], None]
    ) -> None:
        """``on_connection(None)`` each time the connection is opened again,
        ``on_connection(sentence)`` when it is lost or cannot be opened;
        ``on_notify()`` after a statement during which other writers' notifications
        arrived (``received`` takes them)."""
        self._on_connection, self._on_notify = on_connection, on_notify

    def unwatch(self) -> None:
        self._on_connection = self._on_notify = None

    def listen(self, projects: Iterable[str]) -> None:
        """Hear the changes of ``projects`` (only those): ``LISTEN`` on their channels,
        ``UNLISTEN`` those of projects no longer named, now and on every connection
        opened later."""
        self._channels.want(projects)
        conn = self.conn
        if conn is not None and not conn.raw.closed:
            try:
                self._channels.apply(conn.raw)
            except psycopg.Error as err:
                raise self._fail(err) from None

    def socket_fd(self) -> int | None:
        """The open connection's socket (readable when notifications wait), else None."""
        if self.conn is None or self.conn.raw.closed:
            return None
        return self.conn.raw.pgconn.socket

    def received(self) -> list[str]:
        """The payloads other connections' notifications brought so far; never waits.

        ``StorageError`` (and the watcher hears it) when the connection turns out lost.
        """
        raw = None if self.conn is None else self.conn.raw
        if raw is not None and not raw.closed:
            problem: SessionError | None = None
            try:
                raw.pgconn.consume_input()
                while (note := raw.pgconn.notifies()) is not None:
                    if note.be_pid != self._backend_pid:
                        self._inbox.append(note.extra.decode("utf-8", "replace"))
            except psycopg.Error as err:
                problem = self._error(err)
            if problem is None and raw.pgconn.status != psycopg.pq.ConnStatus.OK:
                problem = StorageError(
                    f"the session store at {self.place} is unreachable (the connection was "
                    "lost); nothing was changed."
                )
            if problem is not None:
                raw.close()
                if self._on_connection is not None:
                    self._on_connection(problem.message)
                raise problem
        found, self._inbox, self._notified = self._inbox, [], False
        return found

    def connect(self) -> None:
        """Open the connection unless it is open (``StorageError`` when it cannot be)."""
        self._live()

    def disconnect(self) -> None:
        """Close the connection on purpose; the next statement opens it again."""
        if self.conn is not None:
            self.conn.raw.close()

    def probe(self) -> None:
        """Open and close a connection of its own (safe from another thread)."""
        self._open_raw().close()

    # -- notifications, for a caller without a watcher ---------------------------

    def notifications(self, timeout: float = 0.0) -> list[str]:
        """Other connections' payloads received so far, waiting up to ``timeout`` s for one."""
        import select

        found = self.received()
        fd = self.socket_fd()
        if not found and timeout > 0 and fd is not None:
            select.select([fd], [], [], timeout)
            found = self.received()
        return found
