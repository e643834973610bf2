"""``SessionManager``: every change to a session, each one transaction.

Each change reads the row, checks it and writes it back inside one
``BEGIN IMMEDIATE`` transaction, so two managers on one file (two editor
windows, the CLI beside a server) never lose each other's changes. A refused
change raises before anything is written.
"""

from __future__ import annotations

import builtins
import os
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from helix_lsp.session import lifecycle, lookup, queries, transfer, validation
from helix_lsp.session.errors import (
    ConflictError,
    InvalidTransitionError,
)
from helix_lsp.session.handle import Session, SessionList, Transition
from helix_lsp.session.model import Mode, SessionRecord, Status, now_ms
from helix_lsp.session.store import COLUMNS, Store


class SessionManager:
    """Creates, changes and answers questions about the sessions of one store."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._store = Store(path)
        self._handles: weakref.WeakValueDictionary[str, Session] = weakref.WeakValueDictionary()

    @property
    def path(self) -> str:
        return self._store.path

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
        """From now on refuse every change with ``reason`` (e.g. a damaged file)."""
        self._store.read_only_reason = reason

    def data_version(self) -> int:
        """Changes whenever another connection commits to the store file."""
        return self._store.data_version()

    # -- handles and lookup ---------------------------------------------------

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
            return self._handle(lookup.find(conn, ref))

    def resolve(self, ref: str | None, project: str | None = None, action: str = "") -> Session:
        """``ref``'s session, or when ``ref`` is None the project's current one."""
        with self._store.reading() as conn:
            return self._handle(lookup.resolve(conn, ref, project, action))

    def current(self, project: str | None = None) -> Session | None:
        """The project's current session: the active one, else the most recently
        paused one, else the idle one that ``start`` would take (None when none)."""
        with self._store.reading() as conn:
            rec = lookup.current_or_none(conn, project)
        return None if rec is None else self._handle(rec)

    def active(self, project: str | None = None) -> Session | None:
        """The active session of ``project`` (of any project when None)."""
        with self._store.reading() as conn:
            if project is None:
                rec = lookup.one(conn, "status = 'active' ORDER BY active_since DESC, seq DESC", [])
            else:
                rec = lookup.one(conn, "project = ? AND status = 'active'", [project])
        return None if rec is None else self._handle(rec)

    def active_sessions(self, projects: Iterable[str] | None = None) -> list[Session]:
        """Every active session, or those of the given projects, latest started first."""
        sql, params = f"SELECT {COLUMNS} FROM sessions WHERE status = 'active'", []
        if projects is not None:
            params = sorted(set(projects))
            sql += f" AND project IN ({','.join('?' * len(params))})"
        with self._store.reading() as conn:
            rows = conn.execute(sql + " ORDER BY active_since DESC, seq DESC", params).fetchall()
        return [self._handle(Store.to_record(r)) for r in rows]

    # -- changes ---------------------------------------------------------------

    def _change(
        self,
        ref: object,
        fn: Callable[[SessionRecord], None],
        project: str | None = None,
    ) -> SessionRecord:
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, "")
            before = rec.copy()
            fn(rec)
            rec.updated_at = max(now_ms(), rec.updated_at)
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
        )
        with self._store.transaction() as conn:
            rec.id = self._new_id(conn)
            Store.insert(conn, rec)
            if start:
                self._pause_others(conn, rec, at)
                before = rec.copy()
                lifecycle.apply(rec, "start", at)
                Store.update(conn, rec, before)
        return self._handle(rec)

    @staticmethod
    def _new_id(conn: sqlite3.Connection) -> str:
        while True:
            candidate = os.urandom(6).hex()
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", [candidate]).fetchone() is None:
                return candidate

    def _pause_others(
        self, conn: sqlite3.Connection, rec: SessionRecord, at: int
    ) -> list[SessionRecord]:
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM sessions WHERE project = ? AND status = 'active' AND id != ?",
            [rec.project, rec.id],
        ).fetchall()
        paused = []
        for row in rows:
            other = Store.to_record(row)
            before = other.copy()
            lifecycle.apply(other, "pause", max(at, other.updated_at))
            Store.update(conn, other, before)
            paused.append(other)
        return paused

    def _transition(
        self, ref: object, action: str, reason: str | None = None, project: str | None = None
    ) -> Transition:
        if action == "fail":
            reason = validation.text(
                reason, "the failure reason", validation.MAX_REASON, single_line=False
            )
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, action)
            at = max(now_ms(), rec.updated_at)
            before = rec.copy()
            lifecycle.apply(rec, action, at, reason)
            paused = self._pause_others(conn, rec, at) if rec.status is Status.ACTIVE else []
            Store.update(conn, rec, before)
        return Transition(self._handle(rec), [self._handle(p) for p in paused])

    def start(self, ref: str | None = None, *, project: str | None = None) -> Transition:
        return self._transition(ref, "start", project=project)

    def pause(self, ref: str | None = None, *, project: str | None = None) -> Transition:
        return self._transition(ref, "pause", project=project)

    def resume(self, ref: str | None = None, *, project: str | None = None) -> Transition:
        return self._transition(ref, "resume", project=project)

    def complete(self, ref: str | None = None, *, project: str | None = None) -> Transition:
        return self._transition(ref, "complete", project=project)

    def fail(self, ref: str | None, reason: str, *, project: str | None = None) -> Transition:
        return self._transition(ref, "fail", reason, project=project)

    def set_mode(self, ref: str | None, mode: Mode | str, *, project: str | None = None) -> Session:
        new_mode = Mode.parse(mode)

        def change(rec: SessionRecord) -> None:
            if rec.status.is_final:
                raise lifecycle.refuse(rec, "change the mode of", "")
            rec.mode = new_mode

        return self._handle(self._change(ref, change, project))

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
            rec = lookup.find(conn, ref)
            if rec.status is Status.ACTIVE:
                raise InvalidTransitionError(
                    f"cannot delete '{rec.name}': it is active; pause, complete or fail it first."
                )
            conn.execute("DELETE FROM sessions WHERE id = ?", [rec.id])
        self._handles.pop(rec.id, None)
        return rec.id

    def trim_history(self, keep: int, project: str | None = None) -> int:
        """Delete finished sessions beyond the newest ``keep``; returns how many went."""
        keep = validation.count(keep, "keep")
        where, params = (" AND project = ?", [validation.project(project)]) if project else ("", [])
        with self._store.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE status IN "
                f"{lookup.FINAL}{where} ORDER BY ended_at DESC, seq DESC LIMIT -1 OFFSET ?)",
                [*params, keep],
            )
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
    ) -> SessionList:
        """Sessions matching every given filter, newest first, with the total."""
        flt = queries.Filter(status=status, mode=mode, project=project, tag=tag, query=query)
        limit = validation.count(limit, "limit", minimum=1, maximum=10_000)
        offset = validation.count(offset, "offset", maximum=10**9)
        with self._store.snapshot() as conn:
            records, total = queries.page(conn, flt, limit, offset)
        return SessionList([self._handle(r) for r in records], total)

    def stats(self, project: str | None = None) -> queries.Stats:
        """Counts by status and mode, active time, overall and per project."""
        with self._store.snapshot() as conn:
            return queries.stats(
                conn, None if project is None else validation.project(project), now_ms()
            )

    def export(self, ref: str | None = None) -> dict[str, Any]:
        """A snapshot of one session (``ref``) or of the whole store."""
        with self._store.snapshot() as conn:
            if ref is not None:
                records = [lookup.find(conn, ref)]
            else:
                rows = conn.execute(f"SELECT {COLUMNS} FROM sessions ORDER BY created_at, seq")
                records = [Store.to_record(r) for r in rows]
        return transfer.snapshot(records)

    def import_(self, snapshot: Mapping[str, Any]) -> builtins.list[str]:
        """Add every session of a snapshot, all or nothing."""
        records = transfer.parse(snapshot)
        try:
            with self._store.transaction() as conn:
                for rec in records:
                    if conn.execute("SELECT 1 FROM sessions WHERE id = ?", [rec.id]).fetchone():
                        raise ConflictError(
                            f"session {rec.id} ('{rec.name}') is already in the store."
                        )
                    Store.insert(conn, rec)
        except ConflictError:
            raise
        except sqlite3.IntegrityError as err:
            raise ConflictError(
                "the snapshot would leave two active sessions in one project; nothing was imported."
            ) from err
        return [r.id for r in records]


__all__ = ["SessionManager"]
