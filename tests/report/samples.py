"""Report objects built by hand, with figures simple enough to check by eye."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helix_lsp.report.model import (
    MODES,
    DayTotal,
    Interval,
    PlaceTotal,
    Report,
    SessionTotal,
)

H = 3600.0
BERLIN = ZoneInfo("Europe/Berlin")


def local_ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=BERLIN).timestamp() * 1000)


def modes(**seconds: float) -> dict[str, float]:
    out = dict.fromkeys(MODES, 0.0)
    out.update(seconds)
    return out


def three_days() -> Report:
    """28-30 Nov 2026 in Berlin: 6h 30m over three sessions, one day without work."""
    return Report(
        from_ms=local_ms("2026-11-28T00:00"),
        to_ms=local_ms("2026-12-01T00:00"),
        tz="Europe/Berlin",
        total_seconds=6.5 * H,
        by_day=[
            DayTotal("2026-11-28", 2 * H, modes(building=1.5 * H, debugging=0.5 * H)),
            DayTotal("2026-11-29", 0.0, modes()),
            DayTotal("2026-11-30", 4.5 * H, modes(debugging=4 * H, planning=0.5 * H)),
        ],
        by_mode=modes(building=1.5 * H, debugging=4.5 * H, planning=0.5 * H),
        by_project={"api": 5 * H, "web": 1.5 * H},
        sessions=[
            SessionTotal("s1", "fix-login\x1b[31m", "api", "debugging", "paused", 4.5 * H),
            SessionTotal("s2", "登录页面", "web", "building", "completed", 1.5 * H),
            SessionTotal("s3", "plan-q1", "api", "planning", "active", 0.5 * H),
        ],
        files=[
            PlaceTotal("api", "src/auth/login.py", 4.5 * H),
            PlaceTotal("web", "web/App.tsx", 75 * 60.0),
        ],
        branches=[PlaceTotal("api", "main", 5 * H)],
        timeline=[
            Interval("s2", local_ms("2026-11-28T09:00"), local_ms("2026-11-28T10:30"), "building"),
            Interval("s1", local_ms("2026-11-28T23:30"), local_ms("2026-11-29T00:00"), "debugging"),
            Interval("s3", local_ms("2026-11-30T08:00"), local_ms("2026-11-30T08:30"), "planning"),
            Interval("s1", local_ms("2026-11-30T09:00"), local_ms("2026-11-30T13:00"), "debugging"),
        ],
    )


def weeks(days: int, first: str = "2026-01-05") -> Report:
    """``days`` days from a Monday, each with one hour of building and, on Mondays, testing."""
    start = date.fromisoformat(first)
    by_day = []
    for n in range(days):
        day = start + timedelta(days=n)
        extra = H if day.weekday() == 0 else 0.0
        by_day.append(DayTotal(day.isoformat(), H + extra, modes(building=H, testing=extra)))
    total = sum(d.seconds for d in by_day)
    testing = sum(d.by_mode["testing"] for d in by_day)
    return Report(
        from_ms=local_ms(f"{first}T00:00"),
        to_ms=local_ms(f"{start + timedelta(days=days)}T00:00"),
        tz="Europe/Berlin",
        total_seconds=total,
        by_day=by_day,
        by_mode=modes(building=total - testing, testing=testing),
        by_project={"api": total},
    )
