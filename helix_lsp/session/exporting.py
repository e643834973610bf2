"""Writing a snapshot row by row, and saving what can be read from a damaged store.

``write_snapshot`` produces the document of ``transfer.snapshot``, one session at
a time and one session a line (each encoded by json's C encoder: an indented
encoding runs the pure-Python one, about ten times slower), so 100,000
sessions take the memory of one. The rows are read in one
read transaction (a consistent state; in WAL mode writers go on meanwhile).

When the store is damaged, reading stops at the first page SQLite cannot
read. ``readable_records`` then carries on in ``seq`` order, stepping over
the rows it cannot read, and reports each gap in a sentence: an export of a
damaged store saves every session that can still be read.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import IO, Final

from helix_lsp.session import db
from helix_lsp.session.model import SessionRecord, now_ms, to_iso
from helix_lsp.session.rows import COLUMNS, FIELDS, to_record
from helix_lsp.session.transfer import FORMAT, FORMAT_VERSION, entry

Progress = Callable[[int, "int | None"], None]
BATCH: Final = 500
#: After an unreadable row, how far ahead (in ``seq``) rows are looked up one by
#: one when the store cannot even say its highest ``seq``.
_PROBE_WINDOW: Final = 1_000_000
_CREATED: Final = FIELDS.index("created_at")
_SEQ: Final = FIELDS.index("seq")


def _entry_text(rec: SessionRecord, at: int, conn: db.Connection) -> str:
    return "    " + json.dumps(entry(rec, at, conn), ensure_ascii=False)


def write_snapshot(
    fp: IO[str],
    records: Iterator[SessionRecord],
    conn: db.Connection,
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the snapshot of ``records`` to ``fp``; how many sessions it holds."""
    at = now_ms()
    head = {"format": FORMAT, "version": FORMAT_VERSION, "exportedAt": to_iso(at)}
    fp.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "sessions": [')
    count = 0
    for rec in records:
        fp.write(("\n" if count == 0 else ",\n") + _entry_text(rec, at, conn))
        count += 1
        if progress is not None and count % BATCH == 0:
            progress(count, total)
    fp.write("\n  ]\n}\n" if count else "]\n}\n")
    if progress is not None:
        progress(count, total)
    return count


def count_rows(conn: db.Connection) -> int | None:
    """How many sessions the store holds, or None when it cannot tell."""
    try:
        value: int = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    except sqlite3.DatabaseError:
        return None
    return value


def readable_records(
    conn: db.Connection, on_skip: Callable[[str], None]
) -> Iterator[SessionRecord]:
    """Every session that can be read, oldest first; ``on_skip`` hears of the rest.

    Reads in the usual order (``created_at, seq``) and, only after SQLite
    fails to read a page, goes on in ``seq`` order from where it stopped.
    """
    last: tuple[int, int] | None = None  # (created_at, seq) of the last row given out
    try:
        cursor = db.stream(conn, f"SELECT {COLUMNS} FROM sessions ORDER BY created_at, seq")
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                key = (row[_CREATED], row[_SEQ])
                rec = _decoded(row, on_skip)
                last = key
                if rec is not None:
                    yield rec
        return
    except sqlite3.DatabaseError:
        pass  # a damaged page (of the table or of the index on created_at)
    yield from _salvage(conn, last, on_skip)


def _decoded(row: tuple[object, ...], on_skip: Callable[[str], None]) -> SessionRecord | None:
    try:
        return to_record(row)
    except (ValueError, TypeError, KeyError) as err:
        on_skip(f"session {row[0]!r} could not be read ({err})")
        return None


def _salvage(
    conn: db.Connection, done: tuple[int, int] | None, on_skip: Callable[[str], None]
) -> Iterator[SessionRecord]:
    """Rows in ``seq`` order past the damage, except those already given out (``done``).

    A range scan runs until SQLite fails; then rows are looked up one by one
    (a lookup reads only the pages on the way to its row) until the damaged
    ones are behind, and the scan resumes there.
    """
    try:
        highest = conn.execute("SELECT max(seq) FROM sessions").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        highest = None
    pos = 0
    while True:
        try:
            for row in conn.execute(
                f"SELECT {COLUMNS} FROM sessions WHERE seq > ? ORDER BY seq", [pos]
            ):
                if not isinstance(row[_SEQ], int) or row[_SEQ] <= pos:
                    raise sqlite3.DatabaseError("rows out of order")  # a page of garbage
                pos = row[_SEQ]
                if (rec := _fresh(row, done, on_skip)) is not None:
                    yield rec
            return
        except sqlite3.DatabaseError:
            pass
        end = highest if highest is not None else pos + _PROBE_WINDOW
        lost: list[int] = []
        resumed = False
        for seq in range(pos + 1, end + 1):
            try:
                row = conn.execute(
                    f"SELECT {COLUMNS} FROM sessions WHERE seq = ?", [seq]
                ).fetchone()
            except sqlite3.DatabaseError:
                lost.append(seq)
                continue
            pos = seq
            if row is not None:
                if (rec := _fresh(row, done, on_skip)) is not None:
                    yield rec
                if lost:
                    resumed = True
                    break
        if lost:
            on_skip(_gap_sentence(conn, lost[0], lost[-1]))
        if not resumed:
            return


def _fresh(
    row: tuple[object, ...], done: tuple[int, int] | None, on_skip: Callable[[str], None]
) -> SessionRecord | None:
    """The row's record unless it was given out before the damage (or cannot be read)."""
    if done is not None and (row[_CREATED], row[_SEQ]) <= done:
        return None
    return _decoded(row, on_skip)


def _gap_sentence(conn: db.Connection, first: int, last: int) -> str:
    """Which sessions were stepped over, named by id when the id index still says."""
    try:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM sessions INDEXED BY sqlite_autoindex_sessions_1 "
                "WHERE seq BETWEEN ? AND ? ORDER BY id",
                [first, last],
            )
        ]
    except sqlite3.DatabaseError:
        return "some sessions could not be read (a damaged page of the store)"
    if not ids:
        return "a damaged page of the store was stepped over"
    shown = ", ".join(ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
    noun = "session" if len(ids) == 1 else "sessions"
    return f"{len(ids)} {noun} could not be read (a damaged page of the store): {shown}"
