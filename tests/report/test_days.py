"""Days are local calendar days: cut at local midnight, 23 or 25 hours long around DST.

Each test builds active intervals at known local times, adds them up with
``aggregate`` and checks every figure of the report exactly.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.period import Period, local_zone, resolve
from helix_lsp.session import InvalidArgumentError

H = 3600.0
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def at(local: str, tz: str) -> int:
    """UTC ms of a local wall time (the first of two when clocks go back)."""
    return int(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).timestamp() * 1000)


def zero(**modes: float) -> dict[str, float]:
    out = dict.fromkeys(
        ["planning", "building", "testing", "refactoring", "debugging", "deployment"], 0.0
    )
    out.update(modes)
    return out


INFO = {
    "a": SessionInfo("a", "night-shift", "api", "debugging", "completed"),
    "b": SessionInfo("b", "plan-release", "web", "planning", "paused"),
}


def period(first: str, last: str, tz: str) -> Period:
    return resolve(from_=first, to=last, tz=tz, now_ms=at("2030-01-01T00:00", tz))


def test_a_spring_forward_day_has_23_hours_and_its_neighbours_24() -> None:
    # Europe/Berlin skips 02:00-03:00 on 2026-03-29.
    p = period("2026-03-28", "2026-03-30", BERLIN)
    acts = [
        Activity(
            "a", at("2026-03-28T22:00", BERLIN), at("2026-03-30T02:00", BERLIN), "debugging", "api"
        )
    ]
    report = aggregate(acts, INFO, p).to_json()
    assert report["byDay"] == [
        {"date": "2026-03-28", "seconds": 2 * H, "byMode": zero(debugging=2 * H)},
        {"date": "2026-03-29", "seconds": 23 * H, "byMode": zero(debugging=23 * H)},
        {"date": "2026-03-30", "seconds": 2 * H, "byMode": zero(debugging=2 * H)},
    ]
    assert report["totalSeconds"] == 27 * H
    assert report["from"] == "2026-03-27T23:00:00.000Z"  # midnight at +01:00
    assert report["to"] == "2026-03-30T22:00:00.000Z"  # midnight at +02:00


def test_a_fall_back_day_has_25_hours() -> None:
    # America/New_York repeats 01:00-02:00 on 2026-11-01.
    p = period("2026-10-31", "2026-11-02", NEW_YORK)
    acts = [
        Activity(
            "a",
            at("2026-10-31T00:00", NEW_YORK),
            at("2026-11-03T00:00", NEW_YORK),
            "debugging",
            "api",
        )
    ]
    report = aggregate(acts, INFO, p).to_json()
    assert [(d["date"], d["seconds"]) for d in report["byDay"]] == [
        ("2026-10-31", 24 * H),
        ("2026-11-01", 25 * H),
        ("2026-11-02", 24 * H),
    ]
    assert report["totalSeconds"] == 73 * H


def test_a_session_across_midnight_counts_on_both_days_in_its_mode_and_once_in_total() -> None:
    p = period("2026-11-24", "2026-11-25", BERLIN)
    acts = [
        Activity(
            "a",
            at("2026-11-24T23:30", BERLIN),
            at("2026-11-25T00:45", BERLIN),
            "debugging",
            "api",
            "src/db.py",
            "main",
        ),
        Activity(
            "b",
            at("2026-11-25T09:00", BERLIN),
            at("2026-11-25T09:20", BERLIN),
            "planning",
            "web",
            "PLAN.md",
            "main",
        ),
    ]
    report = aggregate(acts, INFO, p).to_json()
    assert report == {
        "from": "2026-11-23T23:00:00.000Z",
        "to": "2026-11-25T23:00:00.000Z",
        "tz": BERLIN,
        "project": None,
        "totalSeconds": 95 * 60.0,
        "byDay": [
            {"date": "2026-11-24", "seconds": 1800.0, "byMode": zero(debugging=1800.0)},
            {
                "date": "2026-11-25",
                "seconds": 3900.0,
                "byMode": zero(debugging=2700.0, planning=1200.0),
            },
        ],
        "byMode": zero(debugging=4500.0, planning=1200.0),
        "byProject": {"api": 4500.0, "web": 1200.0},
        "sessionCount": 2,
        "sessions": [
            {
                "id": "a",
                "name": "night-shift",
                "project": "api",
                "mode": "debugging",
                "status": "completed",
                "seconds": 4500.0,
            },
            {
                "id": "b",
                "name": "plan-release",
                "project": "web",
                "mode": "planning",
                "status": "paused",
                "seconds": 1200.0,
            },
        ],
        "files": [
            {"project": "api", "file": "src/db.py", "seconds": 4500.0},
            {"project": "web", "file": "PLAN.md", "seconds": 1200.0},
        ],
        "branches": [
            {"project": "api", "branch": "main", "seconds": 4500.0},
            {"project": "web", "branch": "main", "seconds": 1200.0},
        ],
        "timeline": [  # cut at local midnight
            {
                "sessionId": "a",
                "start": "2026-11-24T22:30:00.000Z",
                "end": "2026-11-24T23:00:00.000Z",
                "mode": "debugging",
            },
            {
                "sessionId": "a",
                "start": "2026-11-24T23:00:00.000Z",
                "end": "2026-11-24T23:45:00.000Z",
                "mode": "debugging",
            },
            {
                "sessionId": "b",
                "start": "2026-11-25T08:00:00.000Z",
                "end": "2026-11-25T08:20:00.000Z",
                "mode": "planning",
            },
        ],
    }


def test_time_outside_the_range_and_other_projects_is_left_out() -> None:
    p = period("2026-11-25", "2026-11-25", BERLIN)
    acts = [
        Activity(
            "a", at("2026-11-24T23:30", BERLIN), at("2026-11-25T00:45", BERLIN), "debugging", "api"
        ),
        Activity(
            "b", at("2026-11-25T23:50", BERLIN), at("2026-11-26T01:00", BERLIN), "planning", "web"
        ),
    ]
    everything = aggregate(acts, INFO, p).to_json()
    assert everything["totalSeconds"] == 45 * 60 + 10 * 60
    assert everything["timeline"][0]["start"] == "2026-11-24T23:00:00.000Z"  # clipped
    only_api = aggregate(acts, INFO, p, project="api").to_json()
    assert only_api["totalSeconds"] == 45 * 60
    assert only_api["byProject"] == {"api": 2700.0}
    assert [s["id"] for s in only_api["sessions"]] == ["a"]
    assert only_api["project"] == "api"


def test_days_without_time_are_listed_with_zero() -> None:
    p = period("2026-11-23", "2026-11-25", BERLIN)
    acts = [
        Activity(
            "b", at("2026-11-24T10:00", BERLIN), at("2026-11-24T11:00", BERLIN), "planning", "web"
        )
    ]
    days = aggregate(acts, INFO, p).to_json()["byDay"]
    assert [(d["date"], d["seconds"]) for d in days] == [
        ("2026-11-23", 0.0),
        ("2026-11-24", 3600.0),
        ("2026-11-25", 0.0),
    ]


def test_since_7d_is_today_and_the_six_days_before_up_to_now() -> None:
    now = at("2026-11-30T15:20", BERLIN)
    p = resolve(since="7d", tz=BERLIN, now_ms=now)
    assert p.start_ms == at("2026-11-24T00:00", BERLIN)
    assert p.end_ms == now
    assert [d.isoformat() for d in p.days][::6] == ["2026-11-24", "2026-11-30"]
    assert resolve(tz=BERLIN, now_ms=now) == p  # the default
    assert resolve(since="12h", tz=BERLIN, now_ms=now).start_ms == now - 12 * 3_600_000
    assert resolve(since="2w", tz=BERLIN, now_ms=now).start_ms == at("2026-11-17T00:00", BERLIN)


def test_timestamps_without_offset_are_local_and_with_offset_are_kept() -> None:
    p = resolve(from_="2026-11-24T09:00", to="2026-11-24T17:30Z", tz=BERLIN, now_ms=0)
    assert p.start_ms == at("2026-11-24T09:00", BERLIN)
    assert p.end_ms == at("2026-11-24T18:30", BERLIN)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "7d", "from_": "2026-11-01"}, "either --since or --from/--to"),
        ({"since": "seven"}, "--since 'seven' is not a length such as 7d"),
        ({"since": "0d"}, "is not a length"),
        ({"from_": "2026-13-01"}, "--from '2026-13-01' is not a date."),
        ({"from_": "last tuesday"}, "is not a date (2026-11-24) or a timestamp"),
        ({"from_": "2026-11-05", "to": "2026-11-01"}, "the range is empty"),
        ({"tz": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone name"),
        ({"from_": "2000-01-01", "to": "2026-01-01"}, "longer than 3700 days"),
    ],
)
def test_bad_ranges_are_refused_in_one_sentence(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        resolve(now_ms=at("2026-11-30T12:00", BERLIN), **kwargs)
    text = str(caught.value)
    assert message in text
    assert text.endswith(".") and text.count(". ") == 0


def test_the_default_zone_is_the_computers_with_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone().key == NEW_YORK
    p = resolve(from_="2026-11-01", to="2026-11-01", now_ms=0)
    assert p.end_ms - p.start_ms == 25 * 3_600_000
