"""Read-only questions over the store: filtered pages and statistics.

Kept apart from the manager because they never change anything: they take a
connection and return records or numbers, and the indexes of ``store.py`` are
laid out for exactly these queries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from helix_lsp.session import db, lookup, validation
from helix_lsp.session.model import Mode, SessionRecord, Status
from helix_lsp.session.store import COLUMNS


def _values(raw: object, parse: Any) -> list[str]:
    items: Iterable[object] = (
        [raw] if isinstance(raw, str) or not isinstance(raw, Iterable) else raw
    )
    return sorted({parse(item).value for item in items})


@dataclass
class Filter:
    """The WHERE clause of a list query, checked and ready to bind."""

    status: object = None
    mode: object = None
    project: object = None
    tag: object = None
    query: object = None
    owner: str | None = None
    """Whose sessions (a checked owner name); None: everyone's."""

    def where(self, like: str = "LIKE") -> tuple[list[str], list[object]]:
        """Conditions on ``sessions s`` (and ``session_tags t`` for a tag), with their values.

        ``like`` is the operator that matches a name as SQLite's ``LIKE`` does
        (see ``db.Dialect``).
        """
        clauses: list[str] = []
        params: list[object] = []
        if self.tag is not None:
            clauses.append("t.tag = ?")
            params.append(validation.tag(self.tag))
        if self.status is not None:
            statuses = _values(self.status, Status.parse)
            clauses.append(f"s.status IN ({','.join('?' * len(statuses))})")
            params += statuses
        if self.mode is not None:
            modes = _values(self.mode, Mode.parse)
            clauses.append(f"s.mode IN ({','.join('?' * len(modes))})")
            params += modes
        if self.project is not None:
            clauses.append("s.project = ?")
            params.append(validation.project(self.project))
        if self.owner is not None:
            clauses.append("s.owner = ?")
            params.append(self.owner)
        if self.query is not None:
            needle = validation.text(self.query, "the search text", validation.MAX_NAME)
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(f"s.name {like} ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        return clauses, params


_S_COLUMNS = ", ".join("s." + c.strip() for c in COLUMNS.split(","))


def sole_owner(conn: db.Connection, owner: str | None) -> str | None:
    """``owner``, or None when no one else has a session in the store.

    A store of one person's (the usual local file) then takes the plans of
    an unfiltered query, which the owner-less indexes serve best (the tag
    index counts alone; statistics read their covering index): two index
    probes decide it.
    """
    if owner is None:
        return None
    others = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM sessions WHERE owner < ?) "
        "OR EXISTS (SELECT 1 FROM sessions WHERE owner > ?)",
        [owner, owner],
    ).fetchone()[0]
    return owner if others else None


def page(
    conn: db.Connection,
    flt: Filter,
    limit: int,
    offset: int,
    problems: lookup.Problems,
) -> tuple[list[SessionRecord], int]:
    """Records matching ``flt``, newest first, and how many match in all.

    Rows that cannot be read are left out (and noted in ``problems``); the
    total counts the rows that match, less those left out of this page.

    A tag filter walks the tag index (which carries ``created_at``) so that the
    newest tagged sessions come without sorting every session of that tag.
    """
    if flt.owner is not None and sole_owner(conn, flt.owner) is None:
        flt = dataclasses.replace(flt, owner=None)
    clauses, params = flt.where(db.dialect(conn).like)
    if flt.tag is not None:
        source = "session_tags t JOIN sessions s ON s.seq = t.seq"
        order = "t.created_at DESC, t.seq DESC"
    else:
        source, order = "sessions s", "s.created_at DESC, s.seq DESC"
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = conn.execute(
        f"SELECT {_S_COLUMNS} FROM {source}{where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    records = list(lookup.readable(rows, problems))
    if offset == 0 and len(rows) < limit:
        return records, len(records)
    if clauses == ["t.tag = ?"]:  # the tag index alone can count
        source = "session_tags t"
    # A name search counts the rows it found: PostgreSQL then finds them through
    # the names' trigram index (see ``pgschema``), where COUNT(*) would have it
    # fold the case of every name in the smaller name index. (``seq`` is in every
    # SQLite index: the same plan there.)
    counted = "s.seq" if flt.query is not None else "*"
    total = conn.execute(
        f"SELECT COUNT({counted}) FROM {source}{where}", params
    ).fetchone()[0]
    return records, total - (len(rows) - len(records))


@dataclass
class Stats:
    """Counts and active time, overall and per project."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    by_mode: dict[str, int] = field(default_factory=lambda: {m.value: 0 for m in Mode})
    active_seconds: float = 0.0
    started: int = 0
    by_project: dict[str, Stats] = field(default_factory=dict)
    active_seconds_by_mode: dict[str, float] = field(default_factory=dict)

    def add_mode_time(self, mode: str, ms: float) -> None:
        if ms:
            self.active_seconds_by_mode[mode] = self.active_seconds_by_mode.get(mode, 0) + ms / 1000

    @property
    def average_active_seconds(self) -> float:
        """Mean active time of the sessions that were ever started."""
        return self.active_seconds / self.started if self.started else 0.0

    def add(self, status: str, mode: str, count: int, active_ms: int, started: int) -> None:
        self.total += count
        self.by_status[status] = self.by_status.get(status, 0) + count
        self.by_mode[mode] = self.by_mode.get(mode, 0) + count
        self.active_seconds += active_ms / 1000
        self.started += started

    def to_json(self, *, projects: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = {
            "total": self.total,
            "byStatus": dict(self.by_status),
            "byMode": dict(self.by_mode),
            "activeSeconds": round(self.active_seconds, 3),
            "averageActiveSeconds": round(self.average_active_seconds, 3),
            "startedSessions": self.started,
            "activeSecondsByMode": {
                mode: round(seconds, 3)
                for mode, seconds in sorted(self.active_seconds_by_mode.items())
            },
        }
        if projects:
            result["byProject"] = {
                name: sub.to_json(projects=False) for name, sub in sorted(self.by_project.items())
            }
        return result


_STATUSES = frozenset(s.value for s in Status)
_MODES = frozenset(m.value for m in Mode)


def stats(
    conn: db.Connection, project: str | None, at: int, owner: str | None = None
) -> Stats:
    """One grouped scan of the store (of ``owner``'s sessions; None: everyone's);
    open active intervals count up to ``at``.

    Active time is summed with TOTAL (a float), which cannot overflow the way
    an integer SUM would on rows written by another program.
    """
    owner = sole_owner(conn, owner)
    conds = [c for c, v in (("owner = ?", owner), ("project = ?", project)) if v is not None]
    params: list[object] = [v for v in (owner, project) if v is not None]
    where = " WHERE " + " AND ".join(conds) if conds else ""
    total = db.dialect(conn).total
    rows = conn.execute(
        f"SELECT project, status, mode, COUNT(*), {total('active_ms')}, "
        + total("CASE WHEN active_since < ? THEN ? - active_since ELSE 0 END")
        + f", COUNT(started_at) FROM sessions{where} GROUP BY project, status, mode",
        [at, at, *params],
    ).fetchall()
    result = Stats()
    scanned: list[tuple[object, object, float]] = []  # (project, mode, active ms)
    for proj, status, mode, count, active_ms, open_ms, started in rows:
        scanned.append((proj, mode, (active_ms or 0) + (open_ms or 0)))
        if status not in _STATUSES or mode not in _MODES or not isinstance(proj, str):
            continue  # a row no session could hold (see lookup.read)
        total_ms = (active_ms or 0) + (open_ms or 0)
        result.add(status, mode, count, total_ms, started or 0)
        result.by_project.setdefault(proj, Stats()).add(
            status, mode, count, total_ms, started or 0
        )
    _mode_time(conn, result, scanned, where, params)
    return result


def _mode_time(
    conn: db.Connection,
    result: Stats,
    by_mode: list[tuple[object, object, float]],
    where: str,
    params: Sequence[object],
) -> None:
    """Active time per mode without decoding the JSON of every row.

    The grouped scan already gives each (project, mode)'s active time, which
    is right for every session that was active in one mode only. The few
    other rows (``Dialect.mixed_modes``, read from their own partial index) have their
    ``active_ms`` taken back and their per-mode totals added instead.
    """
    dialect = db.dialect(conn)
    mixed_rows = dialect.mixed_modes
    cond = f"{where} AND {mixed_rows}" if where else f" WHERE {mixed_rows}"
    taken = conn.execute(
        f"SELECT project, mode, -{dialect.total('active_ms')} FROM sessions{cond} "
        "GROUP BY project, mode",
        params,
    ).fetchall()
    items = dialect.object_items("s.active_by_mode", "j")
    mixed = conn.execute(
        f"SELECT s.project, j.key, {dialect.total(dialect.item_number('j'))} "
        f"FROM (SELECT project, active_by_mode FROM sessions{cond}{dialect.fence}) s, "
        f"{items} GROUP BY s.project, j.key",
        params,
    ).fetchall()
    sums: dict[tuple[str, str], float] = {}
    for proj, mode, ms in (*by_mode, *taken, *mixed):
        if isinstance(mode, str) and isinstance(proj, str):
            sums[proj, mode] = sums.get((proj, mode), 0.0) + (ms or 0)
    for (proj, mode), ms in sums.items():
        if mode not in _MODES or proj not in result.by_project:
            continue
        result.add_mode_time(mode, ms)
        result.by_project[proj].add_mode_time(mode, ms)
