"""Rendering a year of work: the HTML and text report of 100,000 sessions.

A synthetic year (``year_report``) is built once, deterministically: sessions
of all six modes spread over 12 projects, a few thousand files and a few
hundred branches, each session one or two active intervals, some across
midnight. ``measure`` times ``render_html`` and ``render_text`` on it and
reports the page's size; the goal for the page is at most 1 MB.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.model import MODES, Report
from helix_lsp.report.period import Period, resolve

ZONE = "Europe/Berlin"
HTML_GOAL_BYTES = 1_000_000


def year_activity(
    sessions: int = 100_000, first: str = "2026-01-01"
) -> tuple[list[Activity], dict[str, SessionInfo], Period]:
    """A year's seeded activity: intervals of ``sessions`` sessions, and the year's period."""
    rnd = random.Random(20261130)
    tz = ZoneInfo(ZONE)
    start_day = date.fromisoformat(first)
    projects = [f"project-{n:02d}" for n in range(12)]
    files = [f"src/module_{n // 40}/file_{n}.py" for n in range(4000)]
    branches = [f"feature/topic-{n}" for n in range(300)]
    info: dict[str, SessionInfo] = {}
    acts: list[Activity] = []
    for n in range(sessions):
        sid = f"s{n:06d}"
        mode, project = rnd.choice(MODES), rnd.choice(projects)
        info[sid] = SessionInfo(sid, f"session-{n}-{mode}", project, mode, "completed")
        day = start_day + timedelta(days=rnd.randrange(365))
        begin = datetime.combine(day, datetime.min.time(), tz) + timedelta(
            minutes=rnd.randrange(8 * 60, 23 * 60 + 50)
        )
        begin_ms = int(begin.timestamp() * 1000)
        for _ in range(rnd.choice((1, 1, 2))):
            length = rnd.randrange(5, 90) * 60_000
            acts.append(
                Activity(
                    sid,
                    begin_ms,
                    begin_ms + length,
                    mode,
                    project,
                    rnd.choice(files),
                    rnd.choice(branches),
                )
            )
            begin_ms += length + rnd.randrange(5, 60) * 60_000
    last = start_day + timedelta(days=364)
    return acts, info, resolve(from_=first, to=last.isoformat(), tz=ZONE, now_ms=0)


def year_report(sessions: int = 100_000) -> Report:
    """The report of ``year_activity``: 365 days, ``sessions`` sessions."""
    return aggregate(*year_activity(sessions))


def _timed(run: int, work: object) -> list[float]:
    assert callable(work)
    samples = []
    for _ in range(run):
        began = time.perf_counter()
        work()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def measure(runs: int = 5, sessions: int = 100_000) -> dict[str, float]:
    """Median times (ms) of the renderers on a year of ``sessions`` sessions, and the page size.

    Keys: ``report_html_ms``, ``report_text_ms``, ``report_html_bytes``
    (goal ≤ 1,000,000), ``report_aggregate_ms`` (adding up the year's
    intervals into the report object, once; the store is not read).
    """
    from helix_lsp.report import render_html, render_text

    activity = year_activity(sessions)
    began = time.perf_counter()
    report = aggregate(*activity)
    aggregate_ms = (time.perf_counter() - began) * 1000
    page = render_html(report)
    return {
        "report_html_ms": statistics.median(_timed(runs, lambda: render_html(report))),
        "report_text_ms": statistics.median(_timed(runs, lambda: render_text(report, 100))),
        "report_html_bytes": float(len(page.encode("utf-8"))),
        "report_aggregate_ms": aggregate_ms,
    }


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key:24} {value:12.1f}")
