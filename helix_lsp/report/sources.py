"""What a report reads from the store, in SQL that does the adding up.

A year of a busy store holds ~100,000 sessions, ~400,000 history events and
~700,000 time buckets: too many rows to bring into Python one by one. The
core keeps running totals as it writes (``session.rollup``), and a report
reads those:

* **Time per day and mode** — ``mode_rollup`` rows (``time_rollup``'s for
  one project), a local day being a signed sum of UTC days, hours and
  quarters (``slots.cover``); **per project** — ``time_rollup`` over the
  whole stretch, in UTC weeks where they fit. A year is a few thousand rows,
  whatever the zone. Each owner's time is kept apart (``Scope.owner``).
* **Time per file and branch** — ``place_rollup`` per UTC day, with the
  15-minute buckets (``session_time``) for the part of a day at each end; or,
  when the range holds most of the store, the totals over all time minus
  what lies outside it. A bucket belongs to the range when it starts inside
  it (15 minutes divides every zone's offset, so local midnights fall on
  bucket edges).
* **Time per session** — a session whose whole life lies in the range
  (``Scope.plain``) counts its ``active_ms``, the figure ``stats`` adds up;
  they are counted on an index, and the most active read down an index on
  ``active_ms`` (a long range) only as far as the list reaches.
* **Walked sessions** — the active ones (their open interval is in no
  total) and those crossing an end of the range: their history is read and
  walked by the core's own rules (``events.intervals``), for their time in
  the range, their open interval, and the few minutes the rollup cannot
  place (``slots.windows``).
* **The timeline** — the closed intervals of its days from
  ``session_intervals``, and the walked sessions' open intervals.

Which sessions each of these reads, as SQL conditions they all share, is
``scope.Scope``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from helix_lsp.report import slots
from helix_lsp.report.scope import Scope
from helix_lsp.session import db
from helix_lsp.session.events import Event
from helix_lsp.session.rollup import ALL_TIME, DAY

_FAR: Final = 1 << 62


def several_owners(conn: db.Connection) -> bool:
    """Whether the store holds sessions of more than one owner (two index probes)."""
    found = conn.execute(
        "SELECT (SELECT min(owner) FROM sessions) < (SELECT max(owner) FROM sessions)"
    ).fetchone()[0]
    return bool(found)


def _segments(segments: list[tuple[int, slots.Segment]]) -> str:
    """SQL ``VALUES`` of ``(d, sign, span, low, high)`` rows."""
    return ", ".join(
        f"({day}, {sign}, {span}, {low}, {high})" for day, (sign, span, low, high) in segments
    )


def _summed(conn: db.Connection, sql: str, params: list[object]) -> list[tuple[int, str, int]]:
    """The non-zero ``(d, name, ms)`` rows of ``sql``."""
    return [(int(d), str(name), int(ms)) for d, name, ms in conn.execute(sql, params) if ms]


def day_totals(
    conn: db.Connection, scope: Scope
) -> tuple[list[tuple[int, str, int]], list[tuple[str, int]]]:
    """``(day index, mode, ms)`` and ``(project, ms)`` of the closed intervals in
    the range's days, cut to their inner 15-minute edges: the days from
    ``mode_rollup`` (a few rows a slot; ``time_rollup`` for one project), the
    projects from ``time_rollup`` over the whole stretch the days cover."""
    segments = slots.day_segments(scope.period)
    if not segments:
        return [], []
    owner = "" if scope.owner is None else " AND r.owner = ?"
    whose: list[object] = [] if scope.owner is None else [scope.owner]
    extra, params = scope.filters("r.")
    table, args = ("mode_rollup", whose) if scope.project is None else ("time_rollup", params)
    days = _summed(
        conn,
        f"WITH segs(d, sign, span, low, high) AS (VALUES {_segments(segments)}) "
        f"SELECT segs.d, r.mode, SUM(segs.sign * r.ms) FROM segs JOIN {table} r "
        "ON r.span = segs.span AND r.slot >= segs.low AND r.slot < segs.high"
        f"{owner if scope.project is None else extra} GROUP BY segs.d, r.mode",
        args,
    )
    stretch = [(0, part) for part in slots.range_segments(scope.period)]
    projects = _summed(
        conn,
        f"WITH segs(d, sign, span, low, high) AS (VALUES {_segments(stretch)}) "
        "SELECT 0, r.project, SUM(segs.sign * r.ms) FROM segs JOIN time_rollup r "
        f"ON r.span = segs.span AND r.slot >= segs.low AND r.slot < segs.high{extra} "
        "GROUP BY r.project",
        params,
    )
    return days, [(name, ms) for _, name, ms in projects]


@dataclass(frozen=True)
class PlainRow:
    id: str
    name: str
    project: str
    mode: str
    status: str
    ms: int


def plain_sessions(
    conn: db.Connection, scope: Scope, limit: int
) -> tuple[int, list[PlainRow]]:
    """How many sessions lie wholly in the range, and the ``limit`` most active.

    Counted and ranked on an index; only the rows that can make the list
    (as active as the ``limit``-th or more) are read whole.
    """
    least = "coalesce((SELECT ms FROM cut), 1)"  # (a plain session has time)
    finished, ranked, most, paused, params = scope.plain_parts(least)
    sql = (  # the ``limit``-th most active, then all as active as it (ties included)
        f"WITH paused(seq, ms) AS MATERIALIZED (SELECT seq, active_ms FROM sessions "
        f"WHERE {paused}), "
        "cut(ms) AS (SELECT ms FROM (SELECT active_ms AS ms FROM sessions "
        f"WHERE {ranked} ORDER BY active_ms DESC LIMIT ?) AS most "
        "UNION ALL SELECT ms FROM paused ORDER BY ms DESC LIMIT 1 OFFSET ?) "
        f"SELECT (SELECT count(*) FROM sessions WHERE {finished}) "
        "+ (SELECT count(*) FROM paused), id, name, project, mode, status, active_ms "
        f"FROM sessions WHERE seq IN (SELECT seq FROM sessions WHERE {most} "
        f"UNION ALL SELECT seq FROM paused WHERE ms >= {least}) "
        "ORDER BY active_ms DESC, name, id LIMIT ?"
    )
    args = [*params, *params, limit, limit - 1, *params, *params, limit]
    found = conn.execute(sql, args).fetchall()
    count = found[0][0] if found else 0  # no row: no plain session at all
    return int(count), [PlainRow(*row[1:]) for row in found]


@dataclass(frozen=True)
class Detailed:
    """A walked session and its history; ``plain``: its whole time lies in the range."""

    id: str
    name: str
    project: str
    mode: str
    status: str
    plain: bool
    history: list[Event]


def walked(
    conn: db.Connection, scope: Scope, windows: list[tuple[int, int]]
) -> list[Detailed]:
    """The walked sessions with their histories (oldest event first)."""
    condition, candidates = scope.walked(windows)
    source, params = scope.where(condition, candidates=candidates)
    rows = conn.execute(
        f"SELECT seq, id, name, project, mode, status, coalesce(({scope.plain()}), FALSE) "
        f"FROM {source} ORDER BY seq",
        params,
    ).fetchall()
    if not rows:
        return []
    histories: dict[int, list[Event]] = {row[0]: [] for row in rows}
    found = conn.execute(
        'SELECT session_seq, at, kind, "by", mode, data FROM session_events '
        f"WHERE session_seq IN ({scope.dialect.array_numbers()}) ORDER BY session_seq, seq",
        [json.dumps(list(histories))],
    )
    for seq, at, kind, by, mode, data in found:
        histories[seq].append(Event(at, kind, by, mode, json.loads(data) if data else {}))
    return [
        Detailed(sid, name, project, mode, status, bool(plain), histories[seq])
        for seq, sid, name, project, mode, status, plain in rows
    ]


def _place_parts(
    conn: db.Connection, first: int, last: int
) -> list[tuple[int, str, int, int]]:
    """``(sign, source, low, high)`` whose sum is the buckets starting in ``[first, last)``:
    source ``day`` (``place_rollup`` per UTC day), ``fine`` (``session_time``) or
    ``all`` (the totals over all time)."""
    inner_start, inner_end = slots.ceil(first, DAY), slots.floor(last, DAY)
    if inner_start >= inner_end:
        return [(1, "fine", first, last)]
    direct = [(1, "day", inner_start, inner_end), (1, "fine", first, inner_start)]
    direct.append((1, "fine", inner_end, last))
    # two statements: each is one step down the index
    (low,) = conn.execute(
        f"SELECT min(slot) FROM place_rollup WHERE kind = 'file' AND span = {DAY}"
    ).fetchone()
    (high,) = conn.execute(
        f"SELECT max(slot) FROM place_rollup WHERE kind = 'file' AND span = {DAY}"
    ).fetchone()
    if low is None or high is None:
        return direct
    outside = max(0, inner_start - low) + max(0, high + DAY - inner_end)
    if outside >= inner_end - inner_start:
        return direct
    below, above = slots.floor(first, DAY), slots.ceil(last, DAY)
    return [
        (1, "all", 0, 0),
        (-1, "day", -_FAR, below),
        (-1, "fine", below, first),
        (-1, "fine", last, above),
        (-1, "day", above, _FAR),
    ]


def _part(
    kind: str, sign: int, source: str, low: int, high: int, scope: Scope
) -> tuple[str, list[object]]:
    """SQL of ``(owner, project, name, ms)`` rows of one part (see ``_place_parts``),
    ``ms`` times ``sign``."""
    if source == "fine":
        extra, more = scope.filters("s.")
        return (
            f"SELECT s.owner AS owner, s.project AS project, t.{kind} AS name, "
            f"{sign} * t.ms AS ms FROM session_time t JOIN sessions s ON s.seq = t.session_seq "
            f"WHERE t.bucket >= ? AND t.bucket < ? AND t.{kind} <> ''{extra}"
        ), [low, high, *more]
    extra, more = scope.filters()
    return (
        f"SELECT owner, project, name, {sign} * ms AS ms FROM place_rollup "
        f"WHERE kind = '{kind}' AND span = {DAY} AND slot >= ? AND slot < ?{extra}"
    ), [low, high, *more]


def _whole(kind: str, union: str, scope: Scope, limit: int) -> tuple[str, list[object]]:
    """SQL of the ``limit`` most active ``(project, name, total)`` over all time less
    ``union`` (the rows outside the range, ``ms`` negated), and its parameters
    after ``union``'s and before the ``limit``.

    Taking away only lowers a total, so the ``limit`` rows of most time over
    all time, less what they lose, give a total the list's last entry has at
    least: only the rows with that much over all time are read (down the
    index on ``ms``) and sorted.
    """
    alone, params = scope.filters()
    extra, more = scope.filters("a.")
    outside = (
        f"WITH o(owner, project, name, ms) AS MATERIALIZED (SELECT owner, project, name, "
        f"SUM(ms) FROM ({union}) AS outside GROUP BY owner, project, name)"
    )
    joined = "LEFT JOIN o ON o.owner = a.owner AND o.project = a.project AND o.name = a.name"
    rows = f"a.kind = '{kind}' AND a.span = {ALL_TIME} AND a.slot = 0{extra}"
    if scope.owner is None and scope.owners:  # one row per owner: added up
        return (
            f"{outside} SELECT a.project, a.name, SUM(a.ms - coalesce(o.ms, 0)) AS total "
            f"FROM place_rollup a {joined} WHERE {rows} GROUP BY a.project, a.name "
            "HAVING SUM(a.ms - coalesce(o.ms, 0)) > 0 ORDER BY total DESC, a.project, a.name "
            "LIMIT ?"
        ), more
    return (
        f"{outside}, most(owner, project, name, ms) AS (SELECT owner, project, name, ms "
        f"FROM place_rollup WHERE kind = '{kind}' AND span = {ALL_TIME} AND slot = 0{alone} "
        "ORDER BY ms DESC LIMIT ?), "
        "cut(total) AS (SELECT a.ms - coalesce(o.ms, 0) AS total FROM most a "
        f"{joined} ORDER BY total DESC LIMIT 1 OFFSET ?) "
        f"SELECT a.project, a.name, a.ms - coalesce(o.ms, 0) AS total FROM place_rollup a "
        f"{joined} WHERE {rows} AND a.ms >= coalesce((SELECT total FROM cut), 1) "
        "AND a.ms - coalesce(o.ms, 0) > 0 ORDER BY total DESC, a.project, a.name LIMIT ?"
    ), [*params, limit, limit - 1, *more]


def top_places(
    conn: db.Connection, scope: Scope, limit: int
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """``(project, file, ms)`` and ``(project, branch, ms)`` of the buckets starting
    in the range, most first, ``limit`` of each; buckets without one are left out.

    The totals over all time less what lies outside are read in their index's
    order and joined with the (few) rows to take away, so no large grouping
    is sorted.
    """
    first = slots.ceil(scope.period.start_ms)
    last = slots.ceil(scope.period.end_ms)
    parts = _place_parts(conn, first, last)
    result: dict[str, list[tuple[str, str, int]]] = {}
    for kind in ("file", "branch"):
        whole = parts[0][1] == "all"  # all time less the parts (summed as taken away)
        selects, params = [], []
        for sign, source, low, high in parts:
            if source != "all":
                sql, more = _part(kind, -sign if whole else sign, source, low, high, scope)
                selects.append(sql)
                params += more
        union = " UNION ALL ".join(selects)
        if whole:
            sql, more = _whole(kind, union, scope, limit)
            params += more
        else:
            sql = (
                f"SELECT project, name, SUM(ms) AS total FROM ({union}) AS parts "
                "GROUP BY project, name "
                "HAVING SUM(ms) > 0 ORDER BY total DESC, project, name LIMIT ?"
            )
        result[kind] = [
            (str(p), str(n), int(ms)) for p, n, ms in conn.execute(sql, [*params, limit])
        ]
    return result["file"], result["branch"]


def closed_intervals(
    conn: db.Connection, scope: Scope, start: int
) -> list[tuple[str, int, int, str]]:
    """``(session id, start, end, mode)`` of the closed intervals ending after
    ``start`` and beginning before the range's end (``session_intervals``)."""
    extra, params = scope.filters("s.")
    return conn.execute(
        "SELECT s.id, i.start_ms, i.end_ms, i.mode FROM session_intervals i "
        f"JOIN sessions s ON s.seq = i.session_seq WHERE i.end_ms > ? AND i.start_ms < ?{extra}",
        [start, scope.period.end_ms, *params],
    ).fetchall()


__all__ = [
    "Detailed",
    "PlainRow",
    "Scope",
    "closed_intervals",
    "day_totals",
    "plain_sessions",
    "several_owners",
    "top_places",
    "walked",
]
