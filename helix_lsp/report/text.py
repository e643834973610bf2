"""The text report: aligned tables and bars drawn with block characters.

Days are stacked by mode: without colour each mode is drawn with its letter
(``BBBBDD``), so the bars read the same when piped or printed; with colour
each mode is a coloured block. Single bars use eighth blocks (``█▌``) for
fractions. Every name a user chose passes through ``clean``, so a session
name cannot send terminal control sequences.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta

from helix_lsp.cli.safe import clean
from helix_lsp.report import fmt
from helix_lsp.report.model import DayTotal, PlaceTotal, Report

#: ANSI foreground colours per mode (the text stays readable on light and dark terminals).
_COLOURS: dict[str, str] = {
    "planning": "34",
    "building": "32",
    "testing": "33",
    "refactoring": "35",
    "debugging": "31",
    "deployment": "36",
}
_EIGHTHS = " ▏▎▍▌▋▊▉"
#: Past this many days the per-day section adds up weeks instead.
MAX_DAY_ROWS = 62
_NAME_WIDTH = 32


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis."""
    text = clean(text)
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def heading(self, text: str) -> str:
        return self.paint(text, "1")

    def mode(self, mode: str, text: str) -> str:
        return self.paint(text, _COLOURS.get(mode, "37"))


def bar(value: float, largest: float, cells: int) -> str:
    """A bar of up to ``cells`` columns, in eighths; any time at all shows at least ``▏``."""
    if value <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(8 * cells * value / largest))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def stacked(
    by_mode: dict[str, float], modes: Sequence[str], largest: float, cells: int, painter: _Painter
) -> str:
    """One day's bar: each mode's share, in the modes' order, rounded so the whole adds up."""
    out, done, running = [], 0, 0.0
    for mode in modes:
        seconds = by_mode.get(mode, 0.0)
        if seconds <= 0:
            continue
        running += seconds
        upto = round(cells * running / largest)
        width = upto - done
        done = upto
        if width > 0:
            out.append(painter.mode(mode, ("█" if painter.color else fmt.letter(mode)) * width))
    if not out and running > 0:
        top = max(by_mode, key=lambda m: by_mode[m])
        out.append(painter.mode(top, "▏"))
    return "".join(out)


def _weeks(days: Sequence[DayTotal]) -> list[DayTotal]:
    """Days added up into weeks that start on Monday (labelled by that Monday)."""
    weeks: dict[str, dict[str, float]] = {}
    for day in days:
        d = date.fromisoformat(day.date)
        key = (d - timedelta(days=d.weekday())).isoformat()
        into = weeks.setdefault(key, {})
        for mode, seconds in day.by_mode.items():
            into[mode] = into.get(mode, 0.0) + seconds
    return [DayTotal(k, sum(v.values()), v) for k, v in weeks.items()]


def _legend(modes: Sequence[str], width: int, p: _Painter) -> list[str]:
    """``B building  D debugging`` on as few lines of ``width`` as they fit."""
    lines: list[tuple[str, int]] = []
    for mode in modes:
        key = p.mode(mode, "█" if p.color else fmt.letter(mode)) + " " + clean(mode)
        size = 2 + len(mode)
        if lines and lines[-1][1] + 2 + size <= width:
            lines[-1] = (lines[-1][0] + "  " + key, lines[-1][1] + 2 + size)
        else:
            lines.append((key, size))
    return [text for text, _ in lines]


def _days(report: Report, width: int, p: _Painter) -> list[str]:
    modes = fmt.modes_of(report)
    weekly = len(report.by_day) > MAX_DAY_ROWS
    rows = _weeks(report.by_day) if weekly else report.by_day
    labels = [("week of " + r.date) if weekly else fmt.weekday(r.date) for r in rows]
    times = [fmt.duration(r.seconds) if r.seconds else "-" for r in rows]
    label_w, time_w = max(map(len, labels), default=0), max(map(len, times), default=0)
    cells = max(10, width - label_w - time_w - 4)
    largest = max((r.seconds for r in rows), default=0.0)
    used = [m for m in modes if report.by_mode.get(m, 0) > 0]
    out = [
        p.heading("Per week, by mode" if weekly else "Per day, by mode"),
        *_legend(used, width, p),
    ]
    if not rows:
        out.append("nothing recorded")
    for label, time, row in zip(labels, times, rows, strict=True):
        line = f"{label:<{label_w}}  {time:>{time_w}}  {stacked(row.by_mode, modes, largest, cells, p)}"
        out.append(line.rstrip())
    return out


def _bars(
    title: str,
    items: Sequence[tuple[str, float, str | None]],
    total: float,
    width: int,
    p: _Painter,
) -> list[str]:
    """Rows of ``name  time  share  bar``; ``items`` are (name, seconds, mode for colour)."""
    if not items:
        return [p.heading(title), "nothing recorded"]
    names = [_fit(name, _NAME_WIDTH) for name, _, _ in items]
    times = [fmt.duration(s) for _, s, _ in items]
    shares = [fmt.percent(s, total) for _, s, _ in items]
    name_w = max(map(_width, names))
    time_w, share_w = max(map(len, times)), max(map(len, shares))
    cells = max(10, width - name_w - time_w - share_w - 6)
    largest = max(s for _, s, _ in items)
    out = [p.heading(title)]
    for name, time, share, (_, seconds, mode) in zip(names, times, shares, items, strict=True):
        drawn = bar(seconds, largest, cells)
        drawn = p.mode(mode, drawn) if mode else drawn
        out.append(f"{_pad(name, name_w)}  {time:>{time_w}}  {share:>{share_w}}  {drawn}".rstrip())
    return out


def _table(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    more: int,
    p: _Painter,
    modes: Sequence[str] = (),
    mode_column: int = 0,
) -> list[str]:
    """An aligned table; the last column (time) is right-aligned.

    With ``modes`` (one per row), the row's ``mode_column`` cell takes its mode's colour.
    """
    if not rows:
        return [p.heading(title), "nothing recorded"]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = [p.heading(title)]
    for n, row in enumerate([header, *rows]):
        cells = [
            _pad(c, w, right=i == len(row) - 1)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        if n > 0 and modes:
            cells[mode_column] = p.mode(modes[n - 1], cells[mode_column])
        line = "  ".join(cells).rstrip()
        out.append(p.paint(line, "2") if n == 0 else line)
    if more:
        out.append(f"… and {more} more")
    return out


def _places(
    title: str, label: str, places: Sequence[PlaceTotal], top: int, p: _Painter
) -> list[str]:
    rows = [[_fit(x.name, 48), _fit(x.project, 24), fmt.duration(x.seconds)] for x in places[:top]]
    return _table(title, [label, "project", "time"], rows, max(0, len(places) - top), p)


def render_text(report: Report, width: int = 80, color: bool = False, top: int = 10) -> str:
    """The whole text report, ``width`` columns wide; ANSI colour only when ``color``."""
    width = max(40, width)
    p = _Painter(color)
    count = report.sessions_total
    header = [
        p.heading("Helix report")
        + f"  {fmt.range_label(report)}  ({clean(report.tz)}, {clean(fmt.scope(report))})",
        f"Total {fmt.duration(report.total_seconds)} in {count} "
        f"{'session' if count == 1 else 'sessions'}, "
        f"on {fmt.active_days(report)} of {len(report.by_day)} days",
    ]
    sections = [header, _days(report, width, p)]
    modes = [(m, s, m) for m, s in report.by_mode.items() if s > 0]
    sections.append(
        _bars("Per mode", sorted(modes, key=lambda x: -x[1]), report.total_seconds, width, p)
    )
    projects = [(name, s, None) for name, s in report.by_project.items() if s > 0]
    sections.append(_bars("Per project", projects[:top], report.total_seconds, width, p))
    session_rows = [
        [
            _fit(s.name, _NAME_WIDTH),
            _fit(s.project, 24),
            clean(s.mode),
            clean(s.status),
            fmt.duration(s.seconds),
        ]
        for s in report.sessions[:top]
    ]
    sections.append(
        _table(
            "Top sessions",
            ["session", "project", "mode", "status", "time"],
            session_rows,
            max(0, count - top),
            p,
            [s.mode for s in report.sessions[:top]],
            2,
        )
    )
    sections.append(_places("Top files", "file", report.files, top, p))
    sections.append(_places("Branches", "branch", report.branches, top, p))
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"
