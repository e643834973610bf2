"""Words and numbers both renderers print the same way: durations, ranges, mode keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helix_lsp.report.model import MODES, Report

#: One letter per mode for bars drawn without colour (deployment's D is debugging's).
MODE_LETTERS: dict[str, str] = {
    "planning": "P",
    "building": "B",
    "testing": "T",
    "refactoring": "R",
    "debugging": "D",
    "deployment": "E",
}


def letter(mode: str) -> str:
    return MODE_LETTERS.get(mode, "?")


def duration(seconds: float) -> str:
    """``2h 05m``, ``45m``, ``30s``: to the minute from one minute up."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    minutes = (total + 30) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def percent(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole > 0 else "0%"


def zone_of(report: Report) -> ZoneInfo:
    try:
        return ZoneInfo(report.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(ms: int, report: Report) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=zone_of(report))


def range_label(report: Report) -> str:
    """``2026-11-24 to 2026-11-30`` for whole days, with times when a range starts mid-day."""
    start, end = local(report.from_ms, report), local(report.to_ms, report)
    if start.time() == end.time() == datetime.min.time():
        last = end.date() - timedelta(days=1)
        return start.date().isoformat() if last == start.date() else f"{start:%Y-%m-%d} to {last}"
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M} to {end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"


def weekday(day: str) -> str:
    """``Mon 2026-11-24``."""
    return f"{date.fromisoformat(day):%a} {day}"


def scope(report: Report) -> str:
    return "all projects" if report.project is None else f"project {report.project}"


def active_days(report: Report) -> int:
    return sum(1 for d in report.by_day if d.seconds > 0)


def modes_of(report: Report) -> list[str]:
    """The known modes, then any others the report holds, in a stable order."""
    extra = sorted({m for d in report.by_day for m in d.by_mode} - set(MODES))
    return [*MODES, *extra]
