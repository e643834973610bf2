"""``build_report``: a report from what the session store records today.

Interim. The store keeps, per session, its total active time, the open
interval of an active session, its timestamps, its current mode and its
latest position — not yet each active interval, mode change or file visited.
So this adapter places a session's time as follows, and is meant to be
replaced by one that reads the recorded history and per-file time:

* the open interval of an active session is exact: ``activeSince`` to now;
* the closed active time is placed as one stretch that ends when the last
  closed interval ended — the last pause for a paused or active session,
  ``endedAt`` for a finished one — and lasts exactly that time;
* all of it counts for the session's current mode, its ``current_file`` and
  ``branch`` context.

So per-session and total figures are exact whenever a session's activity
lies wholly inside the range (they add up to its ``activeSeconds``); the
split into days, modes and files is an estimate until history exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.model import Report
from helix_lsp.report.period import resolve
from helix_lsp.session import SessionManager, Status
from helix_lsp.session.model import SessionRecord, now_ms

_PAGE = 5000


def activities_of(rec: SessionRecord, at: int) -> list[Activity]:
    """The stretches of active time ``rec`` had up to ``at`` (see the module's rules)."""
    found: list[Activity] = []

    def add(start: int, end: int) -> None:
        if end > start:
            found.append(
                Activity(
                    rec.id,
                    start,
                    end,
                    rec.mode.value,
                    rec.project,
                    rec.context.get("current_file") or None,
                    rec.context.get("branch") or None,
                )
            )

    if rec.active_ms > 0:
        if rec.status.is_final and rec.ended_at is not None:
            anchor = rec.ended_at
        else:
            anchor = rec.last_paused_at or rec.started_at or rec.created_at
        add(anchor - rec.active_ms, anchor)
    if rec.status is Status.ACTIVE and rec.active_since is not None:
        add(rec.interval_start(at), at)
    return found


def _records(mgr: SessionManager, project: str | None) -> Iterator[SessionRecord]:
    offset = 0
    while True:
        page = mgr.list(project=project, limit=_PAGE, offset=offset)
        yield from (s.record for s in page)
        if len(page) < _PAGE:
            return
        offset += _PAGE


def build_report(
    mgr: SessionManager,
    *,
    since: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    project: str | None = None,
    tz: str | None = None,
    now: int | None = None,
) -> Report:
    """The report of one range (default the last 7 days) in zone ``tz`` (default local).

    ``since`` is a length (``7d``, ``2w``, ``12h``); ``from_``/``to`` are
    dates (``to`` included) or timestamps. Bad input raises
    ``InvalidArgumentError`` with one sentence. ``now`` (UTC ms) is for
    reports as of a given moment.
    """
    at = now_ms() if now is None else now
    period = resolve(since=since, from_=from_, to=to, tz=tz, now_ms=at)
    sessions: dict[str, SessionInfo] = {}
    activities: list[Activity] = []
    for rec in _records(mgr, project):
        if rec.started_at is None:
            continue
        acts = [a for a in activities_of(rec, at) if a.end_ms > period.start_ms]
        acts = [a for a in acts if a.start_ms < period.end_ms]
        if acts:
            activities += acts
            sessions[rec.id] = SessionInfo(
                rec.id, rec.name, rec.project, rec.mode.value, rec.status.value
            )
    return aggregate(activities, sessions, period, project)
