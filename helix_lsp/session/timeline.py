"""A session's history and time buckets in a snapshot, and back.

An exported session carries ``history`` (its events, as
``helix.session.history`` gives them), ``time`` (its active time per file,
branch and 15-minute slot), ``activeMsByMode`` (closed intervals, exact) and
``pausedBy``. A snapshot from before these existed imports with a history
reconstructed from the session's timestamps (``by: import``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from helix_lsp.session import activity, db, events, rollup, rows, validation
from helix_lsp.session.errors import InvalidArgumentError
from helix_lsp.session.events import Event
from helix_lsp.session.model import Mode, SessionRecord, from_iso, to_iso

MAX_EVENTS: Final = 100_000
MAX_TIME_ROWS: Final = 100_000
TimeRow = tuple[str, str, int, int]


def export_fields(conn: db.Connection, rec: SessionRecord) -> dict[str, Any]:
    """The keys a snapshot adds to a session's object for its history and time."""
    return {
        "activeMsByMode": dict(rec.active_by_mode),
        "pausedBy": rec.paused_by,
        "history": [e.to_json() for e in events.read(conn, rec.seq)],
        "time": [
            {"file": f, "branch": b, "slot": to_iso(slot), "ms": ms}
            for f, b, slot, ms in activity.time_rows(conn, rec.seq)
        ],
    }


@dataclass
class Imported:
    """A checked session of a snapshot, with its history and time."""

    record: SessionRecord
    history: list[Event] = field(default_factory=list)
    time: list[TimeRow] = field(default_factory=list)

    def encoded(self) -> list[Any]:
        """One JSON-ready line: the row as ``rows.encode`` gives it, events, time."""
        return [
            rows.encode(self.record),
            [list(e.row(0)[1:]) for e in self.history],
            [list(t) for t in self.time],
        ]


def insert_encoded(conn: db.Connection, line: Sequence[Any]) -> None:
    """Write a line made by ``Imported.encoded`` (inside the caller's transaction)."""
    values, history, time = line
    seq = rows.insert_encoded(conn, values)
    conn.executemany(events.INSERT, [(seq, *e) for e in history])
    activity.add_time_rows(conn, seq, [tuple(t) for t in time])
    stored = dict(zip(rows.FIELDS, values, strict=True))
    rollup.session_added(
        conn,
        seq,
        stored["project"],
        stored["owner"],
        [
            Event(at, kind, by, mode, json.loads(data) if data else {})
            for at, kind, by, mode, data in history
        ],
        [(f, b, slot, ms) for f, b, slot, ms in time],
    )


def _history(raw: object, where: str) -> list[Event]:
    if not isinstance(raw, list) or len(raw) > MAX_EVENTS:
        raise InvalidArgumentError(
            f"{where}: history must be a list of at most {MAX_EVENTS} events."
        )
    out = []
    for number, item in enumerate(raw, 1):
        spot = f"{where}, event {number} of its history"
        if not isinstance(item, Mapping):
            raise InvalidArgumentError(f"{spot} is not an object.")
        at = from_iso(item.get("at"), f"{spot}: at")
        kind, by, data = item.get("kind"), item.get("by"), item.get("data", {})
        if at is None:
            raise InvalidArgumentError(f"{spot} has no time (at).")
        if kind not in events.KINDS:
            raise InvalidArgumentError(f"{spot} has an unknown kind {kind!r}.")
        if by not in events.BY:
            raise InvalidArgumentError(f"{spot} has an unknown 'by' {by!r}.")
        if not isinstance(data, Mapping):
            raise InvalidArgumentError(f"{spot}: data must be an object.")
        try:
            mode = Mode.parse(item.get("mode"))
        except InvalidArgumentError as err:
            raise InvalidArgumentError(f"{spot}: {err.message}") from None
        counted = data.get("activeMs")
        if counted is not None:
            validation.count(counted, "activeMs", maximum=validation.MAX_ACTIVE_MS)
        out.append(Event(at, str(kind), str(by), mode.value, json.loads(json.dumps(data))))
    return out


def _time(raw: object, where: str) -> list[TimeRow]:
    if not isinstance(raw, list) or len(raw) > MAX_TIME_ROWS:
        raise InvalidArgumentError(f"{where}: time must be a list of at most {MAX_TIME_ROWS} rows.")
    merged: dict[tuple[str, str, int], int] = {}
    for number, item in enumerate(raw, 1):
        spot = f"{where}, time row {number}"
        if not isinstance(item, Mapping):
            raise InvalidArgumentError(f"{spot} is not an object.")
        file, branch = item.get("file", ""), item.get("branch", "")
        if not isinstance(file, str) or not isinstance(branch, str):
            raise InvalidArgumentError(f"{spot}: file and branch must be strings.")
        slot = from_iso(item.get("slot"), f"{spot}: slot")
        if slot is None or slot % activity.BUCKET_MS:
            raise InvalidArgumentError(f"{spot}: slot must be the start of a 15-minute slot.")
        ms = validation.count(item.get("ms"), "ms", maximum=activity.BUCKET_MS)
        merged[(file, branch, slot)] = merged.get((file, branch, slot), 0) + ms
    return [(f, b, slot, ms) for (f, b, slot), ms in merged.items()]


def _by_mode(raw: object, rec: SessionRecord) -> dict[str, int]:
    """The closed time per mode, when the snapshot gives one that adds up."""
    if isinstance(raw, Mapping):
        try:
            parsed = {
                Mode.parse(k).value: validation.count(
                    v, "activeMsByMode", maximum=validation.MAX_ACTIVE_MS
                )
                for k, v in raw.items()
            }
        except InvalidArgumentError:
            parsed = None
        if parsed is not None and sum(parsed.values()) == rec.active_ms:
            return {k: v for k, v in parsed.items() if v}
    return {rec.mode.value: rec.active_ms} if rec.active_ms else {}


def read(entry: Mapping[str, Any], rec: SessionRecord, where: str) -> Imported:
    """``rec`` (already checked) with the history, time and activity of its entry."""
    rec.last_activity_at = from_iso(entry.get("lastActivityAt"), f"{where}: lastActivityAt")
    paused_by = entry.get("pausedBy")
    if paused_by is None and entry.get("awaySince") is not None:
        paused_by = "idle"
    rec.paused_by = paused_by if paused_by in events.BY else None
    rec.active_by_mode = _by_mode(entry.get("activeMsByMode"), rec)
    raw_history = entry.get("history")
    if raw_history is None:
        history = events.reconstruct(rec, by="import")
    else:
        history = _history(raw_history, where)
    raw_time = entry.get("time")
    time = [] if raw_time is None else _time(raw_time, where)
    return Imported(rec, history, time)


__all__ = ["Imported", "export_fields", "insert_encoded", "read"]
