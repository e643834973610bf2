"""Activity, away pauses and history: the part of ``SessionManager`` about time.

A mixin so that the manager module stays about changes and lookups; it uses
the manager's store and handles (declared below for the type checker).
"""

from __future__ import annotations

import builtins
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from helix_lsp.session import activity, clock, db, events, lookup, model, transitions
from helix_lsp.session.activity import Activity
from helix_lsp.session.handle import Session
from helix_lsp.session.model import SessionRecord, Status
from helix_lsp.session.store import Store


class TimeKeeping:
    """Activity and time on the sessions of the manager's store."""

    _store: db.SessionStore
    _handles: weakref.WeakValueDictionary[str, Session]

    def _handle(self, rec: SessionRecord) -> Session:
        raise NotImplementedError

    @property
    def owner(self) -> str:
        raise NotImplementedError

    def _skipping(self) -> lookup.Problems:
        raise NotImplementedError

    def active_sessions(self, projects: Iterable[str] | None = None) -> builtins.list[Session]:
        raise NotImplementedError

    def record_activity(self, session_id: str, points: Sequence[Activity]) -> None:
        """Activity on a session, in one transaction: its last activity, its place
        (from the last point with a file) and its time per file and branch.

        A session that is no longer active is left as it is: positions belong
        to the session that was active when they were taken.
        """
        if not points:
            return
        with self._store.transaction() as conn:
            rec = lookup.find(conn, session_id, self.owner)
            if rec.status is not Status.ACTIVE:
                return
            lookup.check_owner(rec, self.owner, "")
            before = rec.copy()
            now = model.now_ms()
            activity.attribute(conn, rec, points, now, lookup.created_before(conn, rec.seq))
            rec.updated_at = clock.event_time(now, rec.updated_at)
            Store.update(conn, rec, before)
        handle = self._handles.get(rec.id)
        if handle is not None:
            handle._record = rec

    def touch(
        self, ref: str | None = None, *, project: str | None = None, at: int | None = None
    ) -> Session:
        """Activity without a place (a command, a library call) on a session."""
        with self._store.transaction() as conn:
            rec = lookup.resolve(conn, ref, project, "", self.owner)
            lookup.check_owner(rec, self.owner, "")
            before = rec.copy()
            transitions.touch(rec, model.now_ms() if at is None else at)
            if rec != before:
                Store.update(conn, rec, before)
        return self._handle(rec)

    def pause_away(
        self,
        idle_minutes: float,
        *,
        projects: Iterable[str] | None = None,
        now: int | None = None,
    ) -> builtins.list[Session]:
        """Pause, as of their last activity, your active sessions (of ``projects``)
        with no activity for ``idle_minutes`` (0: never); the ones it paused.

        Another owner's sessions are theirs to pause: their own editor or CLI does."""
        if not idle_minutes or idle_minutes < 0 or self._store.read_only_reason is not None:
            return []
        at = model.now_ms() if now is None else now
        limit = round(idle_minutes * 60_000)
        found = [s.record for s in self.active_sessions(projects)]
        away = [r.id for r in found if activity.is_away(r, limit, at)]
        paused: builtins.list[SessionRecord] = []
        if not away:
            return []
        with self._store.transaction() as conn:
            for sid in away:
                rec = lookup.find(conn, sid)
                before = rec.copy()
                if transitions.pause_away(conn, rec, limit, at):
                    Store.update(conn, rec, before)
                    paused.append(rec)
        return [self._handle(r) for r in paused]

    def away_offer(self, project: str | None = None) -> Session | None:
        """The project's current session when it is paused for being away: what a
        starting editor offers to resume (None otherwise)."""
        with self._store.snapshot() as conn:
            rec = lookup.current_or_none(conn, project, self._skipping(), owner=self.owner)
            if rec is None or rec.away_since is None:
                return None
            last = events.latest(conn, rec.seq)
        if last is None or last.kind != "paused" or last.by != "idle":
            return None
        return self._handle(rec)

    def history(
        self, ref: str | None = None, *, project: str | None = None
    ) -> builtins.list[dict[str, Any]]:
        """The session's events ``{at, kind, by, mode, data?}``, oldest first."""
        return [e.to_json() for e in self.history_events(ref, project=project)[1]]

    def history_events(
        self, ref: str | None = None, *, project: str | None = None
    ) -> tuple[Session, builtins.list[events.Event]]:
        """The session and its history as ``events.Event`` objects (times in ms)."""
        with self._store.snapshot() as conn:
            rec = lookup.resolve(conn, ref, project, "", self.owner)
            found = events.read(conn, rec.seq)
        if not found:  # a store that could not be migrated: told from the timestamps
            found = events.reconstruct(rec)
        return self._handle(rec), found


__all__ = ["TimeKeeping"]
