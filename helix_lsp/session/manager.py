"""``SessionManager``: one store opened for one owner, and what it holds.

The manager opens the store (a file or a PostgreSQL URL), knows who acts
through it (``owner``), hands out one live ``Session`` handle per session and
answers the questions: a session by id or name, the current and active ones,
listings and statistics. What changes sessions lives in mixins of their own,
so that each module reads as one concern: ``changes`` (every change, each one
transaction), ``timekeeping`` (activity, away pauses, history) and
``snapshots`` (export, import, the store's secret).
"""

from __future__ import annotations

import builtins
import contextlib
import os
import weakref
from collections.abc import Iterable, Iterator

from helix_lsp.session import db, lookup, queries, stores, validation
from helix_lsp.session import owner as owners
from helix_lsp.session.changes import SessionChanges
from helix_lsp.session.handle import Session, SessionList
from helix_lsp.session.model import SessionRecord, now_ms
from helix_lsp.session.snapshots import Snapshots
from helix_lsp.session.store import COLUMNS, Store
from helix_lsp.session.timekeeping import TimeKeeping


class SessionManager(SessionChanges, TimeKeeping, Snapshots):
    """Creates, changes and answers questions about the sessions of one store.

    Changes come from ``SessionChanges``; activity, away pauses and history
    from ``TimeKeeping``; export and import from ``Snapshots``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        verify: bool = True,
        offline: bool = False,
        owner: str | None = None,
    ) -> None:
        """Open the store at ``path`` as ``owner``: a file, or a ``postgresql://`` URL
        (None: ``$HELIX_LSP_DB``, else ``default_db_path()``).

        ``create=False`` refuses a store that does not exist yet instead of
        creating it (for reads). ``verify`` checks the file once before the
        first write and refuses writes into a damaged one; a caller that
        checks in the background itself passes False and calls
        ``refuse_writes``. ``offline`` opens a PostgreSQL store whose server
        cannot be reached yet: every call refuses (``StorageError``) until it can.

        ``owner`` is who creates and may change sessions through this manager
        (None: ``owner.resolve``'s rules, looked up when first needed, with a
        SQLite store's recorded local owner before git and the login name);
        the sessions of an older store without owners become theirs.
        """
        self._owner = None if owner is None else owners.normalise(owner)
        self._store: db.SessionStore = stores.open_store(
            path, create=create, verify=verify, offline=offline, owner=self._owner
        )
        self._handles: weakref.WeakValueDictionary[str, Session] = weakref.WeakValueDictionary()

    @property
    def owner(self) -> str:
        """Who this manager acts for: its sessions are theirs, others' are read-only."""
        if self._owner is None:  # a local store speaks for its one user, a shared one cannot
            recorded = self._store.local_owner if isinstance(self._store, Store) else None
            self._owner = owners.resolve(recorded=recorded)
        return self._owner

    def owner_scope(self, value: object = None) -> str | None:
        """Whose sessions a listing shows: this owner's by default, another's by name,
        everyone's (None) for ``"*"``."""
        if value is None:
            return self.owner
        return owners.scope(value, "")

    @property
    def store(self) -> db.SessionStore:
        """The open store (a language server watches a live one's connection)."""
        return self._store

    @property
    def path(self) -> str:
        """The store as users are shown it: a file, or a URL without its password."""
        return self._store.path

    @property
    def target(self) -> str:
        """What opens this store again (a URL may hold its password: never show it)."""
        return self._store.target

    @property
    def warnings(self) -> builtins.list[str]:
        """Sentences about the store a user should see once (e.g. others may read it)."""
        return self._store.warnings

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> SessionManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only_reason(self) -> str | None:
        """Why this store can only be read (None when it can be written)."""
        return self._store.read_only_reason

    def check_integrity(self) -> str | None:
        """Problems SQLite finds in the store file, or None; safe to call from a thread."""
        return self._store.check_integrity()

    def refuse_writes(self, reason: str) -> None:
        """From now on refuse every change with ``reason`` (e.g. a damaged file).

        ``reason`` is a clause ("; nothing was changed." is added) or a whole
        sentence ending in a full stop, such as ``damaged_store_message``'s.
        """
        self._store.refuse(reason)

    def data_version(self) -> int:
        """Changes whenever another connection commits to the store file."""
        return self._store.data_version()

    @contextlib.contextmanager
    def read_snapshot(self) -> Iterator[db.Connection]:
        """One read transaction on the store, for read-only faces (reports) that query
        several tables and need them to agree; nothing may be written through it."""
        with self._store.snapshot() as conn:
            yield conn

    # -- handles and lookup ---------------------------------------------------

    _unreadable: lookup.Problems | None = None

    @property
    def problems(self) -> builtins.list[str]:
        """Rows skipped so far because they cannot be read as sessions, one sentence each.

        Listings, ``current`` and ``active`` pass over such a row (and log a
        warning once) instead of failing; ``get`` of it raises ``StorageError``
        with the same sentence, and ``delete`` removes it.
        """
        return builtins.list((self._unreadable or {}).values())

    def _skipping(self) -> lookup.Problems:
        if self._unreadable is None:
            self._unreadable = {}
        return self._unreadable

    def _handle(self, rec: SessionRecord) -> Session:
        handle = self._handles.get(rec.id)
        if handle is None:
            handle = Session(self, rec)
            self._handles[rec.id] = handle
        else:
            handle._record = rec
        return handle

    def get(self, ref: str) -> Session:
        """The session with this id, or of this name (see the module's rules)."""
        with self._store.reading() as conn:
            return self._handle(lookup.find(conn, ref, self.owner))

    def resolve(self, ref: str | None, project: str | None = None, action: str = "") -> Session:
        """``ref``'s session, or when ``ref`` is None the project's current one (yours)."""
        with self._store.reading() as conn:
            return self._handle(lookup.resolve(conn, ref, project, action, self.owner))

    def current(self, project: str | None = None) -> Session | None:
        """Your current session of the project: the active one, else the most recently
        paused one, else the idle one that ``start`` would take (None when none)."""
        with self._store.reading() as conn:
            rec = lookup.current_or_none(conn, project, self._skipping(), owner=self.owner)
        return None if rec is None else self._handle(rec)

    def active(self, project: str | None = None) -> Session | None:
        """Your active session of ``project`` (of any project when None)."""
        with self._store.reading() as conn:
            if project is None:
                where = "owner = ? AND status = 'active' ORDER BY active_since DESC, seq DESC"
                params = [self.owner]
            else:
                where, params = "project = ? AND owner = ? AND status = 'active'", [
                    project,
                    self.owner,
                ]
            rec = lookup.one(conn, where, params, self._skipping())
        return None if rec is None else self._handle(rec)

    def active_sessions(self, projects: Iterable[str] | None = None) -> list[Session]:
        """Your active sessions, or those of the given projects, latest started first."""
        sql = f"SELECT {COLUMNS} FROM sessions WHERE status = 'active' AND owner = ?"
        params = [self.owner]
        if projects is not None:
            chosen = sorted(set(projects))
            params += chosen
            sql += f" AND project IN ({','.join('?' * len(chosen))})"
        with self._store.reading() as conn:
            rows = conn.execute(sql + " ORDER BY active_since DESC, seq DESC", params).fetchall()
        return [self._handle(r) for r in lookup.readable(rows, self._skipping())]

    # -- queries and transfer --------------------------------------------------

    def list(
        self,
        status: object = None,
        mode: object = None,
        project: str | None = None,
        tag: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
        owner: str | None = None,
    ) -> SessionList:
        """Sessions matching every given filter, newest first, with the total.

        Your own sessions unless ``owner`` names another owner, or is ``"*"`` (everyone's).
        """
        flt = queries.Filter(
            status=status,
            mode=mode,
            project=project,
            tag=tag,
            query=query,
            owner=self.owner_scope(owner),
        )
        limit = validation.count(limit, "limit", minimum=1, maximum=10_000)
        offset = validation.count(offset, "offset", maximum=10**9)
        with self._store.snapshot() as conn:
            records, total = queries.page(conn, flt, limit, offset, self._skipping())
        return SessionList([self._handle(r) for r in records], total)

    def stats(self, project: str | None = None, owner: str | None = None) -> queries.Stats:
        """Counts by status and mode, active time, overall and per project (of your
        own sessions unless ``owner`` names another owner, or is ``"*"``)."""
        whose = self.owner_scope(owner)
        with self._store.snapshot() as conn:
            return queries.stats(
                conn, None if project is None else validation.project(project), now_ms(), whose
            )


__all__ = ["SessionManager"]
