"""``build_report``: a range's report from the sessions' history and time buckets.

Active time comes from each session's recorded history: an interval opens
with ``started``/``resumed`` (a resume that kept the away time is dated at
the pause, so the gap counts), is split by ``modeChanged`` and closes with
``paused``/``completed``/``failed``; an interval the clock rules counted
shorter or longer than its timestamps say (``activeMs`` of its closing
event) is placed as ending at its close. Each is clipped to the range and
cut at local midnights of the requested zone. Time per file and branch is
the sum of the ``session_time`` buckets that start in the range.

The adding up happens in SQL where it can (see ``sources``), so a year of a
busy store answers in a fraction of a second; every figure is a sum of whole
milliseconds, so a session's time over a range covering its whole life is
its ``activeSeconds``, and the report's total is what ``stats`` adds up.

The ``sessions`` list holds the ``TOP_SESSIONS`` most active sessions (all
of them in any ordinary range), the timeline the intervals of the range's
last ``TIMELINE_DAYS`` days (what the page draws), files and branches their
``TOP_PLACES`` most active entries.
"""

from __future__ import annotations

import sqlite3

from helix_lsp.report import sources
from helix_lsp.report.aggregate import Activity, SessionInfo, Tally, report_of, tally
from helix_lsp.report.model import PlaceTotal, Report
from helix_lsp.report.period import Period, midnight_ms, resolve
from helix_lsp.session import SessionManager, events
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


def _activities(found: sources.Detailed, at: int) -> list[Activity]:
    """A detailed session's active intervals, each placed as ending where it closed."""
    out = []
    for interval in events.intervals(found.history, at):
        end = at if interval.end is None else interval.end
        if interval.ms > 0:
            out.append(Activity(found.id, end - interval.ms, end, interval.mode, found.project))
    return out


def _places(rows: list[tuple[str, str, int]]) -> list[PlaceTotal]:
    return [PlaceTotal(project, name, ms / 1000) for project, name, ms in rows if ms > 0]


def compute(
    conn: sqlite3.Connection, period: Period, project: str | None, at: int, owner: str | None = None
) -> Report:
    """The report of ``period`` from an open store connection (inside one read snapshot),
    of ``owner``'s sessions (None: everyone's)."""
    scope = sources.Scope(period, timeline_start(period), project, owner)
    counted = Tally.empty(period)
    # a range no longer than the timeline's days has no plain session: all walk their history
    plain = scope.timeline_from > period.start_ms
    days, projects = sources.plain_totals(conn, scope) if plain else ([], [])
    for day, mode, ms in days:
        if 0 <= day < len(counted.day_mode):  # always: plain sessions lie in the range
            counted.add_day(day, mode, ms)
    for name, ms in projects:
        counted.by_project[name] += ms
    infos: list[SessionInfo] = []
    for row in sources.plain_top(conn, scope, TOP_SESSIONS) if plain else []:
        counted.by_session[row.id] += row.ms
        infos.append(SessionInfo(row.id, row.name, row.project, row.mode, row.status))
    acts: list[Activity] = []
    for found in sources.detailed(conn, scope):
        acts += _activities(found, at)
        infos.append(SessionInfo(found.id, found.name, found.project, found.mode, found.status))
    tally(acts, period, project, counted, scope.timeline_from)
    files, branches = sources.top_places(conn, scope, TOP_PLACES)
    return report_of(
        counted,
        infos,
        period,
        project,
        files=_places(files),
        branches=_places(branches),
        top_sessions=TOP_SESSIONS,
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
