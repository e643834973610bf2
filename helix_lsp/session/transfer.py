"""Snapshots: sessions as one JSON document, and back, without loss.

A snapshot carries each session's contract object plus ``activeMs`` (the
active time of closed intervals, exact in milliseconds), its history and its
time per file and branch (``timeline``) so that an import reproduces the
store's rows exactly. Imports are checked in full before anything
is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from helix_lsp.session import db, timeline, validation
from helix_lsp.session import owner as owners
from helix_lsp.session.errors import InvalidArgumentError
from helix_lsp.session.model import Mode, SessionRecord, Status, from_iso, now_ms, to_iso

FORMAT: Final = "helix-lsp/sessions"
FORMAT_VERSION: Final = 1
MAX_IMPORT: Final = 100_000

T = TypeVar("T")


def entry(rec: SessionRecord, at: int, conn: db.Connection) -> dict[str, Any]:
    """A session's object in a snapshot: its JSON, exact active time, history and time."""
    result = rec.to_json(at)
    result["activeMs"] = rec.active_ms
    result.update(timeline.export_fields(conn, rec))
    return result


def snapshot(records: list[SessionRecord], conn: db.Connection) -> dict[str, Any]:
    at = now_ms()
    sessions = [entry(rec, at, conn) for rec in records]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exportedAt": to_iso(at),
        "sessions": sessions,
    }


def _field(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise InvalidArgumentError(f"{where} has no {key!r}.")
    return entry[key]


def _checked(where: str, check: Callable[..., T], *args: Any) -> T:
    """``check(*args)``, its refusal prefixed with which session of the snapshot it is."""
    try:
        return check(*args)
    except InvalidArgumentError as err:
        raise InvalidArgumentError(f"{where}: {err.message}") from None


def _tags(raw: object) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidArgumentError(f"tags must be a list of strings, not {type(raw).__name__}.")
    return validation.tags(raw)


def _active_ms(entry: Mapping[str, Any], rec: SessionRecord, where: str) -> int:
    """Closed-interval active time: ``activeMs``, else derived from ``activeSeconds``."""
    limit = validation.MAX_ACTIVE_MS
    active_ms = entry.get("activeMs")
    if active_ms is not None:
        return _checked(where, lambda: validation.count(active_ms, "activeMs", maximum=limit))
    seconds = entry.get("activeSeconds") or 0
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not 0 <= seconds <= limit / 1000  # also false for NaN
    ):
        raise InvalidArgumentError(
            f"{where}: activeSeconds must be a number of seconds from 0 to {limit // 1000}."
        )
    total = round(seconds * 1000)
    if rec.active_since is not None:
        exported = _checked(where, from_iso, entry.get("exportedAt"), "exportedAt")
        total -= max(0, (now_ms() if exported is None else exported) - rec.active_since)
    return max(0, total)


def _restart_open_interval(rec: SessionRecord, at: int) -> None:
    """An imported active session: its open interval so far becomes closed time, and
    the interval goes on from ``at``, the import.

    Its activeSeconds stay the same at every moment; and the sessions already in
    this store, created before it is, cannot be mistaken for evidence that its
    interval began later (``clock``, rule 3).
    """
    if rec.active_since is not None and rec.active_since < at:
        moved = min(validation.MAX_ACTIVE_MS - rec.active_ms, at - rec.active_since)
        rec.active_ms += moved
        mode = rec.mode.value
        rec.active_by_mode[mode] = rec.active_by_mode.get(mode, 0) + moved
        rec.active_since = at


def _record(entry: object, index: int, owner: str = "") -> timeline.Imported:
    where = f"session {index + 1} of the snapshot"
    if not isinstance(entry, Mapping):
        raise InvalidArgumentError(f"{where} is not an object.")
    sid = _field(entry, "id", where)
    if not isinstance(sid, str) or not sid or len(sid) > 64 or not sid.isprintable():
        raise InvalidArgumentError(f"{where} has an invalid id.")
    rec = SessionRecord(
        id=sid,
        name=_checked(where, validation.name, _field(entry, "name", where)),
        mode=_checked(where, Mode.parse, _field(entry, "mode", where)),
        status=_checked(where, Status.parse, _field(entry, "status", where)),
        project=_checked(where, validation.project, _field(entry, "project", where)),
        owner=(
            owner
            if entry.get("owner") is None
            else _checked(where, owners.normalise, entry.get("owner"))
        ),
        description=_checked(
            where,
            validation.optional_text,
            entry.get("description"),
            "the description",
            validation.MAX_DESCRIPTION,
        ),
        tags=_checked(where, _tags, entry.get("tags")),
        metadata=_checked(where, validation.mapping, entry.get("metadata"), "metadata"),
        context=_checked(where, validation.mapping, entry.get("context"), "context"),
        failure_reason=_checked(
            where,
            validation.optional_text,
            entry.get("failureReason"),
            "the failure reason",
            validation.MAX_REASON,
        ),
    )
    created = _checked(where, from_iso, _field(entry, "createdAt", where), "createdAt")
    if created is None:
        raise InvalidArgumentError(f"{where} has no createdAt.")
    rec.created_at = created
    rec.updated_at = _checked(where, from_iso, entry.get("updatedAt"), "updatedAt") or created
    rec.started_at = _checked(where, from_iso, entry.get("startedAt"), "startedAt")
    rec.last_paused_at = _checked(where, from_iso, entry.get("lastPausedAt"), "lastPausedAt")
    rec.ended_at = _checked(where, from_iso, entry.get("endedAt"), "endedAt")
    rec.active_since = _checked(where, from_iso, entry.get("activeSince"), "activeSince")
    rec.active_ms = _active_ms(entry, rec, where)
    _check_consistent(rec, where)
    imported = timeline.read(entry, rec, where)
    _restart_open_interval(rec, now_ms())
    return imported


def _check_consistent(rec: SessionRecord, where: str) -> None:
    """Refuse rows the lifecycle could never have produced."""
    status = rec.status
    if (status is Status.ACTIVE) != (rec.active_since is not None):
        raise InvalidArgumentError(f"{where} is {status.value} but its activeSince says otherwise.")
    if status is not Status.IDLE and status is not Status.FAILED and rec.started_at is None:
        raise InvalidArgumentError(f"{where} is {status.value} but was never started.")
    if status.is_final != (rec.ended_at is not None):
        raise InvalidArgumentError(f"{where} is {status.value} but its endedAt says otherwise.")
    if status is Status.FAILED and not rec.failure_reason:
        raise InvalidArgumentError(f"{where} failed but gives no failureReason.")
    if rec.ended_at is not None and rec.started_at is not None and rec.ended_at < rec.started_at:
        raise InvalidArgumentError(f"{where} ends (endedAt) before it starts (startedAt).")


def check_header(snapshot_doc: object) -> Any:
    """Refuse a document that is not a snapshot this release reads; its sessions' time."""
    if not isinstance(snapshot_doc, Mapping):
        raise InvalidArgumentError("the snapshot must be an object.")
    if snapshot_doc.get("format") != FORMAT:
        raise InvalidArgumentError(f"the snapshot's format is not {FORMAT!r}.")
    version = snapshot_doc.get("version")
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise InvalidArgumentError(
            f"the snapshot's version {version!r} is not one this helix-lsp reads ({FORMAT_VERSION})."
        )
    exported = snapshot_doc.get("exportedAt")
    from_iso(exported, "the snapshot's exportedAt")
    return exported


def read_entry(
    entry: object, index: int, exported_at: object = None, owner: str = ""
) -> timeline.Imported:
    """Session ``index`` (0-based) of a snapshot as a checked record, or the refusal.

    ``exported_at`` is the document's ``exportedAt``: an active session's
    ``activeSeconds`` counted up to then. An entry without an ``owner`` (from
    a store before owners) becomes ``owner``'s: the importing one's.
    """
    if isinstance(entry, Mapping) and "exportedAt" not in entry and exported_at is not None:
        entry = {**entry, "exportedAt": exported_at}
    return _record(entry, index, owner)


def parse(snapshot_doc: object, owner: str = "") -> list[timeline.Imported]:
    """Every record of a snapshot, fully checked, or ``InvalidArgumentError``."""
    exported = check_header(snapshot_doc)
    assert isinstance(snapshot_doc, Mapping)
    sessions = snapshot_doc.get("sessions")
    if not isinstance(sessions, list):
        raise InvalidArgumentError("the snapshot has no list of sessions.")
    if len(sessions) > MAX_IMPORT:
        raise InvalidArgumentError(f"a snapshot holds at most {MAX_IMPORT} sessions.")
    records = []
    seen: set[str] = set()
    for index, entry in enumerate(sessions):
        item = read_entry(entry, index, exported, owner)
        if item.record.id in seen:
            raise InvalidArgumentError(f"the snapshot holds session {item.record.id} twice.")
        seen.add(item.record.id)
        records.append(item)
    return records
