"""The report's figures from recorded history and time buckets, checked exactly.

Every store here is driven through the core API with the core's clock
(``time.time_ns``) set to known local times, so each figure below is
worked out by hand from the steps of the test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helix_lsp.report import build_report
from helix_lsp.report.model import MODES
from helix_lsp.session import Activity, SessionManager

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
M = 60.0
H = 3600.0

Clock = Callable[[str], int]


def modes(**seconds: float) -> dict[str, float]:
    out = dict.fromkeys(MODES, 0.0)
    out.update(seconds)
    return out


@pytest.fixture
def zone_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Clock]:
    """``zone_clock(zone)``: a function setting the core's clock to a local time there."""
    now = [0]
    monkeypatch.setattr(time, "time_ns", lambda: now[0] * 1_000_000)

    def in_zone(zone: str) -> Clock:
        def set_to(local: str) -> int:
            moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
            now[0] = int(moment.timestamp() * 1000)
            return now[0]

        return set_to

    return in_zone


@pytest.fixture
def berlin(zone_clock: Callable[[str], Clock]) -> Clock:
    return zone_clock(BERLIN)


def days(report: dict[str, object]) -> dict[str, float]:
    by_day = report["byDay"]
    assert isinstance(by_day, list)
    return {d["date"]: d["seconds"] for d in by_day}


def test_a_session_across_midnight_is_cut_there_with_its_files_and_branches(
    mgr: SessionManager, berlin: Clock
) -> None:
    berlin("2026-06-10T22:00")
    night = mgr.create("night-shift", "building", "api", start=True)
    mgr.record_activity(night.id, [Activity(berlin("2026-06-10T22:00"), "src/a.py", "main")])
    mgr.record_activity(night.id, [Activity(berlin("2026-06-10T23:30"), "src/b.py", "fix/x")])
    mgr.record_activity(night.id, [Activity(berlin("2026-06-11T00:45"), "src/a.py", "main")])
    berlin("2026-06-11T01:00")
    mgr.complete(night.id)

    report = build_report(mgr, from_="2026-06-10", to="2026-06-11", tz=BERLIN).to_json()

    assert days(report) == {"2026-06-10": 2 * H, "2026-06-11": 1 * H}
    assert report["totalSeconds"] == 3 * H
    assert report["byMode"] == modes(building=3 * H)
    # time goes to the file in effect until the next position: a.py 22:00-23:30,
    # b.py 23:30-00:45; nothing is known after the last position
    assert report["files"] == [
        {"project": "api", "file": "src/a.py", "seconds": 90 * M},
        {"project": "api", "file": "src/b.py", "seconds": 75 * M},
    ]
    assert report["branches"] == [
        {"project": "api", "branch": "main", "seconds": 90 * M},
        {"project": "api", "branch": "fix/x", "seconds": 75 * M},
    ]
    assert [(i["start"], i["end"]) for i in report["timeline"]] == [
        ("2026-06-10T20:00:00.000Z", "2026-06-10T22:00:00.000Z"),
        ("2026-06-10T22:00:00.000Z", "2026-06-10T23:00:00.000Z"),
    ]
    # the files of a day are the buckets that start on it
    second = build_report(mgr, from_="2026-06-11", to="2026-06-11", tz=BERLIN).to_json()
    assert second["files"] == [
        {"project": "api", "file": "src/b.py", "seconds": 45 * M},
    ]
    assert second["totalSeconds"] == 1 * H


def test_the_23_hour_day_of_berlin_spring_forward(mgr: SessionManager, berlin: Clock) -> None:
    berlin("2026-03-28T22:00")
    spring = mgr.create("spring", "debugging", "api", start=True)
    berlin("2026-03-29T04:00")  # 02:00-03:00 does not exist that night: 5 real hours
    mgr.complete(spring.id)

    report = build_report(mgr, from_="2026-03-28", to="2026-03-29", tz=BERLIN).to_json()

    assert report["from"] == "2026-03-27T23:00:00.000Z"
    assert report["to"] == "2026-03-29T22:00:00.000Z"  # the 29th lasts 23 hours
    assert days(report) == {"2026-03-28": 2 * H, "2026-03-29": 3 * H}
    assert report["sessions"][0]["seconds"] == 5 * H == spring.to_json()["activeSeconds"]


def test_the_25_hour_day_of_new_york_fall_back(
    mgr: SessionManager, zone_clock: Callable[[str], Clock]
) -> None:
    york = zone_clock(NEW_YORK)
    york("2026-10-31T23:00")
    fall = mgr.create("fall", "testing", "web", start=True)
    york("2026-11-01T03:00")  # 01:00-02:00 happens twice: 5 real hours
    mgr.pause(fall.id)
    york("2026-11-01T23:00")
    mgr.resume(fall.id)
    york("2026-11-02T00:30")
    mgr.complete(fall.id)

    report = build_report(mgr, from_="2026-10-31", to="2026-11-02", tz=NEW_YORK).to_json()

    assert report["to"] == "2026-11-03T05:00:00.000Z"
    assert days(report) == {"2026-10-31": 1 * H, "2026-11-01": 5 * H, "2026-11-02": 30 * M}
    assert report["totalSeconds"] == 6.5 * H == mgr.get(fall.id).to_json()["activeSeconds"]
    # the same moments cut in Berlin, where that night has no change: other days
    berlin_days = days(build_report(mgr, from_="2026-11-01", to="2026-11-02", tz=BERLIN).to_json())
    assert berlin_days == {"2026-11-01": 5 * H, "2026-11-02": 1.5 * H}


def test_a_mode_change_splits_the_time_and_agrees_with_time_by_mode(
    mgr: SessionManager, berlin: Clock
) -> None:
    berlin("2026-05-04T09:00")
    work = mgr.create("login-bug", "building", "api", start=True)
    berlin("2026-05-04T10:00")
    mgr.set_mode(work.id, "debugging")
    berlin("2026-05-04T11:30")
    mgr.complete(work.id)
    done = mgr.get(work.id)

    report = build_report(mgr, from_="2026-05-04", to="2026-05-04", tz=BERLIN).to_json()

    assert report["byMode"] == modes(building=1 * H, debugging=1.5 * H)
    assert report["byDay"][0]["byMode"] == modes(building=1 * H, debugging=1.5 * H)
    assert report["byMode"]["building"] == done.to_json()["activeSecondsByMode"]["building"]
    assert [(i["mode"], i["start"], i["end"]) for i in report["timeline"]] == [
        ("building", "2026-05-04T07:00:00.000Z", "2026-05-04T08:00:00.000Z"),
        ("debugging", "2026-05-04T08:00:00.000Z", "2026-05-04T09:30:00.000Z"),
    ]
    assert report["sessions"][0]["mode"] == "debugging"


def test_away_time_is_left_out_unless_it_is_kept(mgr: SessionManager, berlin: Clock) -> None:
    berlin("2026-05-05T09:00")
    left = mgr.create("went-home", "building", "api", start=True)
    mgr.record_activity(left.id, [Activity(berlin("2026-05-05T09:20"), "src/a.py")])
    mgr.pause_away(15, now=berlin("2026-05-05T12:00"))  # paused as of 09:20

    berlin("2026-05-05T13:00")
    kept = mgr.create("long-think", "planning", "web", start=True)
    mgr.record_activity(kept.id, [Activity(berlin("2026-05-05T13:30"), "PLAN.md")])
    mgr.pause_away(15, now=berlin("2026-05-05T14:00"))  # paused as of 13:30
    berlin("2026-05-05T14:10")
    mgr.resume(kept.id, keep_away=True)  # 13:30-14:10 counts after all
    berlin("2026-05-05T14:30")
    mgr.complete(kept.id)

    report = build_report(mgr, from_="2026-05-05", to="2026-05-05", tz=BERLIN).to_json()

    seconds = {s["name"]: s["seconds"] for s in report["sessions"]}
    assert seconds == {"long-think": 90 * M, "went-home": 20 * M}
    assert report["byProject"] == {"web": 90 * M, "api": 20 * M}
    assert report["totalSeconds"] == 110 * M
    for sess in mgr.list(limit=10):
        assert seconds[sess.name] == sess.to_json()["activeSeconds"]
    assert [(i["start"], i["end"]) for i in report["timeline"]] == [
        ("2026-05-05T07:00:00.000Z", "2026-05-05T07:20:00.000Z"),
        ("2026-05-05T11:00:00.000Z", "2026-05-05T11:30:00.000Z"),
        ("2026-05-05T11:30:00.000Z", "2026-05-05T12:30:00.000Z"),  # the kept away time
    ]


@pytest.fixture
def months(mgr: SessionManager, berlin: Clock) -> SessionManager:
    """Three months of sessions: most within a day, some across midnight, one left
    paused, one open."""
    for day in range(1, 28):
        for month, project, mode in ((1, "api", "building"), (2, "web", "testing")):
            when = f"2026-{month:02d}-{day:02d}"
            berlin(f"{when}T{8 + day % 5:02d}:00")
            s = mgr.create(f"{project}-{when}", mode, project, start=True)
            berlin(f"{when}T{9 + day % 5:02d}:{day:02d}")
            mgr.pause(s.id)
            berlin(f"{when}T{23 if day % 7 == 0 else 15}:00")
            mgr.resume(s.id)
            if day % 3 == 0:
                mgr.set_mode(s.id, "debugging")
            berlin(f"{when}T23:30" if day % 7 == 0 else f"{when}T15:40")
            if day % 7 == 0:  # over midnight
                berlin(f"2026-{month:02d}-{day + 1:02d}T01:15")
            mgr.complete(s.id)
    berlin("2026-02-10T16:00")
    parked = mgr.create("parked", "refactoring", "api", start=True)
    berlin("2026-02-10T16:45")
    mgr.pause(parked.id)  # still paused: its time is on the 10th
    berlin("2026-03-30T10:00")
    mgr.create("open-one", "planning", "api", start=True)
    berlin("2026-03-30T12:00")
    return mgr


def test_totals_agree_with_stats_and_active_seconds(months: SessionManager) -> None:
    report = build_report(months, from_="2026-01-01", to="2026-03-31", tz=BERLIN)
    stats = months.stats()
    assert report.total_seconds == stats.active_seconds
    assert report.by_mode == {m: stats.active_seconds_by_mode.get(m, 0.0) for m in MODES}
    active = {s.id: s.to_json()["activeSeconds"] for s in months.list(limit=100)}
    assert {s.id: s.seconds for s in report.sessions} == active
    assert sum(d.seconds for d in report.by_day) == report.total_seconds
    assert report.by_project == {
        name: sub.active_seconds for name, sub in sorted(stats.by_project.items())
    }


def test_a_long_range_and_its_single_days_give_the_same_figures(months: SessionManager) -> None:
    """A year's report adds most sessions up in SQL; a day's report walks each
    history. Both must give every day the same time by mode."""
    whole = build_report(months, from_="2026-01-01", to="2026-03-31", tz=BERLIN)
    by_date = {d.date: d for d in whole.by_day}
    for date in (
        "2026-01-06",
        "2026-01-07",
        "2026-01-08",
        "2026-02-10",
        "2026-02-14",
        "2026-03-30",
    ):
        single = build_report(months, from_=date, to=date, tz=BERLIN).by_day[0]
        assert single == by_date[date]
    # the 7th: 10:00-11:07 and 23:00-24:00; the 8th: 00:00-01:15 of the 7th's
    # session, then 11:00-12:08 and 15:00-15:40
    assert by_date["2026-01-07"].by_mode == modes(building=67 * M + 60 * M)
    assert by_date["2026-01-08"].seconds == 75 * M + 68 * M + 40 * M
    assert by_date["2026-02-10"].by_mode["refactoring"] == 45 * M
    assert by_date["2026-03-30"].by_mode == modes(planning=2 * H)  # open, up to now


def test_a_project_report_and_the_owner_parameter(months: SessionManager) -> None:
    web = build_report(months, from_="2026-01-01", to="2026-03-31", tz=BERLIN, project="web")
    assert web.by_project == {"web": months.stats(project="web").active_seconds}
    assert {s.project for s in web.sessions} == {"web"}
    everyone = build_report(months, from_="2026-01-01", to="2026-03-31", tz=BERLIN, owner="*")
    assert everyone.total_seconds == months.stats().active_seconds
