"""What a report reads from the store, in SQL that does the adding up.

A year of a busy store holds ~100,000 sessions, ~400,000 history events and
~700,000 time buckets: too many rows to bring into Python one by one. So the
work is split by what a session's time needs:

* **Plain sessions** — over (completed, failed or paused), created inside the
  range, ended before the timeline's first day, and lived within one local
  day. All of their active time lies on that day, so the store's own
  per-mode totals (``sessions.active_by_mode``, the figures ``stats`` adds
  up) are summed in SQL per (day, mode) and per project, and only the most
  active of them are read as rows.
* **Detailed sessions** — the others with time in the range (active, or
  crossing a local midnight or an edge of the range, or in the timeline's
  days): their history is read and walked by the core's own rules
  (``events.intervals``), so day cuts and timeline pieces are exact.

The local day of a time is computed in SQL from the zone's UTC offsets
(``day_sql``): a CASE over the few offset changes of the range, so no row is
compared with a list of midnights. Per-file and per-branch time is summed
from ``session_time`` in SQL, keeping only the top entries; a 15-minute
bucket belongs to the range when it starts inside it (15 minutes divides
every zone's offset, so local midnights fall on bucket edges).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Final

from helix_lsp.report.model import MODES
from helix_lsp.report.period import Period
from helix_lsp.session.events import Event

DAY_MS: Final = 86_400_000
#: A range longer than this reads whole tables (an index walk over most rows is slower).
SCAN_DAYS: Final = 31
_BUCKET_MS: Final = 15 * 60 * 1000


def _offset_ms(ms: int, tz: tzinfo) -> int:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(tz)
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() * 1000)


@lru_cache(maxsize=16)
def _changes(tz: tzinfo, lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    """``(first UTC ms, offset ms)`` of each stretch of one UTC offset from ``lo`` to ``hi``."""
    found = [(lo, _offset_ms(lo, tz))]
    step = 6 * 3_600_000  # zones change offset at most once in six hours
    at = lo
    while at < hi:
        nxt = min(at + step, hi)
        if _offset_ms(nxt, tz) != found[-1][1]:
            low, high = at, nxt  # the change lies in (low, high]: find its first ms
            while high - low > 1:
                mid = (low + high) // 2
                if _offset_ms(mid, tz) == found[-1][1]:
                    low = mid
                else:
                    high = mid
            found.append((high, _offset_ms(high, tz)))
        at = nxt
    return tuple(found)


def day_sql(column: str, period: Period) -> str:
    """SQL for the index into ``period.days`` of the local day of ``column`` (UTC ms).

    Days before the range come out negative, days after it past the last
    index. Every number is an integer literal computed here, so the
    expression needs no parameters.
    """
    changes = _changes(period.tz, period.start_ms - 2 * DAY_MS, period.end_ms + 2 * DAY_MS)
    first = (period.start_ms + _offset_ms(period.start_ms, period.tz)) // DAY_MS
    if len(changes) == 1:
        offset = str(changes[0][1])
    else:
        whens = " ".join(
            f"WHEN {column} < {changes[i + 1][0]} THEN {changes[i][1]}"
            for i in range(len(changes) - 1)
        )
        offset = f"CASE {whens} ELSE {changes[-1][1]} END"
    return f"(({column} + {offset}) / {DAY_MS} - {first})"


@dataclass(frozen=True)
class Scope:
    """The range and filters every query of one report shares."""

    period: Period
    timeline_from: int
    project: str | None
    owner: str | None = None  # None: every owner's sessions

    @property
    def scan(self) -> bool:
        return self.period.end_ms - self.period.start_ms > SCAN_DAYS * DAY_MS

    def plain(self) -> str:
        """SQL: a session (no alias) of the plain kind (see the module's rules)."""
        end = "CASE status WHEN 'paused' THEN last_paused_at ELSE ended_at END"
        return (
            f"status IN ('completed', 'failed', 'paused') AND active_ms > 0 "
            f"AND created_at >= {self.period.start_ms} AND ({end}) < {self.timeline_from} "
            f"AND {day_sql('created_at', self.period)} = {day_sql(f'({end})', self.period)}"
        )

    def detailed(self) -> str:
        """SQL: a session with time that may lie in the range and is not plain."""
        start, end = self.period.start_ms, self.period.end_ms
        ended = f"coalesce(CASE status WHEN 'paused' THEN last_paused_at ELSE ended_at END, {end})"
        return (
            f"(status = 'active' OR (active_ms > 0 AND status != 'idle')) "
            f"AND created_at < {end} AND (status = 'active' OR {ended} > {start}) "
            f"AND NOT coalesce(({self.plain()}), 0)"
        )

    def where(self, condition: str, join: str = "") -> tuple[str, list[object]]:
        """``FROM … WHERE …`` of the candidate sessions meeting ``condition`` (and
        the project), with ``join`` added to the FROM list; and its parameters."""
        conditions = [condition]
        if not self.scan:
            conditions = [
                "sessions.seq IN (SELECT seq FROM sessions WHERE ended_at > "
                f"{self.period.start_ms} UNION ALL SELECT seq FROM sessions "
                "WHERE status IN ('active', 'paused'))",
                condition,
            ]
        params: list[object] = []
        if self.project is not None:
            conditions.append("sessions.project = ?")
            params.append(self.project)
        if self.owner is not None:
            conditions.append("sessions.owner = ?")
            params.append(self.owner)
        # a long range reads the table in order: the planner would otherwise walk
        # the partial index on ended_at and fetch every row from it, 20 times slower
        table = "sessions NOT INDEXED" if self.scan else "sessions"
        return f"{table}{join} WHERE {' AND '.join(conditions)}", params


@dataclass(frozen=True)
class PlainRow:
    id: str
    name: str
    project: str
    mode: str
    status: str
    ms: int


def plain_totals(
    conn: sqlite3.Connection, scope: Scope
) -> tuple[list[tuple[int, str, int]], list[tuple[str, int]]]:
    """``(day index, mode, ms)`` and ``(project, ms)`` of the plain sessions.

    Two small groupings in one statement: per day and mode from each
    session's time per mode, per project from its total.
    """
    # a value no session could hold (damaged JSON, an unknown mode) is passed over, as in stats
    valid = "CASE WHEN json_valid(active_by_mode) THEN active_by_mode ELSE '{}' END"
    known = ", ".join(f"'{m}'" for m in MODES)
    by_mode, params = scope.where(
        f"{scope.plain()} AND j.key IN ({known})", f", json_each({valid}) j"
    )
    total, more = scope.where(scope.plain())
    sql = (
        f"SELECT {day_sql('created_at', scope.period)} AS d, j.key, TOTAL(j.value) "
        f"FROM {by_mode} GROUP BY d, j.key "
        f"UNION ALL SELECT NULL, project, TOTAL(active_ms) FROM {total} GROUP BY project"
    )
    days: list[tuple[int, str, int]] = []
    projects: list[tuple[str, int]] = []
    for day, name, ms in conn.execute(sql, [*params, *more]):
        if day is None:
            projects.append((str(name), int(ms)))
        else:
            days.append((int(day), str(name), int(ms)))
    return days, projects


def plain_top(conn: sqlite3.Connection, scope: Scope, limit: int) -> list[PlainRow]:
    """The ``limit`` most active plain sessions (their whole time is in the range)."""
    source, params = scope.where(scope.plain())
    sql = (
        "SELECT id, name, project, mode, status, active_ms "
        f"FROM {source} "
        "ORDER BY active_ms DESC, name, id LIMIT ?"
    )
    return [PlainRow(*row) for row in conn.execute(sql, [*params, limit])]


@dataclass(frozen=True)
class Detailed:
    """A detailed session and its history."""

    id: str
    name: str
    project: str
    mode: str
    status: str
    history: list[Event]


def detailed(conn: sqlite3.Connection, scope: Scope) -> list[Detailed]:
    """The detailed sessions with their histories (oldest event first)."""
    source, params = scope.where(scope.detailed())
    rows = conn.execute(
        f"SELECT seq, id, name, project, mode, status FROM {source} ORDER BY seq",
        params,
    ).fetchall()
    if not rows:
        return []
    histories: dict[int, list[Event]] = {seq: [] for seq, *_ in rows}
    found = conn.execute(
        "SELECT session_seq, at, kind, by, mode, data FROM session_events "
        "WHERE session_seq IN (SELECT value FROM json_each(?)) ORDER BY session_seq, seq",
        [json.dumps(list(histories))],
    )
    for seq, at, kind, by, mode, data in found:
        histories[seq].append(Event(at, kind, by, mode, json.loads(data) if data else {}))
    return [
        Detailed(sid, name, project, mode, status, histories[seq])
        for seq, sid, name, project, mode, status in rows
    ]


def top_places(
    conn: sqlite3.Connection, scope: Scope, limit: int
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """``(project, file, ms)`` and ``(project, branch, ms)`` of the buckets starting
    in the range, most first, ``limit`` of each; buckets without one are left out.

    One pass over the buckets: summed per session, file and branch in the
    table's own key order (no sort), then per project and file or branch.
    """
    first = scope.period.start_ms - scope.period.start_ms % _BUCKET_MS
    if first < scope.period.start_ms:
        first += _BUCKET_MS
    bucket = "+t.bucket" if scope.scan else "t.bucket"  # a long range: no index walk
    extra, params = ("", []) if scope.project is None else (" AND s.project = ?", [scope.project])
    if scope.owner is not None:
        extra, params = extra + " AND s.owner = ?", [*params, scope.owner]
    sql = (
        "WITH x AS MATERIALIZED (SELECT s.project AS project, y.file AS file, "
        "y.branch AS branch, y.ms AS ms FROM ("
        "SELECT t.session_seq AS seq, t.file AS file, t.branch AS branch, TOTAL(t.ms) AS ms "
        f"FROM session_time t WHERE {bucket} >= ? AND {bucket} < ? "
        f"GROUP BY t.session_seq, t.file, t.branch) y JOIN sessions s ON s.seq = y.seq "
        f"WHERE 1{extra}) "
        "SELECT * FROM (SELECT 'file', project, file, TOTAL(ms) AS total FROM x "
        "WHERE file != '' GROUP BY project, file ORDER BY total DESC, project, file LIMIT ?) "
        "UNION ALL SELECT * FROM (SELECT 'branch', project, branch, TOTAL(ms) AS total FROM x "
        "WHERE branch != '' GROUP BY project, branch ORDER BY total DESC, project, branch "
        "LIMIT ?)"
    )
    files: list[tuple[str, str, int]] = []
    branches: list[tuple[str, str, int]] = []
    for kind, project, name, ms in conn.execute(
        sql, [first, scope.period.end_ms, *params, limit, limit]
    ):
        (files if kind == "file" else branches).append((str(project), str(name), int(ms)))
    return files, branches
