"""Lifecycle changes inside a write transaction, each with its history event.

The manager opens the transaction; these functions read and write rows in it,
so a transition, the sessions it pauses to make room, the activity it counts
as and the events that record all of that are committed together or not at
all.
"""

from __future__ import annotations

from helix_lsp.session import clock, db, events, lifecycle, lookup, rollup
from helix_lsp.session.activity import reference
from helix_lsp.session.events import Event
from helix_lsp.session.model import Mode, SessionRecord, Status, to_iso
from helix_lsp.session.rows import COLUMNS, update


def touch(rec: SessionRecord, at: int) -> None:
    """Count ``at`` as activity on ``rec``."""
    if rec.last_activity_at is None or rec.last_activity_at < at:
        rec.last_activity_at = at


def apply(
    conn: db.Connection,
    rec: SessionRecord,
    action: str,
    now: int,
    *,
    by: str = "user",
    reason: str | None = None,
    at: int | None = None,
    data: dict[str, object] | None = None,
) -> int:
    """Apply ``action`` to ``rec`` and append its event; the time it took effect.

    Without ``at`` the time is ``clock``'s for ``now``; with it (a backdated
    pause or resume) the change takes effect then and the row's
    ``updated_at`` is still ``now``'s.
    """
    began = rec.active_since
    active = rec.status is Status.ACTIVE
    pause = preceding = None
    if at is None and action == "pause":  # both bounds of a pause in one statement
        pause, preceding = lookup.pause_bounds(conn, rec.project, rec.seq)
        preceding = preceding if active else None
    elif active:
        preceding = lookup.created_before(conn, rec.seq)
    if at is None:
        at = clock.event_time(now, rec.updated_at, None if pause is None else pause + 1)
        changed = at
    else:
        changed = clock.event_time(now, rec.updated_at)
    counted = lifecycle.apply(rec, action, at, reason, preceding=preceding)
    rec.updated_at = max(changed, at)
    if action == "pause":
        rec.paused_by = by
    detail: dict[str, object] = events.closing_data(counted, began, at)
    if action == "fail" and reason:
        detail["reason"] = reason
    detail.update(data or {})
    events.append(conn, rec, Event(at, events.KIND_OF[action], by, rec.mode.value, detail))
    rollup.interval_closed(conn, rec.seq, rec.project, rec.owner, rec.mode.value, at, counted)
    return at


def pause_others(conn: db.Connection, rec: SessionRecord, at: int) -> list[SessionRecord]:
    """Pause the other active sessions of ``rec``'s owner in its project (by ``switch``)."""
    found = conn.execute(
        f"SELECT {COLUMNS} FROM sessions "
        "WHERE project = ? AND owner = ? AND status = 'active' AND id != ?",
        [rec.project, rec.owner, rec.id],
    ).fetchall()
    paused = []
    for row in found:
        other = lookup.read(row)
        before = other.copy()
        apply(conn, other, "pause", at, by="switch")
        update(conn, other, before)
        paused.append(other)
    return paused


def change_mode(conn: db.Connection, rec: SessionRecord, mode: Mode, now: int) -> None:
    """Set ``rec``'s mode, splitting its active interval, with a ``modeChanged`` event."""
    if rec.status.is_final:
        raise lifecycle.refuse(rec, "change the mode of", "")
    if mode is rec.mode:
        return
    at = clock.event_time(now, rec.updated_at)
    began = rec.active_since
    old = rec.mode.value
    counted = lifecycle.change_mode(rec, mode, at)
    detail: dict[str, object] = {"from": old, **events.closing_data(counted, began, at)}
    events.append(conn, rec, Event(at, "modeChanged", "user", mode.value, detail))
    rollup.interval_closed(conn, rec.seq, rec.project, rec.owner, old, at, counted)
    rec.updated_at = at
    touch(rec, at)


def pause_away(conn: db.Connection, rec: SessionRecord, limit_ms: int, now: int) -> bool:
    """Pause an active session with no activity for ``limit_ms`` as of its last
    activity (``by: idle``); whether it was away."""
    preceding = lookup.created_before(conn, rec.seq)
    ref = reference(rec, now, preceding)
    if rec.status is not Status.ACTIVE or ref is None or now - ref < limit_ms:
        return False
    at = min(ref, now)
    apply(conn, rec, "pause", now, by="idle", at=at, data={"recordedAt": to_iso(now)})
    return True


def resume_keeping_away(conn: db.Connection, rec: SessionRecord, now: int) -> int:
    """Resume as if the session had never been paused: the gap counts as active.

    The ``resumed`` event is dated at the pause (``recordedAt`` says when it
    was decided), so the history still adds up to the active time.
    """
    if rec.status is not Status.PAUSED or rec.last_paused_at is None:
        return apply(conn, rec, "resume", now)  # refused as usual unless paused
    return apply(
        conn,
        rec,
        "resume",
        now,
        at=rec.last_paused_at,
        data={"keptAway": True, "recordedAt": to_iso(now)},
    )


__all__ = [
    "apply",
    "change_mode",
    "pause_away",
    "pause_others",
    "resume_keeping_away",
    "touch",
]
