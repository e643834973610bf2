"""Session rows by column name: one list of columns for SELECT, INSERT and reading back.

``FIELDS`` names the columns of ``sessions`` in the order every query selects
them (``COLUMNS``), so a row read anywhere maps onto a ``SessionRecord`` by
name, and an insert writes exactly the columns it names.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any, Final

from helix_lsp.session import db
from helix_lsp.session.model import Mode, SessionRecord, Status

_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(value: object) -> str:
    return _ENCODER.encode(value)


def _same(value: object) -> object:
    return value


def _enum(value: Mode | Status) -> str:
    return str(value.value)


#: Every stored column but ``seq``, with how its value is written.
_ENCODE: Final[dict[str, Callable[[Any], object]]] = {
    "id": _same,
    "name": _same,
    "mode": _enum,
    "status": _enum,
    "project": _same,
    "description": _same,
    "tags": _dump,
    "metadata": _dump,
    "context": _dump,
    "created_at": _same,
    "updated_at": _same,
    "started_at": _same,
    "last_paused_at": _same,
    "ended_at": _same,
    "failure_reason": _same,
    "active_ms": _same,
    "active_since": _same,
    "version": _same,
    "last_activity_at": _same,
    "paused_by": _same,
    "active_by_mode": _dump,
    "owner": _same,
}

def _loads(text: Any) -> Any:
    """``json.loads``, without the decoder for the empty values most rows hold."""
    if text == "{}":
        return {}
    if text == "[]":
        return []
    return json.loads(text)


#: How a stored column turns back into the record's value.
_DECODE: Final[dict[str, Callable[[Any], object]]] = {
    "mode": Mode,
    "status": Status,
    "tags": _loads,
    "metadata": _loads,
    "context": _loads,
    "active_by_mode": _loads,
}

#: The columns every query selects, in this order (``seq`` last).
FIELDS: Final[tuple[str, ...]] = (*_ENCODE, "seq")
COLUMNS: Final = ", ".join(FIELDS)

_INSERT: Final = (
    f"INSERT INTO sessions ({', '.join(_ENCODE)}) VALUES ({', '.join('?' * len(_ENCODE))}) "
    "RETURNING seq"
)
_INSERT_TAG: Final = "INSERT INTO session_tags (tag, seq, created_at) VALUES (?, ?, ?)"

#: Columns ``update`` may write (not the identity, the owner, the version or the order).
_UPDATABLE: Final = tuple(
    name for name in _ENCODE if name not in ("id", "created_at", "version", "owner")
)


#: Per column of ``FIELDS``, its decoder (None: stored as the record holds it).
_DECODERS: Final[tuple[Callable[[Any], Any] | None, ...]] = tuple(
    _DECODE.get(name) for name in FIELDS
)
if tuple(f.name for f in dataclasses.fields(SessionRecord)) != FIELDS:
    raise RuntimeError("rows.FIELDS must list SessionRecord's fields in their order")


def to_record(row: Sequence[Any]) -> SessionRecord:
    """A row selected as ``COLUMNS`` (a tuple or ``sqlite3.Row``) as a record.

    Positional: ``FIELDS`` is the record's field order (checked at import),
    which spares a dict of every row on each read.
    """
    return SessionRecord(
        *[v if decode is None else decode(v) for decode, v in zip(_DECODERS, row, strict=True)]
    )


def encode(rec: SessionRecord) -> list[Any]:
    """The record as stored: one value per name of ``FIELDS`` (``to_record`` reads it back)."""
    return [_ENCODE[name](getattr(rec, name)) if name in _ENCODE else rec.seq for name in FIELDS]


def insert_encoded(conn: db.Connection, values: Sequence[Any]) -> int:
    """Add a row given as ``encode`` gave it (its ``seq`` is ignored); the new ``seq``."""
    stored = dict(zip(FIELDS, values, strict=True))
    seq: int = conn.execute(_INSERT, [stored[name] for name in _ENCODE]).fetchone()[0]
    created = stored["created_at"]
    tags = json.loads(stored["tags"])
    conn.executemany(_INSERT_TAG, [(t, seq, created) for t in tags])
    return seq


def insert(conn: db.Connection, rec: SessionRecord) -> None:
    """Add ``rec`` and its tag index; ``rec.seq`` becomes the new row's."""
    values = [encode(getattr(rec, name)) for name, encode in _ENCODE.items()]
    rec.seq = conn.execute(_INSERT, values).fetchone()[0]
    conn.executemany(_INSERT_TAG, [(t, rec.seq, rec.created_at) for t in rec.tags])


def update(conn: db.Connection, rec: SessionRecord, before: SessionRecord) -> None:
    """Write what changed from ``before`` to ``rec``, bumping the version.

    Only changed columns are written (a transition does not re-serialise
    tags, metadata and context), and the tag index is kept in step.
    """
    rec.version = before.version + 1
    columns = ["version = ?"]
    values: list[object] = [rec.version]
    for name in _UPDATABLE:
        new = getattr(rec, name)
        if new != getattr(before, name):
            columns.append(f"{name} = ?")
            values.append(_ENCODE[name](new))
    conn.execute(f"UPDATE sessions SET {', '.join(columns)} WHERE seq = ?", [*values, rec.seq])
    if before.tags != rec.tags:
        gone = [t for t in before.tags if t not in rec.tags]
        new_tags = [t for t in rec.tags if t not in before.tags]
        conn.executemany(
            "DELETE FROM session_tags WHERE tag = ? AND seq = ?",
            [(t, rec.seq) for t in gone],
        )
        conn.executemany(_INSERT_TAG, [(t, rec.seq, rec.created_at) for t in new_tags])
