"""A session's history: one append-only event per transition and mode change.

Each event is written in the same transaction as the change it records, so
the history and the session row never disagree. ``activeSeconds`` is the sum
of the active intervals the history shows: an interval opens with
``started``/``resumed``, is split by ``modeChanged`` and closes with
``paused``/``completed``/``failed``. When the clock rules (``clock``) counted
an interval differently from the difference of its two timestamps, the
closing event says how long it counted (``data.activeMs``), so the sum still
holds; reconstructed history (of sessions from before the history existed)
does the same for the time it cannot place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from helix_lsp.session import clock, db
from helix_lsp.session.model import SessionRecord, Status, to_iso

KINDS: Final = ("created", "started", "paused", "resumed", "completed", "failed", "modeChanged")
BY: Final = ("user", "idle", "switch", "import")
#: lifecycle action -> the kind of event it writes
KIND_OF: Final = {
    "start": "started",
    "pause": "paused",
    "resume": "resumed",
    "complete": "completed",
    "fail": "failed",
}
_OPENS: Final = frozenset({"started", "resumed"})
_CLOSES: Final = frozenset({"paused", "completed", "failed"})
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
INSERT: Final = (
    "INSERT INTO session_events (session_seq, at, kind, \"by\", mode, data) VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass
class Event:
    """One entry of a session's history (``at`` in ms)."""

    at: int
    kind: str
    by: str
    mode: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "at": to_iso(self.at),
            "kind": self.kind,
            "by": self.by,
            "mode": self.mode,
        }
        if self.data:
            result["data"] = dict(self.data)
        return result

    def row(self, seq: int) -> tuple[object, ...]:
        data = _ENCODER.encode(self.data) if self.data else None
        return (seq, self.at, self.kind, self.by, self.mode, data)


def append(conn: db.Connection, rec: SessionRecord, event: Event) -> None:
    """Add ``event`` to the history of ``rec`` (inside the caller's transaction)."""
    conn.execute(INSERT, event.row(rec.seq))


def append_all(conn: db.Connection, seq: int, events: Iterable[Event]) -> None:
    conn.executemany(INSERT, [e.row(seq) for e in events])


def closing_data(counted: int | None, began: int | None, at: int) -> dict[str, Any]:
    """``data`` for an event closing an interval begun at ``began``, counted ``counted`` ms."""
    if counted is None or began is None or counted == max(0, at - began):
        return {}
    return {"activeMs": counted}


def read(conn: db.Connection, seq: int) -> list[Event]:
    """The history of the session stored as ``seq``, oldest first."""
    rows = conn.execute(
        "SELECT at, kind, \"by\", mode, data FROM session_events WHERE session_seq = ? ORDER BY seq",
        [seq],
    ).fetchall()
    return [
        Event(at, kind, by, mode, json.loads(data) if data else {})
        for at, kind, by, mode, data in rows
    ]


def latest(conn: db.Connection, seq: int) -> Event | None:
    row = conn.execute(
        "SELECT at, kind, \"by\", mode, data FROM session_events WHERE session_seq = ? "
        "ORDER BY seq DESC LIMIT 1",
        [seq],
    ).fetchone()
    if row is None:
        return None
    return Event(row[0], row[1], row[2], row[3], json.loads(row[4]) if row[4] else {})


@dataclass
class Interval:
    """An active stretch of a session as its history shows it."""

    start: int
    end: int | None  # None: still open
    mode: str
    ms: int


def intervals(events: Sequence[Event], at: int) -> list[Interval]:
    """The active intervals of a history; an open one counts up to ``at``.

    An open interval counts from its opening event, raised to the previous
    closing event (or the creation) as the clock rules do.
    """
    return [interval for _, interval in walk(events, at) if interval is not None]


def walk(events: Sequence[Event], at: int) -> list[tuple[Event | None, Interval | None]]:
    """Each event with the active interval it closes (None: it closes none), and,
    last, ``(None, interval)`` for the interval still open at ``at`` if any."""
    result: list[tuple[Event | None, Interval | None]] = []
    opened: Event | None = None
    previous: int | None = None  # the last close (or the creation)
    for event in events:
        closed = None
        if event.kind == "created":
            previous = event.at
        if opened is not None and (event.kind in _CLOSES or event.kind == "modeChanged"):
            counted = event.data.get("activeMs")
            ms = counted if isinstance(counted, int) else max(0, event.at - opened.at)
            closed = Interval(opened.at, event.at, opened.mode, ms)
            opened = None
            if event.kind == "modeChanged":
                opened = Event(event.at, "resumed", event.by, event.mode)
            else:
                previous = event.at
        elif event.kind in _OPENS:
            opened = event
        result.append((event, closed))
    if opened is not None:
        start = clock.interval_start(opened.at, at, previous)
        result.append((None, Interval(opened.at, None, opened.mode, max(0, at - start))))
    return result


def reconstruct(rec: SessionRecord, by: str = "user") -> list[Event]:
    """A history for a session stored without one, from its timestamps.

    Every event is marked ``{"reconstructed": true}``; the active time that
    cannot be placed is carried by a closing event (``activeMs``), and all of
    it is in the session's current mode.
    """
    mode = rec.mode.value
    mark: dict[str, Any] = {"reconstructed": True}
    out = [Event(rec.created_at, "created", by, mode, dict(mark))]
    if rec.started_at is not None:
        out.append(Event(rec.started_at, "started", by, mode, dict(mark)))
    closed = rec.active_ms
    if rec.status is Status.ACTIVE and rec.active_since is not None:
        if rec.started_at is None or closed or rec.active_since != rec.started_at:
            if rec.started_at is None:
                out.append(Event(rec.active_since, "started", by, mode, dict(mark)))
            else:
                pause_at = (
                    rec.last_paused_at if rec.last_paused_at is not None else rec.active_since
                )
                pause_at = min(pause_at, rec.active_since)
                out.append(Event(pause_at, "paused", by, mode, {**mark, "activeMs": closed}))
                out.append(Event(rec.active_since, "resumed", by, mode, dict(mark)))
    elif rec.status is Status.PAUSED:
        pause_at = rec.last_paused_at if rec.last_paused_at is not None else rec.updated_at
        out.append(
            Event(pause_at, "paused", rec.paused_by or by, mode, {**mark, "activeMs": closed})
        )
    elif rec.status.is_final:
        assert rec.ended_at is not None
        kind = "completed" if rec.status is Status.COMPLETED else "failed"
        data = {**mark, "activeMs": closed} if rec.started_at is not None else dict(mark)
        if rec.status is Status.FAILED and rec.failure_reason:
            data["reason"] = rec.failure_reason
        out.append(Event(rec.ended_at, kind, by, mode, data))
    return out


def total_ms(events: Sequence[Event], at: int) -> int:
    """The active time a history shows up to ``at``."""
    return sum(i.ms for i in intervals(events, at))


def by_mode_ms(events: Sequence[Event], at: int) -> dict[str, int]:
    result: dict[str, int] = {}
    for interval in intervals(events, at):
        result[interval.mode] = result.get(interval.mode, 0) + interval.ms
    return result


__all__ = [
    "BY",
    "KINDS",
    "KIND_OF",
    "Event",
    "Interval",
    "append",
    "append_all",
    "by_mode_ms",
    "closing_data",
    "intervals",
    "latest",
    "read",
    "reconstruct",
    "total_ms",
    "walk",
]
