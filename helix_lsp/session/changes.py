"""Every change to a session, each one transaction: the part of ``SessionManager``
that writes.

Each change reads the row, checks it and writes it back inside one write
transaction that no other writer interleaves with (SQLite's ``BEGIN
IMMEDIATE``, PostgreSQL's advisory lock: see ``stores``), so two managers on
one store (two editor windows, the CLI beside a server, two machines) never
lose each other's changes. A refused change raises before anything is
written, and only a session's owner may change it.

A mixin so that the manager module stays about opening a store, who acts on
it and what it holds; it uses the manager's store and handles (declared below
for the type checker), and reads the time as ``model.now_ms`` at each call, as
``timekeeping`` does, so that a clock set there is the one every change sees.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable, Mapping

from helix_lsp.session import clock, db, events, lookup, model, rollup, transitions, validation
from helix_lsp.session.errors import ForbiddenError, InvalidArgumentError, InvalidTransitionError
from helix_lsp.session.handle import Session, Transition
from helix_lsp.session.model import Mode, SessionRecord, Status
from helix_lsp.session.store import Store


class SessionChanges:
    """Create, start, pause, resume, finish, tag, annotate and delete sessions."""

    _store: db.SessionStore
    _handles: weakref.WeakValueDictionary[str, Session]
    _unreadable: lookup.Problems | None

    @property
    def owner(self) -> str:
        raise NotImplementedError

    def _handle(self, rec: SessionRecord) -> Session:
        raise NotImplementedError

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
            rec.updated_at = clock.event_time(model.now_ms(), rec.updated_at)
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
        at = model.now_ms()
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
            now = model.now_ms()
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
            transitions.change_mode(conn, rec, new_mode, model.now_ms())
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


def _checked_by(by: str) -> str:
    if by not in events.BY:
        raise InvalidArgumentError(
            f"{by!r} is not who made a change; use one of {', '.join(events.BY)}."
        )
    return by


__all__ = ["SessionChanges"]
