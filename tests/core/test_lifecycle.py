"""Every (action, status) pair of the lifecycle: allowed ones change the right
fields, refused ones raise a sentence naming the session, its status and the
action, and leave the store exactly as it was. On every store (SQLite, PostgreSQL)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from helix_lsp.session import (
    InvalidTransitionError,
    Session,
    SessionManager,
    Status,
)
from tests.stores import manager_on_each_store, query

mgr = pytest.fixture(name="mgr")(manager_on_each_store)

ACTIONS = ["start", "pause", "resume", "complete", "fail", "delete"]
STATUSES = list(Status)

ALLOWED = {
    ("start", Status.IDLE): Status.ACTIVE,
    ("pause", Status.ACTIVE): Status.PAUSED,
    ("resume", Status.PAUSED): Status.ACTIVE,
    ("complete", Status.ACTIVE): Status.COMPLETED,
    ("complete", Status.PAUSED): Status.COMPLETED,
    ("fail", Status.IDLE): Status.FAILED,
    ("fail", Status.ACTIVE): Status.FAILED,
    ("fail", Status.PAUSED): Status.FAILED,
}


def make(mgr: SessionManager, status: Status) -> Session:
    """A session brought to ``status`` through real transitions."""
    sess = mgr.create("implement-auth", "building", "api")
    path = {
        Status.IDLE: [],
        Status.ACTIVE: ["start"],
        Status.PAUSED: ["start", "pause"],
        Status.COMPLETED: ["start", "complete"],
        Status.FAILED: ["start"],
    }[status]
    for action in path:
        getattr(mgr, action)(sess.id)
    if status is Status.FAILED:
        mgr.fail(sess.id, "broke")
    assert sess.status is status
    return sess


def run(mgr: SessionManager, action: str, sess: Session) -> Any:
    if action == "fail":
        return mgr.fail(sess.id, "Tests failed, need to redesign")
    return getattr(mgr, action)(sess.id)


def row(target: str, sid: str) -> dict[str, Any]:
    """The stored row itself, read through a separate connection."""
    [found] = query(target, "SELECT * FROM sessions WHERE id = ?", [sid])
    return found


@pytest.mark.parametrize("status", STATUSES, ids=lambda s: s.value)
@pytest.mark.parametrize("action", ACTIONS)
def test_action_from_status(
    mgr: SessionManager, store_target: str, action: str, status: Status
) -> None:
    sess = make(mgr, status)
    before = row(store_target, sess.id)
    time.sleep(0.002)
    allowed = (action, status) in ALLOWED or (action == "delete" and status is not Status.ACTIVE)
    if not allowed:
        with pytest.raises(InvalidTransitionError) as info:
            run(mgr, action, sess)
        message = str(info.value)
        assert "'implement-auth'" in message
        assert status.value in message
        assert action in message
        assert info.value.kind == "invalid_transition"
        assert row(store_target, sess.id) == before, "a refused action must write nothing"
        assert sess.status is status
        return
    run(mgr, action, sess)
    if action == "delete":
        assert mgr.list().total == 0
        return
    target = ALLOWED[(action, status)]
    assert sess.status is target
    after = row(store_target, sess.id)
    assert after["updated_at"] > before["updated_at"]
    assert after["status"] == target.value
    changed = {k for k in after if after[k] != before[k]} - {"updated_at", "version"}
    expected = {"status", "last_activity_at"}  # a change is activity on the session
    if status is Status.ACTIVE:
        expected |= {"active_since", "active_ms", "active_by_mode"}  # the interval closes
    if action == "start":
        expected |= {"started_at", "active_since"}
        assert sess.started_at is not None
    if action == "pause":
        expected |= {"last_paused_at", "paused_by"}
        assert sess.last_paused_at is not None
    if action == "resume":
        expected |= {"active_since"}
    if target.is_final:
        expected |= {"ended_at"}
        assert sess.ended_at is not None
    if action == "fail":
        expected |= {"failure_reason"}
        assert sess.failure_reason == "Tests failed, need to redesign"
    assert changed == expected


@pytest.mark.parametrize("status", STATUSES)
def test_actions_offered_are_exactly_the_allowed_ones(mgr: SessionManager, status: Status) -> None:
    sess = make(mgr, status)
    offered = [a for a in ACTIONS if (a, status) in ALLOWED]
    assert sess.to_json()["actions"] == offered


def test_refusal_message_reads_well(mgr: SessionManager) -> None:
    sess = mgr.create("implement-auth", "building", "api")
    with pytest.raises(InvalidTransitionError) as info:
        mgr.pause(sess.id)
    assert str(info.value) == (
        "cannot pause 'implement-auth': it is idle; pause needs an active session."
    )


def test_fail_needs_a_reason(mgr: SessionManager) -> None:
    sess = mgr.create("x", "building", "api")
    for reason in ["", "   "]:
        with pytest.raises(Exception, match="failure reason must not be empty"):
            mgr.fail(sess.id, reason)
    assert sess.status is Status.IDLE


def test_set_mode_refused_on_final_sessions(mgr: SessionManager) -> None:
    sess = make(mgr, Status.COMPLETED)
    with pytest.raises(InvalidTransitionError, match="completed sessions are final"):
        mgr.set_mode(sess.id, "testing")
    assert sess.mode.value == "building"


def test_active_duration_excludes_pauses(mgr: SessionManager) -> None:
    sess = mgr.create("x", "building", "api")
    mgr.start(sess.id)
    time.sleep(0.05)
    mgr.pause(sess.id)
    time.sleep(0.2)
    mgr.resume(sess.id)
    time.sleep(0.05)
    mgr.complete(sess.id)
    assert sess.ended_at is not None and sess.started_at is not None
    wall = sess.ended_at - sess.started_at
    assert sess.duration == wall
    active = sess.active_duration.total_seconds()
    assert 0.1 <= active < wall.total_seconds() - 0.15
    time.sleep(0.02)
    assert sess.active_duration.total_seconds() == active, "a finished session's time stands still"
