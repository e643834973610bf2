"""From active intervals to a report: cut at local midnights, add up, rank.

Whatever source the intervals come from (today the sessions' own fields,
later their recorded history), the adding up is the same: each interval is
clipped to the range, cut where a local day ends, and its milliseconds are
credited to its day, mode, project, session, file and branch. Sums are kept
in integer milliseconds so that they agree exactly with ``activeSeconds``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from helix_lsp.report.model import (
    MODES,
    DayTotal,
    Interval,
    PlaceTotal,
    Report,
    SessionTotal,
)
from helix_lsp.report.period import Period


@dataclass(frozen=True)
class Activity:
    """A stretch of active time and what it is attributed to (UTC ms, end exclusive)."""

    session_id: str
    start_ms: int
    end_ms: int
    mode: str
    project: str
    file: str | None = None
    branch: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    """What the report shows of a session besides its time."""

    id: str
    name: str
    project: str
    mode: str
    status: str


def _seconds(ms: int) -> float:
    return ms / 1000


def _ranked(totals: Mapping[tuple[str, str], int]) -> list[PlaceTotal]:
    """Most time first; ties by project, then name, so the order never varies."""
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return [PlaceTotal(project, name, _seconds(ms)) for (project, name), ms in ordered if ms > 0]


def aggregate(
    activities: Iterable[Activity],
    sessions: Mapping[str, SessionInfo],
    period: Period,
    project: str | None = None,
) -> Report:
    """The report of ``period``: the activities' time inside it, by every breakdown.

    Activities of another project than ``project`` (when given) are left
    out; sessions with no time inside the range are not listed. The
    timeline holds the activities cut at local midnight, by start.
    """
    days = period.days
    cuts = period.boundaries()
    day_mode = [dict.fromkeys(MODES, 0) for _ in days]
    by_mode: dict[str, int] = dict.fromkeys(MODES, 0)
    by_project: dict[str, int] = defaultdict(int)
    by_session: dict[str, int] = defaultdict(int)
    by_file: dict[tuple[str, str], int] = defaultdict(int)
    by_branch: dict[tuple[str, str], int] = defaultdict(int)
    timeline: list[Interval] = []
    for act in activities:
        if project is not None and act.project != project:
            continue
        start, end = max(act.start_ms, period.start_ms), min(act.end_ms, period.end_ms)
        if start >= end:
            continue
        total = end - start
        index = bisect.bisect_right(cuts, start)
        piece_start = start
        while piece_start < end:
            piece_end = cuts[index] if index < len(cuts) and cuts[index] < end else end
            counts = day_mode[index]
            counts[act.mode] = counts.get(act.mode, 0) + piece_end - piece_start
            timeline.append(Interval(act.session_id, piece_start, piece_end, act.mode))
            piece_start, index = piece_end, index + 1
        by_mode[act.mode] = by_mode.get(act.mode, 0) + total
        by_project[act.project] += total
        by_session[act.session_id] += total
        if act.file:
            by_file[act.project, act.file] += total
        if act.branch:
            by_branch[act.project, act.branch] += total
    ranked_sessions = sorted(
        (sessions[sid] for sid in by_session if by_session[sid] > 0),
        key=lambda s: (-by_session[s.id], s.name, s.id),
    )
    timeline.sort(key=lambda i: (i.start_ms, i.session_id))
    return Report(
        from_ms=period.start_ms,
        to_ms=period.end_ms,
        tz=period.tz.key,
        project=project,
        total_seconds=_seconds(sum(by_mode.values())),
        by_day=[
            DayTotal(
                day.isoformat(),
                _seconds(sum(counts.values())),
                {mode: _seconds(ms) for mode, ms in counts.items()},
            )
            for day, counts in zip(days, day_mode, strict=True)
        ],
        by_mode={mode: _seconds(ms) for mode, ms in by_mode.items()},
        by_project={
            name: _seconds(ms)
            for name, ms in sorted(by_project.items(), key=lambda kv: (-kv[1], kv[0]))
        },
        sessions=[
            SessionTotal(s.id, s.name, s.project, s.mode, s.status, _seconds(by_session[s.id]))
            for s in ranked_sessions
        ],
        files=_ranked(by_file),
        branches=_ranked(by_branch),
        timeline=timeline,
    )
