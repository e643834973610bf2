"""Snapshots: sessions as one JSON document, and back, without loss.

A snapshot carries each session's contract object plus ``activeMs`` (the
active time of closed intervals, exact in milliseconds) so that an import
reproduces the store row exactly. Imports are checked in full before anything
is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from helix_lsp.session import validation
from helix_lsp.session.errors import InvalidArgumentError
from helix_lsp.session.model import Mode, SessionRecord, Status, from_iso, now_ms, to_iso

FORMAT: Final = "helix-lsp/sessions"
FORMAT_VERSION: Final = 1
MAX_IMPORT: Final = 100_000


def snapshot(records: list[SessionRecord]) -> dict[str, Any]:
    at = now_ms()
    sessions = []
    for rec in records:
        entry = rec.to_json(at)
        entry["activeMs"] = rec.active_ms
        sessions.append(entry)
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


def _record(entry: object, index: int) -> SessionRecord:
    where = f"session {index + 1} of the snapshot"
    if not isinstance(entry, Mapping):
        raise InvalidArgumentError(f"{where} is not an object.")
    sid = _field(entry, "id", where)
    if not isinstance(sid, str) or not sid or len(sid) > 64 or not sid.isprintable():
        raise InvalidArgumentError(f"{where} has an invalid id.")
    rec = SessionRecord(
        id=sid,
        name=validation.name(_field(entry, "name", where)),
        mode=Mode.parse(_field(entry, "mode", where)),
        status=Status.parse(_field(entry, "status", where)),
        project=validation.project(_field(entry, "project", where)),
        description=validation.optional_text(
            entry.get("description"), "the description", validation.MAX_DESCRIPTION
        ),
        tags=validation.tags(entry.get("tags") or []),
        metadata=validation.mapping(entry.get("metadata") or {}, "metadata"),
        context=validation.mapping(entry.get("context") or {}, "context"),
        failure_reason=validation.optional_text(
            entry.get("failureReason"), "the failure reason", validation.MAX_REASON
        ),
    )
    created = from_iso(_field(entry, "createdAt", where), f"{where}: createdAt")
    if created is None:
        raise InvalidArgumentError(f"{where} has no createdAt.")
    rec.created_at = created
    rec.updated_at = from_iso(entry.get("updatedAt"), f"{where}: updatedAt") or created
    rec.started_at = from_iso(entry.get("startedAt"), f"{where}: startedAt")
    rec.last_paused_at = from_iso(entry.get("lastPausedAt"), f"{where}: lastPausedAt")
    rec.ended_at = from_iso(entry.get("endedAt"), f"{where}: endedAt")
    rec.active_since = from_iso(entry.get("activeSince"), f"{where}: activeSince")
    active_ms = entry.get("activeMs")
    if active_ms is None:
        seconds = entry.get("activeSeconds") or 0
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidArgumentError(f"{where} has an invalid activeSeconds.")
        active_ms = round(seconds * 1000)
        if rec.active_since is not None:
            exported = from_iso(entry.get("exportedAt"), where) or now_ms()
            active_ms = max(0, active_ms - (exported - rec.active_since))
    rec.active_ms = validation.count(active_ms, f"{where}: activeMs", maximum=2**53)
    _check_consistent(rec, where)
    return rec


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


def parse(snapshot_doc: object) -> list[SessionRecord]:
    """Every record of a snapshot, fully checked, or ``InvalidArgumentError``."""
    if not isinstance(snapshot_doc, Mapping):
        raise InvalidArgumentError("the snapshot must be an object.")
    if snapshot_doc.get("format") != FORMAT:
        raise InvalidArgumentError(f"the snapshot's format is not {FORMAT!r}.")
    version = snapshot_doc.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InvalidArgumentError(
            f"the snapshot's version {version!r} is not one this helix-lsp reads ({FORMAT_VERSION})."
        )
    sessions = snapshot_doc.get("sessions")
    if not isinstance(sessions, list):
        raise InvalidArgumentError("the snapshot has no list of sessions.")
    if len(sessions) > MAX_IMPORT:
        raise InvalidArgumentError(f"a snapshot holds at most {MAX_IMPORT} sessions.")
    exported = snapshot_doc.get("exportedAt")
    records = []
    seen: set[str] = set()
    for index, entry in enumerate(sessions):
        if isinstance(entry, Mapping) and "exportedAt" not in entry and exported is not None:
            entry = {**entry, "exportedAt": exported}
        rec = _record(entry, index)
        if rec.id in seen:
            raise InvalidArgumentError(f"the snapshot holds session {rec.id} twice.")
        seen.add(rec.id)
        records.append(rec)
    return records
