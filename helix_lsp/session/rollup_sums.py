"""Where active time lands in the running totals, and adding it to them.

``rollup`` writes the totals with each change of the core and works them
out again from whole histories (the migration's backfill, the checks that
the tables hold what they summarise). Both must place every millisecond in
the same rows, so the arithmetic lives here once: the spans and keys of the
rows, the slots a closed interval falls in, the rows of a history's intervals
and of time buckets, and the statements that add sums to the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from helix_lsp.session import db, events

QUARTER: Final = 15 * 60 * 1000
HOUR: Final = 3_600_000
DAY: Final = 86_400_000
#: The spans of ``time_rollup``, longest first.
WEEK: Final = 7 * DAY
SPANS: Final = (WEEK, DAY, HOUR, QUARTER)
#: The span (and slot) of ``place_rollup``'s totals over all time.
ALL_TIME: Final = 0

_ADD_TIME: Final = (
    "INSERT INTO time_rollup (span, slot, project, mode, owner, ms) VALUES {rows} "
    "ON CONFLICT (span, slot, project, mode, owner) "
    "DO UPDATE SET ms = time_rollup.ms + excluded.ms"
)
_ADD_MODE: Final = (
    "INSERT INTO mode_rollup (span, slot, mode, owner, ms) VALUES {rows} "
    "ON CONFLICT (span, slot, mode, owner) DO UPDATE SET ms = mode_rollup.ms + excluded.ms"
)
ADD_INTERVAL: Final = (
    "INSERT INTO session_intervals (session_seq, start_ms, end_ms, mode) VALUES (?, ?, ?, ?)"
)
_ADD_PLACE: Final = (
    "INSERT INTO place_rollup (kind, span, slot, project, name, owner, ms) "
    "VALUES {rows} "
    "ON CONFLICT (kind, span, slot, project, name, owner) "
    "DO UPDATE SET ms = place_rollup.ms + excluded.ms"
)

TimeKey = tuple[int, int, str, str, str]  # span, slot, project, mode, owner
PlaceKey = tuple[str, int, int, str, str, str]  # kind, span, slot, project, name, owner
ModeKey = tuple[int, int, str, str]  # span, slot, mode, owner


def slots(start: int, end: int, span: int) -> Iterable[tuple[int, int]]:
    """``(slot start, ms)`` for the time from ``start`` to ``end``, cut at the edges of
    ``span``-long slots: the one way a stretch of time is divided, for the per-session
    time buckets and the running totals alike."""
    while start < end:
        slot = start - start % span
        stop = min(end, slot + span)
        yield slot, stop - start
        start = stop


def add_interval(
    sums: dict[TimeKey, int],
    project: str,
    owner: str,
    mode: str,
    end: int,
    ms: int,
    sign: int = 1,
) -> None:
    """Add a closed interval (``ms`` long, ending at ``end``) of a session of ``owner``
    to ``sums`` at every span."""
    if ms <= 0:
        return
    for span in SPANS:
        for slot, part in slots(end - ms, end, span):
            key = (span, slot, project, mode, owner)
            sums[key] = sums.get(key, 0) + sign * part


def add_history(
    sums: dict[TimeKey, int],
    project: str,
    owner: str,
    history: Sequence[events.Event],
    sign: int = 1,
) -> None:
    """Add the closed intervals of a history (as ``events.intervals`` places them)."""
    for interval in events.intervals(history, 0):
        if interval.end is not None:
            add_interval(sums, project, owner, interval.mode, interval.end, interval.ms, sign)


def add_places(
    sums: dict[PlaceKey, int],
    project: str,
    owner: str,
    rows: Iterable[tuple[str, str, int, int]],
    sign: int = 1,
) -> None:
    """Add time buckets ``(file, branch, slot, ms)`` per file and per branch."""
    for file, branch, slot, ms in rows:
        for kind, name in (("file", file), ("branch", branch)):
            if name and ms:
                for key in (
                    (kind, DAY, slot - slot % DAY, project, name, owner),
                    (kind, ALL_TIME, 0, project, name, owner),
                ):
                    sums[key] = sums.get(key, 0) + sign * ms


def by_mode(sums: dict[TimeKey, int]) -> dict[ModeKey, int]:
    """``sums`` added up over the projects (``mode_rollup``'s rows)."""
    modes: dict[ModeKey, int] = {}
    for (span, slot, _project, mode, owner), ms in sums.items():
        key = (span, slot, mode, owner)
        modes[key] = modes.get(key, 0) + ms
    return modes


def write_time(conn: db.Connection, sums: dict[TimeKey, int]) -> None:
    """Add ``sums`` to ``time_rollup``, and over the projects to ``mode_rollup``, in
    key order: writers of one project (PostgreSQL lets different owners write at
    once) then lock the rows they share in the same order."""
    _add(conn, _ADD_TIME, [(*key, ms) for key, ms in sorted(sums.items()) if ms])
    _add(conn, _ADD_MODE, [(*key, ms) for key, ms in sorted(by_mode(sums).items()) if ms])


def write_places(conn: db.Connection, sums: dict[PlaceKey, int]) -> None:
    """Add ``sums``, in key order (see ``write_time``)."""
    _add(conn, _ADD_PLACE, [(*key, ms) for key, ms in sorted(sums.items()) if ms])


#: Rows per statement when sums are added (a backfill adds many thousands).
ROWS_PER_STATEMENT: Final = 100


def _add(conn: db.Connection, statement: str, rows: Sequence[tuple[object, ...]]) -> None:
    """Add ``rows`` with ``statement`` (whose ``{rows}`` takes the VALUES lists), many
    rows a statement: a pause adds seven sums, and on PostgreSQL each statement is
    an execution of its own (about 0.05 ms); one statement adds them all. The keys
    are distinct, as one statement needs (it may not update a row twice)."""
    for first in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[first : first + ROWS_PER_STATEMENT]
        marks = "(" + ", ".join("?" * len(chunk[0])) + ")"
        conn.execute(
            statement.format(rows=", ".join([marks] * len(chunk))),
            [value for row in chunk for value in row],
        )


def closed_intervals(seq: int, history: Sequence[events.Event]) -> list[tuple[int, int, int, str]]:
    """``(seq, start, end, mode)`` of the closed intervals of a history, each placed
    as ending where it closed (``session_intervals`` rows)."""
    return [
        (seq, i.end - i.ms, i.end, i.mode)
        for i in events.intervals(history, 0)
        if i.end is not None and i.ms > 0
    ]
