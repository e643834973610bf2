"""The text report: exact lines for a report built by hand, colour only when asked."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helix_lsp.report import render_text
from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.model import Report
from helix_lsp.report.period import resolve
from tests.report.samples import three_days, weeks

THREE_DAYS_AT_60 = """\
Helix report  2026-11-28 to 2026-11-30  (Europe/Berlin, all projects)
Total 6h 30m in 3 sessions, on 2 of 3 days

Per day, by mode
P planning  B building  D debugging
Sat 2026-11-28  2h 00m  BBBBBBBBBBBBDDDD
Sun 2026-11-29       -
Mon 2026-11-30  4h 30m  PPPPDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD

Per mode
debugging  4h 30m  69%  ████████████████████████████████████
building   1h 30m  23%  ████████████
planning      30m   8%  ████

Per project
api  5h 00m  77%  ██████████████████████████████████████████
web  1h 30m  23%  ████████████▋

Top sessions
session            project  mode       status       time
fix-login\\x1b[31m  api      debugging  paused     4h 30m
登录页面           web      building   completed  1h 30m
plan-q1            api      planning   active        30m

Top files
file               project    time
src/auth/login.py  api      4h 30m
web/App.tsx        web      1h 15m

Branches
branch  project    time
main    api      5h 00m
"""

_CODES = re.compile(r"\x1b\[[0-9;]*m")


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_every_figure_and_bar_of_a_three_day_report() -> None:
    assert render_text(three_days(), width=60) == THREE_DAYS_AT_60


def test_without_colour_no_escape_reaches_the_terminal_not_even_from_a_session_name() -> None:
    text = render_text(three_days(), width=80)
    assert "\x1b" not in text
    assert "fix-login\\x1b[31m" in text  # shown, not obeyed


def test_with_colour_each_mode_has_its_colour_and_the_layout_is_unchanged() -> None:
    coloured = render_text(three_days(), width=60, color=True)
    plain = _CODES.sub("", coloured)
    day = next(line for line in coloured.splitlines() if line.startswith("Sat 2026-11-28"))
    assert (
        day
        == "Sat 2026-11-28  2h 00m  \x1b[32m" + "█" * 12 + "\x1b[0m\x1b[31m" + "█" * 4 + "\x1b[0m"
    )
    assert "\x1b[31mdebugging\x1b[0m" in coloured  # the session table's mode cell
    expected = THREE_DAYS_AT_60.splitlines()
    for ours, theirs in zip(plain.splitlines(), expected, strict=True):
        if not theirs.startswith(("Sat", "Mon", "P planning")):  # bars: blocks, not letters
            assert ours == theirs


@pytest.mark.parametrize("width", [40, 60, 80, 132])
def test_bars_fit_the_width(width: int) -> None:
    lines = render_text(three_days(), width=width).splitlines()
    bar_lines = [line for line in lines if "█" in line or re.search(r"[PBD]{4}$", line)]
    assert bar_lines
    assert all(columns(line) <= width for line in bar_lines)
    assert max(columns(line) for line in bar_lines) == width  # the longest bar uses it all


def test_a_long_range_adds_up_weeks_that_start_on_monday() -> None:
    text = render_text(weeks(70), width=60)
    assert "Per week, by mode" in text
    rows = [line for line in text.splitlines() if line.startswith("week of ")]
    assert len(rows) == 10
    assert rows[0].startswith("week of 2026-01-05  8h 00m  ")  # 7 x 1h + Monday's testing


def test_an_empty_range_says_so() -> None:
    empty = Report(from_ms=0, to_ms=86_400_000, tz="UTC")
    text = render_text(empty)
    assert text.startswith("Helix report  1970-01-01  (UTC, all projects)\nTotal 0s in 0 sessions")
    assert text.count("nothing recorded") == 6


def test_a_dst_range_prints_the_23_hour_day_and_the_night_split_at_midnight() -> None:
    def at(local: str) -> int:
        moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Berlin"))
        return int(moment.timestamp() * 1000)

    info = {"a": SessionInfo("a", "night-shift", "api", "debugging", "completed")}
    acts = [Activity("a", at("2026-03-28T22:00"), at("2026-03-30T02:00"), "debugging", "api")]
    period = resolve(from_="2026-03-28", to="2026-03-30", tz="Europe/Berlin", now_ms=0)
    lines = render_text(aggregate(acts, info, period), width=60).splitlines()
    assert lines[:2] == [
        "Helix report  2026-03-28 to 2026-03-30  (Europe/Berlin, all projects)",
        "Total 27h 00m in 1 session, on 3 of 3 days",
    ]
    assert lines[5:8] == [
        "Sat 2026-03-28   2h 00m  " + "D" * 3,
        "Sun 2026-03-29  23h 00m  " + "D" * 35,
        "Mon 2026-03-30   2h 00m  " + "D" * 3,
    ]


def test_the_sessions_figure_is_how_many_had_time_not_how_many_are_listed() -> None:
    """A large range lists only the most active sessions; every face counts them all."""
    from dataclasses import replace

    from helix_lsp.report import render_html

    listed = three_days()
    report = replace(listed, session_count=4321)
    assert f"in {len(listed.sessions)} sessions" in render_text(listed)
    assert "in 4321 sessions" in render_text(report)
    assert "<dt>Sessions</dt><dd>4321</dd>" in render_html(report)
    assert report.to_json()["sessionCount"] == 4321
    assert Report.from_json(report.to_json()) == report
