"""Time you can trust: away pauses backdated to the last activity, the offer, keep-away.

The closed-editor scenario, driven through the core with explicit times: the
editor is closed after work at ``a.py:15``, nothing happens for longer than
the idle limit, and whatever starts next (a server, a CLI verb) finds the
session away. On every store (SQLite, PostgreSQL).
"""

from __future__ import annotations

import pytest

from helix_lsp.session import Activity, SessionManager, Status
from helix_lsp.session import model as model_module
from helix_lsp.session.events import total_ms
from tests.stores import manager_on_each_store


class Clock:
    """The core's clock, moved by hand (``model.now_ms`` is what the core reads)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: int) -> None:
        self.now = start
        for module in ("model", "manager", "handle", "transfer", "exporting"):
            mod = __import__(f"helix_lsp.session.{module}", fromlist=["now_ms"])
            monkeypatch.setattr(mod, "now_ms", self.read)

    def read(self) -> int:
        return self.now

    def advance(self, ms: int) -> int:
        self.now += ms
        return self.now


T0 = 1_800_000_000_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, T0)


mgr = pytest.fixture(name="mgr")(manager_on_each_store)


def active_ms(mgr: SessionManager, sid: str) -> int:
    return mgr.get(sid).record.active_total_ms(model_module.now_ms())


def test_the_closed_editor_is_paused_as_of_its_last_activity(
    mgr: SessionManager, clock: Clock
) -> None:
    sess = mgr.create("fix-login", project="app", start=True)
    worked = clock.advance(44_000)
    mgr.record_activity(sess.id, [Activity(worked, "a.py", "main", 15, 3)])
    clock.advance(2 * 3_600_000)  # the editor was closed; two hours pass

    paused = mgr.pause_away(15)

    assert [p.id for p in paused] == [sess.id]
    again = mgr.get(sess.id)
    assert again.status is Status.PAUSED
    assert again.record.last_paused_at == worked, "paused as of the last activity"
    assert again.record.away_since == worked
    assert active_ms(mgr, sess.id) == 44_000, "the two hours away are not active time"
    assert again.context["current_file"] == "a.py" and again.context["current_line"] == "15"
    history = mgr.history(sess.id)
    assert history[-1]["kind"] == "paused" and history[-1]["by"] == "idle"
    assert again.to_json()["awaySince"] == again.to_json()["lastPausedAt"]

    offered = mgr.away_offer("app")
    assert offered is not None and offered.id == sess.id

    clock.advance(60_000)
    mgr.resume(sess.id, keep_away=True)
    clock.advance(1_000)
    counted = active_ms(mgr, sess.id)
    assert counted == 44_000 + 2 * 3_600_000 + 61_000, "the away time counts after all"
    _, found = mgr.history_events(sess.id)
    assert total_ms(found, clock.now) == counted
    assert mgr.away_offer("app") is None


def test_a_session_with_recent_activity_is_not_away(mgr: SessionManager, clock: Clock) -> None:
    sess = mgr.create("busy", project="app", start=True)
    clock.advance(10 * 60_000)
    mgr.record_activity(sess.id, [Activity(clock.now, "b.py", None, 2, 1)])
    clock.advance(14 * 60_000)
    assert mgr.pause_away(15) == []
    assert mgr.pause_away(0) == [], "0 turns the rule off"
    clock.advance(60_000)
    assert [s.id for s in mgr.pause_away(15)] == [sess.id]


def test_a_hand_pause_is_not_offered(mgr: SessionManager, clock: Clock) -> None:
    sess = mgr.create("by-hand", project="app", start=True)
    clock.advance(5_000)
    mgr.pause(sess.id)
    clock.advance(3_600_000)
    assert mgr.pause_away(15) == []
    assert mgr.away_offer("app") is None
    assert mgr.get(sess.id).to_json()["awaySince"] is None


def test_positions_go_only_to_an_active_session(mgr: SessionManager, clock: Clock) -> None:
    sess = mgr.create("left", project="app", start=True)
    mgr.record_activity(sess.id, [Activity(clock.advance(1_000), "a.py", None, 15, 1)])
    clock.advance(3_600_000)
    mgr.pause_away(15)
    # the editor reopens and restores b.py: the session's place stays a.py:15
    mgr.record_activity(sess.id, [Activity(clock.advance(1_000), "b.py", None, 1, 1)])
    assert mgr.get(sess.id).context["current_file"] == "a.py"
    assert mgr.get(sess.id).context["current_line"] == "15"


def test_switch_pauses_are_recorded_as_such(mgr: SessionManager, clock: Clock) -> None:
    first = mgr.create("first", project="app", start=True)
    clock.advance(1_000)
    mgr.create("second", project="app", start=True)
    assert mgr.history(first.id)[-1]["by"] == "switch"
    assert mgr.get(first.id).record.paused_by == "switch"


def test_time_goes_to_the_file_in_effect_cut_at_15_minute_slots(
    mgr: SessionManager, clock: Clock
) -> None:
    slot = 15 * 60_000
    clock.now = (T0 // slot) * slot + 10 * 60_000  # ten minutes into a slot
    start = clock.now
    sess = mgr.create("spread", project="app", start=True)
    mgr.record_activity(sess.id, [Activity(start, "a.py", "main", 3, 1)])
    clock.advance(25 * 60_000)
    mgr.record_activity(
        sess.id,
        [
            Activity(start + 20 * 60_000, "b.py", "feat", 7, 2),
            Activity(start + 25 * 60_000, None, None, None, None),  # an edit without a place
        ],
    )
    with mgr.read_snapshot() as conn:
        rows = conn.execute(
            "SELECT file, branch, bucket - ?, ms FROM session_time ORDER BY bucket, file",
            [start - 10 * 60_000],
        ).fetchall()
    assert [tuple(row) for row in rows] == [
        ("a.py", "main", 0, 5 * 60_000),
        ("a.py", "main", slot, 15 * 60_000),
        ("b.py", "feat", 2 * slot, 5 * 60_000),
    ]
    context = mgr.get(sess.id).context
    assert (context["current_file"], context["current_line"], context["branch"]) == (
        "b.py",
        "7",
        "feat",
    )
    assert mgr.get(sess.id).record.last_activity_at == start + 25 * 60_000
