"""The lifecycle table, and the one function that applies it to a record.

The table is data so that the CLI, the server and the tests can all ask
"which actions are legal now?" from the same source.
"""

from __future__ import annotations

from typing import Final

from helix_lsp.session.errors import InvalidTransitionError
from helix_lsp.session.model import Mode, SessionRecord, Status

ACTIONS: Final = ("start", "pause", "resume", "complete", "fail")

#: action -> (statuses it is allowed from, status it leads to)
TRANSITIONS: Final[dict[str, tuple[frozenset[Status], Status]]] = {
    "start": (frozenset({Status.IDLE}), Status.ACTIVE),
    "pause": (frozenset({Status.ACTIVE}), Status.PAUSED),
    "resume": (frozenset({Status.PAUSED}), Status.ACTIVE),
    "complete": (frozenset({Status.ACTIVE, Status.PAUSED}), Status.COMPLETED),
    "fail": (frozenset({Status.IDLE, Status.ACTIVE, Status.PAUSED}), Status.FAILED),
}

_NEEDS: Final = {
    "start": "start needs an idle session",
    "pause": "pause needs an active session",
    "resume": "resume needs a paused session",
    "complete": "complete needs an active or paused session",
    "fail": "fail needs a session that has not ended",
}


def legal_actions(status: Status) -> list[str]:
    """The lifecycle actions allowed from ``status``, in a stable order."""
    return [a for a in ACTIONS if status in TRANSITIONS[a][0]]


def refuse(record: SessionRecord, action: str, needs: str) -> InvalidTransitionError:
    """The error for ``action`` on ``record``: names the session, its status, the action."""
    status = record.status.value
    if record.status.is_final:
        needs = f"{record.status.value} sessions are final"
    return InvalidTransitionError(f"cannot {action} '{record.name}': it is {status}; {needs}.")


def _close_interval(record: SessionRecord, at: int, preceding: int | None) -> int | None:
    """End the open active interval at ``at``; the milliseconds it counted (None: none open)."""
    if record.status is not Status.ACTIVE or record.active_since is None:
        return None
    began = record.interval_start(at, preceding)
    counted = max(0, at - began)
    record.active_ms += counted
    mode = record.mode.value
    record.active_by_mode[mode] = record.active_by_mode.get(mode, 0) + counted
    first = record.last_paused_at is None and record.started_at == record.active_since
    if first and record.started_at is not None and record.started_at < began:
        record.started_at = began
    record.active_since = None
    return counted


def apply(
    record: SessionRecord,
    action: str,
    at: int,
    reason: str | None = None,
    *,
    preceding: int | None = None,
) -> int | None:
    """Move ``record`` through ``action`` at time ``at`` (ms), or raise.

    Only the fields the lifecycle owns change: status, the timestamps and the
    active-time accounting (in all and per mode). ``preceding`` is a time the
    session's open active interval certainly began after (the creation of the
    session stored just before it); with the session's own creation and last
    pause it corrects an interval begun while the clock was behind, and the
    first start with it. ``clock`` has the rules. The caller persists the
    record. Returns the milliseconds counted for the interval this closed.
    """
    allowed, target = TRANSITIONS[action]
    if record.status not in allowed:
        raise refuse(record, action, _NEEDS[action])
    counted = _close_interval(record, at, preceding)
    if action == "start":
        record.started_at = at
    if action == "pause":
        record.last_paused_at = at
    if target is Status.ACTIVE:
        record.active_since = at
    if target.is_final:
        started = record.started_at
        record.ended_at = at if started is None else max(at, started)
        if action == "fail":
            record.failure_reason = reason
    record.status = target
    record.updated_at = at
    return counted


def change_mode(record: SessionRecord, mode: Mode, at: int) -> int | None:
    """Set the mode; an active session's interval is split at ``at`` so that the
    time before counts for the old mode. Returns the ms the closed part counted."""
    if record.status.is_final:
        raise refuse(record, "change the mode of", "")
    counted = None
    if record.status is Status.ACTIVE and record.active_since is not None:
        counted = _close_interval(record, at, None)
        record.active_since = at
    record.mode = mode
    return counted
