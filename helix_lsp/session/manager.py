"""``SessionManager``: every change to a session, each one transaction.

Each change reads the row, checks it and writes it back inside one write
transaction that no other writer interleaves with (SQLite's ``BEGIN
IMMEDIATE``, PostgreSQL's advisory lock: see ``stores``), so two managers on
one store (two editor windows, the CLI beside a server, two machines) never
lose each other's changes. A refused
change raises before anything is written.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from helix_lsp.session import (
    clock,
    db,
    events,
    lookup,
    queries,
    rollup,
    stores,
    transitions,
    validation,
)
from helix_lsp.session import owner as owners
from helix_lsp.session.errors import ForbiddenError, InvalidArgumentError, InvalidTransitionError
from helix_lsp.session.handle import Session, SessionList, Transition
from helix_lsp.session.model import Mode, SessionRecord, Status, now_ms
from helix_lsp.session.snapshots import Snapshots
from helix_lsp.session.store import COLUMNS, Store
from helix_lsp.session.timekeeping import TimeKeeping

if TYPE_CHECKING:
    pass


class SessionManager(TimeKeeping, Snapshots):
    """Creates, changes and answers questions about the sessions of one store.

    Activity, away pauses and history come from ``TimeKeeping``.
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
        (None: ``owner.resolve``'s rules, looked up when first needed); the
        sessions of an older store without owners become theirs.
        """
        self._owner = None if owner is None else owners.normalise(owner)
        self._store: db.SessionStore = stores.open_store(
            path, create=create, verify=verify, offline=offline, owner=self._owner
        )
        self._handles: weakref.WeakValueDictionary[str, Session] = weakref.WeakValueDictionary()

    @property
    def owner(self) -> str:
        """Who this manager acts for: its sessions are theirs, others' are read-only."""
        if self._owner is None:
            self._owner = owners.resolve()
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

    # -- changes ---------------------------------------------------------------

    def _change(
        self,
        ref: object,
        fn: Callable[[SessionRecord], None],
        project: str | None = None,
    ) -> SessionRecord:
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, "", self.owner)
            lookup.check_owner(rec, self.owner, "")
            before = rec.copy()
            fn(rec)
            rec.updated_at = clock.event_time(now_ms(), rec.updated_at)
            transitions.touch(rec, rec.updated_at)
            Store.update(conn, rec, before)
        return rec

    def create(
        self,
        name: str,
        mode: Mode | str = Mode.BUILDING,
        project: str | None = None,
        *,
        description: str | None = None,
        tags: Iterable[str] = (),
        metadata: Mapping[str, str] | None = None,
        context: Mapping[str, str] | None = None,
        start: bool = False,
    ) -> Session:
        """A new idle session (started at once when ``start``)."""
        at = now_ms()
        rec = SessionRecord(
            id="",
            name=validation.name(name),
            mode=Mode.parse(mode),
            status=Status.IDLE,
            project=validation.project(project or lookup.default_project()),
            description=validation.optional_text(
                description, "the description", validation.MAX_DESCRIPTION
            ),
            tags=validation.tags(tags),
            metadata=validation.mapping(metadata, "metadata"),
            context=validation.mapping(context, "context"),
            created_at=at,
            updated_at=at,
            last_activity_at=at,
            owner=self.owner,
        )
        with self._store.transaction() as conn:
            rec.id = self._new_id(conn)
            Store.insert(conn, rec)
            events.append(conn, rec, events.Event(at, "created", "user", rec.mode.value))
            if start:
                transitions.pause_others(conn, rec, at)
                before = rec.copy()
                transitions.apply(conn, rec, "start", at, at=at)
                Store.update(conn, rec, before)
        return self._handle(rec)

    @staticmethod
    def _new_id(conn: db.Connection) -> str:
        while True:
            candidate = os.urandom(6).hex()
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", [candidate]).fetchone() is None:
                return candidate

    def _transition(
        self,
        ref: object,
        action: str,
        reason: str | None = None,
        project: str | None = None,
        *,
        by: str = "user",
        keep_away: bool = False,
    ) -> Transition:
        if action == "fail":
            reason = validation.text(
                reason, "the failure reason", validation.MAX_REASON, single_line=False
            )
        by = _checked_by(by)
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, action, self.owner)
            lookup.check_owner(rec, self.owner, action)
            before = rec.copy()
            now = now_ms()
            if keep_away:
                at = transitions.resume_keeping_away(conn, rec, now)
            else:
                at = transitions.apply(conn, rec, action, now, by=by, reason=reason)
            active = rec.status is Status.ACTIVE
            paused = transitions.pause_others(conn, rec, max(at, now)) if active else []
            if by != "idle":
                transitions.touch(rec, max(at, now) if keep_away else at)
            Store.update(conn, rec, before)
        return Transition(self._handle(rec), [self._handle(p) for p in paused])

    def start(
        self, ref: str | None = None, *, project: str | None = None, by: str = "user"
    ) -> Transition:
        return self._transition(ref, "start", project=project, by=by)

    def pause(
        self, ref: str | None = None, *, project: str | None = None, by: str = "user"
    ) -> Transition:
        return self._transition(ref, "pause", project=project, by=by)

    def resume(
        self,
        ref: str | None = None,
        *,
        project: str | None = None,
        by: str = "user",
        keep_away: bool = False,
    ) -> Transition:
        """Resume a paused session; ``keep_away`` counts the paused gap as active after all."""
        return self._transition(ref, "resume", project=project, by=by, keep_away=keep_away)

    def complete(
        self, ref: str | None = None, *, project: str | None = None, by: str = "user"
    ) -> Transition:
        return self._transition(ref, "complete", project=project, by=by)

    def fail(
        self, ref: str | None, reason: str, *, project: str | None = None, by: str = "user"
    ) -> Transition:
        return self._transition(ref, "fail", reason, project=project, by=by)

    def set_mode(self, ref: str | None, mode: Mode | str, *, project: str | None = None) -> Session:
        """Change the mode; time before the change counts for the old mode."""
        new_mode = Mode.parse(mode)
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, "", self.owner)
            lookup.check_owner(rec, self.owner, "change the mode of")
            before = rec.copy()
            transitions.change_mode(conn, rec, new_mode, now_ms())
            if rec != before:
                Store.update(conn, rec, before)
        return self._handle(rec)

    def add_tag(self, ref: str | None, tag: str, *, project: str | None = None) -> Session:
        return self.add_tags(ref, [tag], project=project)

    def add_tags(
        self, ref: str | None, tags: Iterable[str], *, project: str | None = None
    ) -> Session:
        """Add several tags at once: all of them, or (on any bad tag or past the cap) none."""
        checked = validation.tags(tags)

        def change(rec: SessionRecord) -> None:
            rec.tags = validation.tags([*rec.tags, *checked])

        return self._handle(self._change(ref, change, project))

    def remove_tag(self, ref: str | None, tag: str, *, project: str | None = None) -> Session:
        checked = validation.tag(tag)
        return self._handle(
            self._change(
                ref,
                lambda r: r.tags.__setitem__(slice(None), [t for t in r.tags if t != checked]),
                project,
            )
        )

    def set_metadata(
        self, ref: str | None, key: str, value: str | None, *, project: str | None = None
    ) -> Session:
        updates = {key: value}
        validation.merge({}, {k: v for k, v in updates.items()}, "metadata")
        return self._handle(
            self._change(
                ref,
                lambda r: setattr(r, "metadata", validation.merge(r.metadata, updates, "metadata")),
                project,
            )
        )

    def set_context(
        self, ref: str | None, key: str, value: str | None, *, project: str | None = None
    ) -> Session:
        return self.update_context(ref, {key: value}, project=project)

    def update_context(
        self,
        ref: str | None,
        values: Mapping[str, str | None],
        *,
        project: str | None = None,
    ) -> Session:
        """Set (or, with None, remove) several context keys in one transaction."""
        updates = dict(values)
        validation.merge({}, updates, "context")
        return self._handle(
            self._change(
                ref,
                lambda r: setattr(r, "context", validation.merge(r.context, updates, "context")),
                project,
            )
        )

    def delete(self, ref: str) -> str:
        """Remove a session for good; refused while it is active."""
        with self._store.transaction() as conn:
            sid = ref.strip() if isinstance(ref, str) else ref
            raw = conn.execute(
                "SELECT name, status, owner FROM sessions WHERE id = ?", [sid]
            ).fetchone()
            if raw is None:  # a name (an id is taken as it is: its row may be unreadable)
                rec = lookup.find(conn, ref, self.owner)
                sid, raw = rec.id, (rec.name, rec.status.value, rec.owner)
            if raw[2] != self.owner:
                raise ForbiddenError(
                    f"cannot delete '{raw[0]}': it belongs to {raw[2]}, and only its owner "
                    "may change it."
                )
            if raw[1] == Status.ACTIVE.value:
                raise InvalidTransitionError(
                    f"cannot delete '{raw[0]}': it is active; pause, complete or fail it first."
                )
            rollup.forget(conn, "id = ?", [sid])
            conn.execute("DELETE FROM sessions WHERE id = ?", [sid])
        self._handles.pop(sid, None)
        if self._unreadable:
            self._unreadable.pop(sid, None)
        return str(sid)

    def trim_history(self, keep: int, project: str | None = None) -> int:
        """Delete your finished sessions beyond the newest ``keep``; returns how many went."""
        keep = validation.count(keep, "keep")
        where, params = " AND owner = ?", [self.owner]
        if project:
            where, params = where + " AND project = ?", [*params, validation.project(project)]
        with self._store.transaction() as conn:
            going = (
                "id IN (SELECT id FROM sessions WHERE status IN "
                f"{lookup.FINAL}{where} ORDER BY ended_at DESC, seq DESC LIMIT 9223372036854775807 OFFSET ?)"
            )
            rollup.forget(conn, going, [*params, keep])
            cur = conn.execute(f"DELETE FROM sessions WHERE {going}", [*params, keep])
            return cur.rowcount

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


def _checked_by(by: str) -> str:
    if by not in events.BY:
        raise InvalidArgumentError(
            f"{by!r} is not who made a change; use one of {', '.join(events.BY)}."
        )
    return by


__all__ = ["SessionManager"]
