"""The report read from the store's running totals equals the history, in any zone.

A store is driven through the core API at odd moments (seconds past the
quarter hour, across midnights, mode changes, a session left active), then
its report for zones whose midnight is not on a whole UTC hour (India,
Nepal, Newfoundland, the Chatham Islands) and for ranges given to the second
is compared with the report worked out from every session's history alone,
on every store (the running totals are kept by the same SQL on both engines).
"""

from __future__ import annotations

import time

import pytest

from helix_lsp.report import build_report
from helix_lsp.report.aggregate import Activity as Stretch
from helix_lsp.report.aggregate import SessionInfo, aggregate
from helix_lsp.report.period import resolve
from helix_lsp.session import Activity, SessionManager
from helix_lsp.session.events import intervals
from tests.stores import manager_on_each_store

T0 = 1_790_000_000_000  # 2026-09-21, a Monday morning in UTC
MIN = 60_000

mgr = pytest.fixture(name="mgr")(manager_on_each_store)


@pytest.fixture
def store(mgr: SessionManager, monkeypatch: pytest.MonkeyPatch) -> tuple[SessionManager, int]:
    now = [T0]
    monkeypatch.setattr(time, "time_ns", lambda: now[0] * 1_000_000)

    def step(minutes: float) -> int:
        now[0] += round(minutes * MIN) + 7_123  # never on a quarter hour
        return now[0]

    for n in range(6):
        sess = mgr.create(f"work-{n}", "building", f"p{n % 2}", start=True)
        mgr.record_activity(sess.id, [Activity(step(3), f"f{n}.py", "main")])
        step(50 + 37 * n)
        mgr.set_mode(sess.id, "debugging")
        mgr.record_activity(sess.id, [Activity(step(95), "g.py", f"b{n}")])
        mgr.pause(sess.id)
        step(400 + 61 * n)  # across several midnights of every zone
        if n < 5:
            mgr.resume(sess.id)
            step(44)
            mgr.complete(sess.id)
    return mgr, step(30)  # the last session is still paused; now a little later


def _expected(mgr: SessionManager, period_args: dict[str, str], now: int) -> dict[str, object]:
    period = resolve(now_ms=now, **period_args)
    stretches, infos = [], {}
    for sess in mgr.list(limit=100):
        _, history = mgr.history_events(sess.id)
        rec = sess.record
        infos[rec.id] = SessionInfo(rec.id, rec.name, rec.project, rec.mode.value, rec.status.value)
        for piece in intervals(history, now):
            end = now if piece.end is None else piece.end
            stretches.append(Stretch(rec.id, end - piece.ms, end, piece.mode, rec.project))
    return aggregate(stretches, infos, period).to_json()


@pytest.mark.parametrize(
    "zone", ["Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "UTC"]
)
@pytest.mark.parametrize(
    "span",
    [
        {"from_": "2026-09-20", "to": "2026-09-24"},
        {"from_": "2026-09-21T10:07:31", "to": "2026-09-22T03:52:09"},
        {"since": "30h"},
    ],
)
def test_every_figure_matches_the_history(
    store: tuple[SessionManager, int], zone: str, span: dict[str, str]
) -> None:
    mgr, now = store
    got = build_report(mgr, tz=zone, now=now, **span).to_json()
    want = _expected(mgr, {**span, "tz": zone}, now)
    for key in ("from", "to", "totalSeconds", "byDay", "byMode", "byProject", "sessions"):
        assert got[key] == want[key], key
    assert got["sessionCount"] == len(want["sessions"])  # type: ignore[arg-type]
    assert got["timeline"] == want["timeline"]
    assert got["totalSeconds"] > 0
