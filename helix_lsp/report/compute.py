"""``build_report``: a range's report from the sessions' history and time buckets.

Active time comes from each session's recorded history: an interval opens
with ``started``/``resumed`` (a resume that kept the away time is dated at
the pause, so the gap counts), is split by ``modeChanged`` and closes with
``paused``/``completed``/``failed``; an interval the clock rules counted
shorter or longer than its timestamps say (``activeMs`` of its closing
event) is placed as ending at its close. Each is clipped to the range and
cut at local midnights of the requested zone. Time per file and branch is
the sum of the ``session_time`` buckets that start in the range.

The adding up is done by the store as it writes (``session.rollup``: the
closed intervals per project, mode and UTC day, hour and quarter; the
buckets per file and branch per day and over all time) and read in SQL (see
``sources``), so a year of a busy store answers in a fraction of a second;
the timeline reads the closed intervals the store keeps; only the open
intervals and the sessions crossing an end of the range are walked here. Every figure is a sum of whole
milliseconds, so a session's time over a range covering its whole life is
its ``activeSeconds``, and the report's total is what ``stats`` adds up.

``sessionCount`` is how many sessions have time in the range; the
``sessions`` list holds the ``TOP_SESSIONS`` most active of them (all
of them in any ordinary range), the timeline the intervals of the range's
last ``TIMELINE_DAYS`` days (what the page draws), files and branches their
``TOP_PLACES`` most active entries.
"""

from __future__ import annotations

import bisect

from helix_lsp.report import slots, sources
from helix_lsp.report.aggregate import Activity, SessionInfo, Tally, report_of, tally
from helix_lsp.report.model import Interval, PlaceTotal, Report
from helix_lsp.report.period import Period, midnight_ms, resolve
from helix_lsp.session import SessionManager, db, events
from helix_lsp.session.model import now_ms
from helix_lsp.session.queries import sole_owner

#: How many sessions, files and branches a report lists at most.
TOP_SESSIONS = 2000
TOP_PLACES = 200
#: The timeline holds the intervals of this many of the range's last days.
TIMELINE_DAYS = 14


def timeline_start(period: Period, days: int = TIMELINE_DAYS) -> int:
    """The first moment the timeline covers: the start of the range's last ``days`` days."""
    all_days = period.days
    if len(all_days) <= days:
        return period.start_ms
    return max(period.start_ms, midnight_ms(all_days[-days], period.tz))


def _activities(found: sources.Detailed, at: int) -> tuple[list[Activity], list[Activity]]:
    """A walked session's closed and open active intervals, each placed as ending
    where it closed (the open one at ``at``)."""
    closed: list[Activity] = []
    open_: list[Activity] = []
    for interval in events.intervals(found.history, at):
        end = at if interval.end is None else interval.end
        if interval.ms > 0:
            act = Activity(found.id, end - interval.ms, end, interval.mode, found.project)
            (open_ if interval.end is None else closed).append(act)
    return closed, open_


def _clipped(acts: list[Activity], start: int, end: int) -> list[Activity]:
    """The parts of ``acts`` inside ``[start, end)``."""
    return [
        Activity(a.session_id, max(a.start_ms, start), min(a.end_ms, end), a.mode, a.project)
        for a in acts
        if a.start_ms < end and a.end_ms > start
    ]


def _pieces(
    stretches: list[tuple[str, int, int, str]], period: Period, since: int
) -> list[Interval]:
    """The timeline: ``(session id, start, end, mode)`` stretches from ``since`` (a local
    midnight or the range's start) to the range's end, cut at local midnights (as
    ``tally`` cuts them)."""
    cuts = [m for m in period.boundaries() if m > since]
    out = []
    for sid, first, last, mode in stretches:
        start, end = max(first, since), min(last, period.end_ms)
        index = bisect.bisect_right(cuts, start)
        while start < end:
            stop = cuts[index] if index < len(cuts) and cuts[index] < end else end
            out.append(Interval(sid, start, stop, mode))
            start, index = stop, index + 1
    return out


def _places(rows: list[tuple[str, str, int]]) -> list[PlaceTotal]:
    return [PlaceTotal(project, name, ms / 1000) for project, name, ms in rows if ms > 0]


def compute(
    conn: db.Connection, period: Period, project: str | None, at: int, owner: str | None = None
) -> Report:
    """The report of ``period`` from an open store connection (inside one read snapshot),
    of ``owner``'s sessions (None: everyone's)."""
    several = owner is None and sources.several_owners(conn)
    scope = sources.Scope(
        period, timeline_start(period), project, owner, several, db.dialect(conn)
    )
    windows = slots.windows(period)
    counted = Tally.empty(period)
    days, projects = sources.day_totals(conn, scope)
    for day, mode, ms in days:
        counted.add_day(day, mode, ms)
    for name, ms in projects:
        counted.by_project[name] += ms
    count, top = sources.plain_sessions(conn, scope, TOP_SESSIONS)
    infos = [SessionInfo(r.id, r.name, r.project, r.mode, r.status) for r in top]
    by_session = {r.id: r.ms for r in top}
    # what the totals hold not: open intervals and the minutes around odd moments
    missing: list[Activity] = []
    timeline: list[tuple[str, int, int, str]] = []
    for found in sources.walked(conn, scope, windows):
        closed, open_ = _activities(found, at)
        missing += open_
        for low, high in windows:
            missing += _clipped(closed, low, high)
        timeline += [
            (a.session_id, a.start_ms, a.end_ms, a.mode)
            for a in open_
            if a.end_ms > scope.timeline_from
        ]
        if not found.plain:
            inside = _clipped(closed + open_, period.start_ms, period.end_ms)
            ms = sum(a.end_ms - a.start_ms for a in inside)
            if ms > 0:
                count += 1
                by_session[found.id] = ms
                infos.append(
                    SessionInfo(found.id, found.name, found.project, found.mode, found.status)
                )
    # the closed intervals of the timeline's days (the timeline's first moment is a
    # cut of the tally: no clipping needed)
    timeline += sources.closed_intervals(conn, scope, scope.timeline_from)
    # day and project figures only (the session figures are set above)
    if missing:
        tally(missing, period, project, Tally(counted.day_mode, counted.by_project), period.end_ms)
    counted.by_session.update(by_session)
    counted.timeline = _pieces(timeline, period, scope.timeline_from)
    files, branches = sources.top_places(conn, scope, TOP_PLACES)
    return report_of(
        counted,
        infos,
        period,
        project,
        files=_places(files),
        branches=_places(branches),
        top_sessions=TOP_SESSIONS,
        session_count=count,
    )


def build_report(
    mgr: SessionManager,
    *,
    since: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    project: str | None = None,
    tz: str | None = None,
    now: int | None = None,
    owner: str | None = None,
) -> Report:
    """The report of one range (default the last 7 days) in zone ``tz`` (default local).

    ``since`` is a length (``7d``, ``2w``, ``12h``); ``from_``/``to`` are
    dates (``to`` included) or timestamps. Bad input raises
    ``InvalidArgumentError`` with one sentence. ``now`` (UTC ms) is for
    reports as of a given moment. ``owner``: the manager's owner's sessions by
    default, another owner's by name, everyone's with ``"*"``.
    """
    whose = mgr.owner_scope(owner)
    at = now_ms() if now is None else now
    period = resolve(since=since, from_=from_, to=to, tz=tz, now_ms=at)
    with mgr.read_snapshot() as conn:
        return compute(conn, period, project, at, sole_owner(conn, whose))


__all__ = ["TIMELINE_DAYS", "TOP_PLACES", "TOP_SESSIONS", "build_report", "compute"]
