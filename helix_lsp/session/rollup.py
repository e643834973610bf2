"""Running totals of active time, kept as the history and time buckets are written.

A report over a year would otherwise read every session's history and every
15-minute time bucket. Four tables hold the same time already added up, and
every write of the core adds to them in the same transaction as the change:

* ``time_rollup`` — the closed active intervals of the history (each placed
  as ending where it closed, as ``events.intervals`` gives them) per
  project, mode, owner and slot, at four spans: 15 minutes, one hour, one UTC
  day and seven UTC days. A report cuts a local day out of whole UTC days
  and hours, adding or taking away the few hours and quarters between UTC
  and local midnight (15 minutes divides every zone's offset), and a long
  stretch out of whole weeks, so a year is a few thousand rows. It is written when an interval closes (a pause,
  completion, failure or mode change): a few rows per transition, none per
  cursor move. The open interval of an active session is not in it.
* ``place_rollup`` — the time buckets (``session_time``) per project and
  file, and per project and branch, of each owner, per UTC day (span one day) and over all
  time (span 0, slot 0). Written with each bucket write: a few rows per
  coalesced activity write.
* ``mode_rollup`` — ``time_rollup`` added up over the projects (per mode,
  owner and slot), so the days of a long report read a few rows a slot.
* ``session_intervals`` — each closed interval of a session as the history
  places it (one row per pause, completion, failure or mode change), for
  the report's timeline; it goes with its session (``ON DELETE CASCADE``).

Deleting a session takes its time back out (``forget``). Every figure stays
a sum of whole milliseconds, so what the tables hold always equals what
they summarise (the time-keeping state machine checks it).

This module holds the tables and when they are written: with each change,
when sessions go, and all at once from what is stored (``backfill``, and
``summarised`` for the checks). Where each millisecond lands, which both
need alike, is ``rollup_sums``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

from helix_lsp.session import db, events
from helix_lsp.session.rollup_sums import (
    ADD_INTERVAL,
    ALL_TIME,
    DAY,
    HOUR,
    QUARTER,
    SPANS,
    WEEK,
    ModeKey,
    PlaceKey,
    TimeKey,
    add_history,
    add_interval,
    add_places,
    by_mode,
    closed_intervals,
    write_places,
    write_time,
)


def create(conn: db.Connection, temp: bool = False) -> None:
    """The tables (plain SQL types and keys, so any SQL database takes them);
    ``temp``: as temporary tables (a store read as it is, without migrating)."""
    table = "CREATE TEMP TABLE" if temp else "CREATE TABLE"
    conn.execute(
        f"{table} time_rollup (span BIGINT NOT NULL, slot BIGINT NOT NULL, "
        "project TEXT NOT NULL, mode TEXT NOT NULL, owner TEXT NOT NULL, ms BIGINT NOT NULL, "
        "PRIMARY KEY (span, slot, project, mode, owner))"
    )
    conn.execute(
        f"{table} place_rollup (kind TEXT NOT NULL, span BIGINT NOT NULL, "
        "slot BIGINT NOT NULL, project TEXT NOT NULL, name TEXT NOT NULL, "
        "owner TEXT NOT NULL, ms BIGINT NOT NULL, "
        "PRIMARY KEY (kind, span, slot, project, name, owner))"
    )
    conn.execute(
        f"{table} mode_rollup (span BIGINT NOT NULL, slot BIGINT NOT NULL, "
        "mode TEXT NOT NULL, owner TEXT NOT NULL, ms BIGINT NOT NULL, "
        "PRIMARY KEY (span, slot, mode, owner))"
    )
    parent = "" if temp else " REFERENCES sessions(seq) ON DELETE CASCADE"
    conn.execute(
        f"{table} session_intervals (session_seq BIGINT NOT NULL{parent}, "
        "start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, mode TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX session_intervals_end ON session_intervals (end_ms)")
    conn.execute("CREATE INDEX session_intervals_session ON session_intervals (session_seq)")
    # covering: a report's sums read these and never the tables' rows
    conn.execute(
        "CREATE INDEX time_rollup_sums ON time_rollup (span, slot, project, mode, owner, ms)"
    )
    conn.execute("CREATE INDEX mode_rollup_sums ON mode_rollup (span, slot, mode, owner, ms)")
    conn.execute(
        "CREATE INDEX place_rollup_sums "
        "ON place_rollup (kind, span, slot, project, name, owner, ms)"
    )
    conn.execute(  # the most active files and branches, from the most down
        "CREATE INDEX place_rollup_most "
        "ON place_rollup (kind, span, slot, ms, project, name, owner)"
    )
    if not temp:  # the sessions a report counts whole, and ranks, from indexes alone
        conn.execute(
            "CREATE INDEX sessions_finished "
            "ON sessions (ended_at, created_at, active_ms, status, project, owner) "
            "WHERE ended_at IS NOT NULL"
        )
        conn.execute(
            "CREATE INDEX sessions_most_active "
            "ON sessions (active_ms, ended_at, created_at, status, project, owner)"
        )


def interval_closed(
    conn: db.Connection,
    seq: int,
    project: str,
    owner: str,
    mode: str,
    end: int,
    ms: int | None,
) -> None:
    """An interval of session ``seq`` (of ``owner``, in ``project``) in ``mode``
    closed at ``end`` after counting ``ms``."""
    if ms and ms > 0:
        sums: dict[TimeKey, int] = {}
        add_interval(sums, project, owner, mode, end, ms)
        write_time(conn, sums)
        conn.execute(ADD_INTERVAL, [seq, end - ms, end, mode])


def buckets_added(
    conn: db.Connection, project: str, owner: str, rows: Iterable[tuple[str, str, int, int]]
) -> None:
    """Time buckets ``(file, branch, slot, ms)`` of a session of ``owner`` in
    ``project`` were added."""
    sums: dict[PlaceKey, int] = {}
    add_places(sums, project, owner, rows)
    write_places(conn, sums)


def session_added(
    conn: db.Connection,
    seq: int,
    project: str,
    owner: str,
    history: Sequence[events.Event],
    rows: Iterable[tuple[str, str, int, int]],
) -> None:
    """A whole session was written (imported): its closed intervals and buckets."""
    times: dict[TimeKey, int] = {}
    add_history(times, project, owner, history)
    write_time(conn, times)
    conn.executemany(ADD_INTERVAL, closed_intervals(seq, history))
    places: dict[PlaceKey, int] = {}
    add_places(places, project, owner, rows)
    write_places(conn, places)


def forget(conn: db.Connection, where: str, params: Sequence[object]) -> None:
    """Take the time of the sessions matching ``where`` (on ``sessions``) back out;
    called just before they are deleted, in the same transaction (their
    ``session_intervals`` rows go with them)."""
    found = conn.execute(
        f"SELECT seq, project, owner FROM sessions WHERE {where}", params
    ).fetchall()
    times: dict[TimeKey, int] = {}
    places: dict[PlaceKey, int] = {}
    for seq, project, owner in found:
        rows = conn.execute(
            "SELECT file, branch, bucket, ms FROM session_time WHERE session_seq = ?", [seq]
        ).fetchall()
        add_history(times, project, owner, events.read(conn, seq), -1)
        add_places(places, project, owner, rows, -1)
    write_time(conn, times)
    write_places(conn, places)
    # rows left at zero go (only the ones this touched: no scan of the tables)
    conn.executemany(
        "DELETE FROM time_rollup WHERE span = ? AND slot = ? AND project = ? AND mode = ? "
        "AND owner = ? AND ms = 0",
        list(times),
    )
    conn.executemany(
        "DELETE FROM mode_rollup WHERE span = ? AND slot = ? AND mode = ? AND owner = ? AND ms = 0",
        list(by_mode(times)),
    )
    conn.executemany(
        "DELETE FROM place_rollup WHERE kind = ? AND span = ? AND slot = ? AND project = ? "
        "AND name = ? AND owner = ? AND ms = 0",
        list(places),
    )


def _histories(conn: db.Connection) -> Iterator[tuple[int, str, str, list[events.Event]]]:
    """Each stored session's seq, project, owner and history, read in one pass."""
    history: list[events.Event] = []
    current: tuple[int, str, str] | None = None
    found = conn.execute(
        "SELECT e.session_seq, s.project, s.owner, e.at, e.kind, e.by, e.mode, e.data "
        "FROM session_events e JOIN sessions s ON s.seq = e.session_seq "
        "ORDER BY e.session_seq, e.seq"
    )
    for seq, project, owner, at, kind, by, mode, data in found:
        if current is not None and current[0] != seq:
            yield (*current, history)
            history = []
        current = (seq, project, owner)
        try:
            detail = json.loads(data) if data else {}
        except ValueError:
            detail = {}  # as damaged as it is, the event still opens or closes
        history.append(events.Event(at, kind, by, mode, detail if isinstance(detail, dict) else {}))
    if current is not None:
        yield (*current, history)


_PLACES_BY_DAY: Final = (
    f"SELECT 'file', {DAY}, t.bucket - t.bucket % {DAY}, s.project, t.file, s.owner, "
    "CAST(SUM(t.ms) AS BIGINT) FROM session_time t JOIN sessions s ON s.seq = t.session_seq "
    f"WHERE t.file <> '' GROUP BY t.bucket - t.bucket % {DAY}, s.project, t.file, s.owner "
    "UNION ALL "
    f"SELECT 'branch', {DAY}, t.bucket - t.bucket % {DAY}, s.project, t.branch, s.owner, "
    "CAST(SUM(t.ms) AS BIGINT) FROM session_time t JOIN sessions s ON s.seq = t.session_seq "
    f"WHERE t.branch <> '' GROUP BY t.bucket - t.bucket % {DAY}, s.project, t.branch, s.owner"
)
_PLACE_COLUMNS: Final = "kind, span, slot, project, name, owner, ms"


def backfill(conn: db.Connection) -> None:
    """Fill the tables from the stored histories and time buckets (a migration step)."""
    conn.execute(f"INSERT INTO place_rollup ({_PLACE_COLUMNS}) {_PLACES_BY_DAY}")
    conn.execute(
        f"INSERT INTO place_rollup ({_PLACE_COLUMNS}) "
        f"SELECT kind, {ALL_TIME}, 0, project, name, owner, CAST(SUM(ms) AS BIGINT) FROM place_rollup "
        f"WHERE span = {DAY} GROUP BY kind, project, name, owner"
    )
    conn.execute("DELETE FROM place_rollup WHERE ms = 0")
    sums: dict[TimeKey, int] = {}
    spans: list[tuple[int, int, int, str]] = []
    for seq, project, owner, history in _histories(conn):
        add_history(sums, project, owner, history)
        spans += closed_intervals(seq, history)
        if len(sums) > 100_000:  # additive: written in parts, memory stays bounded
            write_time(conn, sums)
            conn.executemany(ADD_INTERVAL, spans)
            sums, spans = {}, []
    write_time(conn, sums)
    conn.executemany(ADD_INTERVAL, spans)


Summary = tuple[
    dict[TimeKey, int],
    dict[PlaceKey, int],
    list[tuple[int, int, int, str]],
    dict[ModeKey, int],
]


def summarised(conn: db.Connection) -> Summary:
    """What the tables should hold, worked out again from the histories and buckets."""
    times: dict[TimeKey, int] = {}
    spans: list[tuple[int, int, int, str]] = []
    for seq, project, owner, history in _histories(conn):
        add_history(times, project, owner, history)
        spans += closed_intervals(seq, history)
    places: dict[PlaceKey, int] = {}
    for kind, span, slot, project, name, owner, ms in conn.execute(_PLACES_BY_DAY):
        for key in (
            (kind, span, slot, project, name, owner),
            (kind, ALL_TIME, 0, project, name, owner),
        ):
            places[key] = places.get(key, 0) + ms
    return (
        {k: v for k, v in times.items() if v},
        {k: v for k, v in places.items() if v},
        sorted(spans),
        {k: v for k, v in by_mode(times).items() if v},
    )


def stored(conn: db.Connection) -> Summary:
    """What the tables hold (rows of 0 ms left out)."""
    times: dict[TimeKey, int] = {
        (span, slot, project, mode, owner): ms
        for span, slot, project, mode, owner, ms in conn.execute(
            "SELECT span, slot, project, mode, owner, ms FROM time_rollup WHERE ms <> 0"
        )
    }
    places: dict[PlaceKey, int] = {
        (kind, span, slot, project, name, owner): ms
        for kind, span, slot, project, name, owner, ms in conn.execute(
            f"SELECT {_PLACE_COLUMNS} FROM place_rollup WHERE ms <> 0"
        )
    }
    spans = conn.execute(
        "SELECT session_seq, start_ms, end_ms, mode FROM session_intervals "
        "ORDER BY session_seq, start_ms, end_ms, mode"
    ).fetchall()
    modes: dict[ModeKey, int] = {
        (span, slot, mode, owner): ms
        for span, slot, mode, owner, ms in conn.execute(
            "SELECT span, slot, mode, owner, ms FROM mode_rollup WHERE ms <> 0"
        )
    }
    return times, places, sorted(tuple(s) for s in spans), modes


__all__ = [
    "ALL_TIME",
    "DAY",
    "HOUR",
    "QUARTER",
    "SPANS",
    "WEEK",
    "backfill",
    "buckets_added",
    "by_mode",
    "closed_intervals",
    "create",
    "forget",
    "interval_closed",
    "session_added",
    "stored",
    "summarised",
]
