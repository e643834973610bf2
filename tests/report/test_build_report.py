"""``build_report`` over a real store driven through the core API with a controlled clock.

The clock is the core's (``time.time_ns``), set to known local times in
America/New_York, whose clocks go back at 02:00 on 2026-11-01.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helix_lsp.report import build_report
from helix_lsp.session import Activity, InvalidArgumentError, SessionManager

TZ = "America/New_York"
H = 3600.0


def at(local: str, fold: int = 0) -> int:
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(TZ), fold=fold)
    return int(moment.timestamp() * 1000)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], int]:
    """Sets the core's clock to a local time in ``TZ``; returns it in UTC ms."""
    now = [0]
    monkeypatch.setattr(time, "time_ns", lambda: now[0] * 1_000_000)

    def set_to(local: str) -> int:
        now[0] = at(local)
        return now[0]

    return set_to


def modes(**seconds: float) -> dict[str, float]:
    out = dict.fromkeys(
        ["planning", "building", "testing", "refactoring", "debugging", "deployment"], 0.0
    )
    out.update(seconds)
    return out


@pytest.fixture
def store(mgr: SessionManager, clock: Callable[[str], int]) -> SessionManager:
    clock("2026-10-20T09:00")
    old = mgr.create("last-month", "building", "api")
    mgr.start(old.id)
    clock("2026-10-20T11:00")
    mgr.complete(old.id)

    clock("2026-10-31T22:50")
    night = mgr.create("overnight-debug", "debugging", "api")
    clock("2026-10-31T23:00")
    mgr.start(night.id)
    pool = ("src/db/pool.py", "fix/pool-leak")
    mgr.record_activity(night.id, [Activity(clock("2026-10-31T23:00"), *pool)])
    clock("2026-11-01T03:00")  # 5 real hours: 01:00-02:00 happens twice
    mgr.record_activity(night.id, [Activity(clock("2026-11-01T03:00"), *pool)])
    mgr.pause(night.id)

    clock("2026-11-02T08:00")
    mgr.create("never-started", "testing", "web")
    split = mgr.create("refactor-forms", "refactoring", "web")
    clock("2026-11-02T10:00")
    mgr.start(split.id)
    clock("2026-11-02T11:00")
    mgr.pause(split.id)
    clock("2026-11-02T14:00")
    mgr.resume(split.id)
    clock("2026-11-02T14:30")
    mgr.complete(split.id)

    plan = mgr.create("plan-release", "planning", "web")
    clock("2026-11-02T15:00")
    mgr.start(plan.id)
    mgr.record_activity(plan.id, [Activity(clock("2026-11-02T15:00"), "PLAN.md")])
    clock("2026-11-02T16:30")  # still active: the open interval counts up to now
    mgr.record_activity(plan.id, [Activity(clock("2026-11-02T16:30"), "PLAN.md")])
    return mgr


def test_every_figure_of_a_range_across_midnight_and_a_25_hour_day(
    store: SessionManager,
) -> None:
    report = build_report(store, from_="2026-10-31", to="2026-11-02", tz=TZ).to_json()
    timeline = report.pop("timeline")
    ids = {s.name: s.id for s in store.list(limit=50)}
    assert report == {
        "from": "2026-10-31T04:00:00.000Z",
        "to": "2026-11-03T05:00:00.000Z",
        "tz": TZ,
        "project": None,
        "totalSeconds": 8 * H,
        "byDay": [
            {"date": "2026-10-31", "seconds": 1 * H, "byMode": modes(debugging=H)},
            {"date": "2026-11-01", "seconds": 4 * H, "byMode": modes(debugging=4 * H)},
            {
                "date": "2026-11-02",
                "seconds": 3 * H,
                "byMode": modes(refactoring=1.5 * H, planning=1.5 * H),
            },
        ],
        "byMode": modes(debugging=5 * H, refactoring=1.5 * H, planning=1.5 * H),
        "byProject": {"api": 5 * H, "web": 3 * H},
        "sessionCount": 3,
        "sessions": [
            {
                "id": ids["overnight-debug"],
                "name": "overnight-debug",
                "project": "api",
                "mode": "debugging",
                "status": "paused",
                "seconds": 5 * H,
            },
            {
                "id": ids["plan-release"],
                "name": "plan-release",
                "project": "web",
                "mode": "planning",
                "status": "active",
                "seconds": 1.5 * H,
            },
            {
                "id": ids["refactor-forms"],
                "name": "refactor-forms",
                "project": "web",
                "mode": "refactoring",
                "status": "completed",
                "seconds": 1.5 * H,
            },
        ],
        "files": [
            {"project": "api", "file": "src/db/pool.py", "seconds": 5 * H},
            {"project": "web", "file": "PLAN.md", "seconds": 1.5 * H},
        ],
        "branches": [{"project": "api", "branch": "fix/pool-leak", "seconds": 5 * H}],
    }
    night = [i for i in timeline if i["sessionId"] == ids["overnight-debug"]]
    assert night == [  # cut at local midnight (04:00 UTC while on summer time)
        {
            "sessionId": ids["overnight-debug"],
            "start": "2026-11-01T03:00:00.000Z",
            "end": "2026-11-01T04:00:00.000Z",
            "mode": "debugging",
        },
        {
            "sessionId": ids["overnight-debug"],
            "start": "2026-11-01T04:00:00.000Z",
            "end": "2026-11-01T08:00:00.000Z",
            "mode": "debugging",
        },
    ]
    assert {
        "sessionId": ids["plan-release"],
        "start": "2026-11-02T20:00:00.000Z",
        "end": "2026-11-02T21:30:00.000Z",
        "mode": "planning",
    } in timeline


def test_totals_agree_with_active_seconds_and_stats(store: SessionManager) -> None:
    report = build_report(store, since="60d", tz=TZ)
    by_id = {s.id: s.seconds for s in report.sessions}
    for sess in store.list(limit=50):
        assert by_id.get(sess.id, 0.0) == sess.to_json()["activeSeconds"]
    assert report.total_seconds == store.stats().active_seconds
    assert sum(d.seconds for d in report.by_day) == report.total_seconds
    assert sum(report.by_project.values()) == report.total_seconds


def test_a_project_report_counts_only_that_project(store: SessionManager) -> None:
    report = build_report(store, from_="2026-10-31", to="2026-11-02", tz=TZ, project="web")
    assert report.total_seconds == 3 * H
    assert [s.name for s in report.sessions] == ["plan-release", "refactor-forms"]
    assert report.by_project == {"web": 3 * H}


def test_a_bad_range_is_refused_before_anything_is_read(store: SessionManager) -> None:
    with pytest.raises(InvalidArgumentError, match="is not a length such as 7d"):
        build_report(store, since="a week", tz=TZ)


def test_a_capped_session_list_still_counts_every_session(
    store: SessionManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helix_lsp.report import compute

    full = build_report(store, from_="2026-10-31", to="2026-11-02", tz=TZ)
    monkeypatch.setattr(compute, "TOP_SESSIONS", 1)
    capped = build_report(store, from_="2026-10-31", to="2026-11-02", tz=TZ)
    assert [s.name for s in capped.sessions] == [full.sessions[0].name] == ["overnight-debug"]
    assert capped.to_json()["sessionCount"] == len(full.sessions) == 3
    assert capped.total_seconds == full.total_seconds
