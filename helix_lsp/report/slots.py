"""Which running totals make up a range's days, and which moments need the history.

``time_rollup`` holds active time per UTC day, hour and 15-minute slot. A
local day is rarely a UTC day, but it is a UTC day give or take the hours
(and, for zones such as India's, quarters) between the two midnights: so
each day of a report is a short signed sum of rollup rows (``cover``),
whatever its zone. Where a moment of the range does not fall on a 15-minute
edge (a range given to the second, a zone with an odd historical offset),
the few minutes around it are read from the sessions' history instead
(``windows``).
"""

from __future__ import annotations

from typing import Final

from helix_lsp.report.period import Period
from helix_lsp.session.rollup import DAY, HOUR, QUARTER, WEEK

#: (sign, span, first slot, end) — the rollup rows of ``span`` with ``first <= slot < end``.
Segment = tuple[int, int, int, int]
_LEVELS: Final = (WEEK, DAY, HOUR, QUARTER)


def floor(ms: int, span: int = QUARTER) -> int:
    return ms - ms % span


def ceil(ms: int, span: int = QUARTER) -> int:
    return -floor(-ms, span)


def cover(start: int, end: int, level: int = 0, sign: int = 1) -> list[Segment]:
    """Signed rollup segments whose sum is the time in ``[start, end)`` (15-minute edges).

    Whole slots of the longest span are used where they fit; an end piece
    longer than half a slot is that slot minus the rest, so a local day is a
    UTC day plus or minus at most twelve hours.
    """
    out: list[Segment] = []
    if start >= end:
        return out
    span = _LEVELS[level]
    if level == len(_LEVELS) - 1:
        return [(sign, span, start, end)]
    inner_start, inner_end = ceil(start, span), floor(end, span)
    if inner_start > inner_end:  # inside one slot of this span
        slot = floor(start, span)
        if end - start > span // 2:
            out.append((sign, span, slot, slot + span))
            out += cover(slot, start, level + 1, -sign)
            out += cover(end, slot + span, level + 1, -sign)
        else:
            out += cover(start, end, level + 1, sign)
        return out
    if inner_start < inner_end:
        out.append((sign, span, inner_start, inner_end))
    if inner_start - start > span // 2:
        out.append((sign, span, inner_start - span, inner_start))
        out += cover(inner_start - span, start, level + 1, -sign)
    else:
        out += cover(start, inner_start, level + 1, sign)
    if end - inner_end > span // 2:
        out.append((sign, span, inner_end, inner_end + span))
        out += cover(end, inner_end + span, level + 1, -sign)
    else:
        out += cover(inner_end, end, level + 1, sign)
    return out


def day_segments(period: Period) -> list[tuple[int, Segment]]:
    """``(day index, segment)`` covering each day of ``period`` to its inner 15-minute edges."""
    edges = [period.start_ms, *period.boundaries(), period.end_ms]
    out = []
    for index in range(len(edges) - 1):
        for segment in cover(ceil(edges[index]), floor(edges[index + 1])):
            out.append((index, segment))
    return out


def range_segments(period: Period) -> list[Segment]:
    """Segments covering what ``day_segments`` covers, as one stretch where the days
    meet (their sum over the days, in far fewer rows for a long range)."""
    edges = [period.start_ms, *period.boundaries(), period.end_ms]
    stretches: list[tuple[int, int]] = []
    for index in range(len(edges) - 1):
        low, high = ceil(edges[index]), floor(edges[index + 1])
        if low >= high:
            continue
        if stretches and stretches[-1][1] == low:
            stretches[-1] = (stretches[-1][0], high)
        else:
            stretches.append((low, high))
    return [segment for low, high in stretches for segment in cover(low, high)]


def windows(period: Period) -> list[tuple[int, int]]:
    """The stretches the rollup cannot place: around each moment of the range
    (its ends, its local midnights) that is not on a 15-minute edge."""
    moments = [period.start_ms, *period.boundaries(), period.end_ms]
    found: list[tuple[int, int]] = []
    for moment in moments:
        if moment % QUARTER:
            low = max(floor(moment), period.start_ms)
            high = min(ceil(moment), period.end_ms)
            if found and found[-1][1] >= low:  # one window per stretch, never counted twice
                found[-1] = (found[-1][0], high)
            else:
                found.append((low, high))
    return found


__all__ = ["cover", "day_segments", "range_segments", "windows"]
