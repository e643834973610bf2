"""From active intervals to a report: cut at local midnights, add up, rank.

Whatever source the intervals come from (a session's recorded history, or
intervals built by hand), the adding up is the same: each interval is
clipped to the range, cut where a local day ends, and its milliseconds are
credited to its day, mode, project, session, file and branch. Sums are kept
in integer milliseconds (``Tally``) and turned into seconds once, at the
end, so that they agree exactly with ``activeSeconds``; two tallies of one
range add up, which is how the store's fast path and its detailed path meet.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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


@dataclass
class Tally:
    """The milliseconds of one range by day (index into ``Period.days``) and mode,
    project, session, file and branch, and the pieces of the timeline."""

    day_mode: list[dict[str, int]]
    by_project: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_session: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_file: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    by_branch: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    timeline: list[Interval] = field(default_factory=list)

    @classmethod
    def empty(cls, period: Period) -> Tally:
        return cls([dict.fromkeys(MODES, 0) for _ in period.days])

    def add_day(self, index: int, mode: str, ms: int) -> None:
        counts = self.day_mode[index]
        counts[mode] = counts.get(mode, 0) + ms

    def by_mode(self) -> dict[str, int]:
        totals: dict[str, int] = dict.fromkeys(MODES, 0)
        for counts in self.day_mode:
            for mode, ms in counts.items():
                totals[mode] = totals.get(mode, 0) + ms
        return totals


def _seconds(ms: int) -> float:
    return ms / 1000


def ranked_places(totals: Mapping[tuple[str, str], int]) -> list[PlaceTotal]:
    """Most time first; ties by project, then name, so the order never varies."""
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return [PlaceTotal(project, name, _seconds(ms)) for (project, name), ms in ordered if ms > 0]


def tally(
    activities: Iterable[Activity],
    period: Period,
    project: str | None = None,
    into: Tally | None = None,
    timeline_from: int | None = None,
) -> Tally:
    """Add the activities' time inside ``period`` to ``into`` (a new tally when None).

    Activities of another project than ``project`` (when given) are left
    out. Timeline pieces are kept from ``timeline_from`` on (all when None).
    """
    result = Tally.empty(period) if into is None else into
    cuts = period.boundaries()
    keep_from = period.start_ms if timeline_from is None else timeline_from
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
            result.add_day(index, act.mode, piece_end - piece_start)
            if piece_start >= keep_from:
                result.timeline.append(Interval(act.session_id, piece_start, piece_end, act.mode))
            piece_start, index = piece_end, index + 1
        result.by_project[act.project] += total
        result.by_session[act.session_id] += total
        if act.file:
            result.by_file[act.project, act.file] += total
        if act.branch:
            result.by_branch[act.project, act.branch] += total
    return result


def report_of(
    counted: Tally,
    sessions: Iterable[SessionInfo],
    period: Period,
    project: str | None = None,
    *,
    files: list[PlaceTotal] | None = None,
    branches: list[PlaceTotal] | None = None,
    top_sessions: int | None = None,
    session_count: int | None = None,
) -> Report:
    """The report object of a tally; ``sessions`` are those ``counted.by_session`` names.

    Sessions with no time in the range are not listed; ``top_sessions``
    keeps only that many of the most active. ``files`` and ``branches``
    replace the tally's own when given (already ranked). ``session_count`` is how
    many sessions have time in the range (default: those listed before the cut).
    """
    by_session = counted.by_session
    ranked = sorted(
        (s for s in sessions if by_session.get(s.id, 0) > 0),
        key=lambda s: (-by_session[s.id], s.name, s.id),
    )
    count = len(ranked) if session_count is None else session_count
    if top_sessions is not None:
        ranked = ranked[:top_sessions]
    by_mode = counted.by_mode()
    timeline = sorted(counted.timeline, key=lambda i: (i.start_ms, i.session_id))
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
            for day, counts in zip(period.days, counted.day_mode, strict=True)
        ],
        by_mode={mode: _seconds(ms) for mode, ms in by_mode.items()},
        by_project={
            name: _seconds(ms)
            for name, ms in sorted(counted.by_project.items(), key=lambda kv: (-kv[1], kv[0]))
            if ms > 0
        },
        sessions=[
            SessionTotal(s.id, s.name, s.project, s.mode, s.status, _seconds(by_session[s.id]))
            for s in ranked
        ],
        files=ranked_places(counted.by_file) if files is None else files,
        branches=ranked_places(counted.by_branch) if branches is None else branches,
        timeline=timeline,
        session_count=count,
    )


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
    counted = tally(activities, period, project)
    return report_of(counted, sessions.values(), period, project)
