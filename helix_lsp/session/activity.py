"""Activity: where a session's active time went, and when its user went away.

Every position, edit or command is activity. A session keeps the time of its
latest activity (``last_activity_at``); the time between two activities is
attributed to the file and branch of the position in effect (the file in
effect until the next position), but only inside the session's open active
interval, so per-file time never exceeds the active time. It is added into
``session_time`` rows keyed by session, file, branch and 15-minute slot with
an UPSERT: steady work touches a few rows an hour, never one per move.

A session with no activity for ``idle_minutes`` is paused *as of* its last
activity (see ``away_at``): the minutes spent waiting for the limit are not
active time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from helix_lsp.session import db, rollup, rollup_sums
from helix_lsp.session.model import SessionRecord, Status

BUCKET_MS: Final = 15 * 60 * 1000
"""A time slot: 15 minutes divides every zone's offset from UTC, so local
midnights and hours fall on slot edges."""
DEFAULT_IDLE_MINUTES: Final = 15.0
_UNBOUNDED: Final = 1 << 62
"""An interval end later than every recorded time."""

_UPSERT: Final = (
    "INSERT INTO session_time (session_seq, file, branch, bucket, ms) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (session_seq, file, branch, bucket) DO UPDATE SET ms = session_time.ms + excluded.ms"
)


@dataclass(frozen=True)
class Activity:
    """One moment of activity; ``file`` None for an edit or command without a place.

    ``line`` and ``column`` are 1-based, as the session's context keeps them.
    """

    at: int
    file: str | None = None
    branch: str | None = None
    line: int | None = None
    column: int | None = None


def buckets(start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(slot start, ms)`` for the time from ``start`` to ``end``, cut at slot edges."""
    yield from rollup_sums.slots(start, end, BUCKET_MS)


def attribute(
    conn: db.Connection,
    rec: SessionRecord,
    points: Sequence[Activity],
    now: int,
    preceding: int | None = None,
) -> None:
    """Apply ``points`` to an active ``rec``: time into buckets, its place and last activity.

    Times after ``now`` are taken as ``now`` (a clock cannot report the future).
    Time is attributed from where the open interval will start however late
    it ends: the clock rules (``clock``, rule 3; ``preceding`` as there) raise
    its start to each earlier event its end reaches, so after a clock step
    back the interval may yet count from an event still ahead of ``now``, and
    time before that is not attributed. The caller writes ``rec`` back in the
    same transaction.
    """
    assert rec.status is Status.ACTIVE and rec.active_since is not None
    floor = rec.interval_start(_UNBOUNDED, preceding)
    mark = max(rec.last_activity_at or floor, floor)
    file = rec.context.get("current_file", "")
    branch = rec.context.get("branch", "")
    sums: dict[tuple[str, str, int], int] = {}
    place: Activity | None = None
    latest = rec.last_activity_at
    for point in sorted(points, key=lambda p: p.at):
        at = min(point.at, now)
        if at > mark:
            for slot, ms in buckets(mark, at):
                key = (file, branch, slot)
                sums[key] = sums.get(key, 0) + ms
            mark = at
        latest = at if latest is None else max(latest, at)
        if point.file is not None:
            place = point
            file = point.file
            branch = point.branch or ""
    conn.executemany(_UPSERT, [(rec.seq, f, b, slot, ms) for (f, b, slot), ms in sums.items()])
    rollup.buckets_added(
        conn, rec.project, rec.owner, [(f, b, slot, ms) for (f, b, slot), ms in sums.items()]
    )
    rec.last_activity_at = latest
    if place is not None:
        assert place.file is not None
        rec.context["current_file"] = place.file
        if place.line is not None:
            rec.context["current_line"] = str(place.line)
        if place.column is not None:
            rec.context["current_column"] = str(place.column)
        if place.branch is not None:
            rec.context["branch"] = place.branch


def reference(rec: SessionRecord, now: int, preceding: int | None = None) -> int | None:
    """The moment an active session was last known to be worked on: its last
    activity, or the start of its open interval as the clock rules place it
    (``preceding`` as in ``clock``, rule 3) when that is later."""
    if rec.active_since is None:
        return None
    began = rec.interval_start(now, preceding)
    if rec.last_activity_at is None:
        return began
    return max(rec.last_activity_at, began)


def is_away(rec: SessionRecord, limit_ms: int, now: int, preceding: int | None = None) -> bool:
    """Whether an active session has had no activity for ``limit_ms``."""
    ref = reference(rec, now, preceding)
    return rec.status is Status.ACTIVE and ref is not None and now - ref >= limit_ms


def time_rows(conn: db.Connection, seq: int) -> list[tuple[str, str, int, int]]:
    """``(file, branch, slot start, ms)`` of one session, in slot order."""
    return [
        (f, b, slot, ms)
        for f, b, slot, ms in conn.execute(
            "SELECT file, branch, bucket, ms FROM session_time WHERE session_seq = ? "
            "ORDER BY bucket, file, branch",
            [seq],
        )
    ]


def add_time_rows(
    conn: db.Connection, seq: int, items: Sequence[tuple[str, str, int, int]]
) -> None:
    conn.executemany(_UPSERT, [(seq, f, b, slot, ms) for f, b, slot, ms in items])


__all__ = [
    "BUCKET_MS",
    "DEFAULT_IDLE_MINUTES",
    "Activity",
    "add_time_rows",
    "attribute",
    "buckets",
    "is_away",
    "reference",
    "time_rows",
]
