"""The product's source document, ported to this API: the "Complete Example",
the live-coding demo and the "Practice Exercise" run and print the same status
lines (sleeps shortened), on every store (SQLite, PostgreSQL)."""

from __future__ import annotations

import re
import time

import pytest

from helix_lsp.session import Mode, SessionManager, Status
from tests.stores import manager_on_each_store

mgr = pytest.fixture(name="mgr")(manager_on_each_store)


def test_complete_example(
    mgr: SessionManager, store_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Create session
    sess = mgr.create("implement-payment-gateway", Mode.BUILDING, "payment-service")

    # Add organization
    sess.add_tag("payments")
    sess.add_tag("stripe")
    sess.set_metadata("priority", "high")
    sess.set_context("branch", "feature/payments")

    # Start
    mgr.start(sess.id)

    # Simulate work
    print("Working on payment integration...")
    time.sleep(0.2)

    # Pause for lunch
    mgr.pause(sess.id)
    print("Paused for lunch")
    time.sleep(0.1)

    # Resume
    mgr.resume(sess.id)
    print("Back to work")
    time.sleep(0.2)

    # Complete
    mgr.complete(sess.id)

    assert sess.ended_at is not None and sess.started_at is not None
    print("\n✓ Session completed!")
    print(f"  Total duration: {sess.ended_at - sess.started_at}")

    out = capsys.readouterr().out
    assert out.startswith("Working on payment integration...\nPaused for lunch\nBack to work\n")
    assert "\n✓ Session completed!\n" in out
    match = re.search(r"Total duration: 0:00:00\.(\d+)", out)
    assert match, out
    assert sess.status is Status.COMPLETED
    assert 0.5 <= (sess.ended_at - sess.started_at).total_seconds() < 5
    assert (
        0.4
        <= sess.active_duration.total_seconds()
        < (sess.ended_at - sess.started_at).total_seconds()
    )
    # Everything the example set is in the store, not just in the object.
    with SessionManager(store_target) as other:
        stored = other.get(sess.id)
    assert stored.tags == ["payments", "stripe"]
    assert stored.get_metadata("priority") == "high"
    assert stored.get_context("branch") == "feature/payments"


def test_creating_and_managing_sessions(
    mgr: SessionManager, capsys: pytest.CaptureFixture[str]
) -> None:
    sess = mgr.create("implement-user-auth", Mode.BUILDING, "api-server")
    sess.add_tag("authentication")
    sess.add_tag("security")
    sess.add_tag("api")
    sess.set_metadata("sprint", "23")
    sess.set_metadata("assignee", "dev-team")
    mgr.start(sess.id)
    print(f"Started session: {sess.name}")
    print(f"Mode: {sess.mode}")
    print(f"Status: {sess.status}")
    print(f"Tags: [{' '.join(sess.tags)}]")
    mgr.complete(sess.id)
    print("\nSession completed!")
    assert sess.ended_at is not None and sess.started_at is not None
    print(f"Duration: {sess.ended_at - sess.started_at}")
    out = capsys.readouterr().out
    assert out.startswith(
        "Started session: implement-user-auth\n"
        "Mode: building\n"
        "Status: active\n"
        "Tags: [authentication security api]\n"
        "\nSession completed!\n"
        "Duration: 0:00:00"
    )


def test_lifecycle_walkthrough(mgr: SessionManager, capsys: pytest.CaptureFixture[str]) -> None:
    sess = mgr.create("implement-payment-api", Mode.BUILDING, "payment-service")
    print(sess.status)
    mgr.start(sess.id)
    print(sess.status)
    assert sess.started_at is not None
    mgr.pause(sess.id)
    print(sess.status)
    assert sess.last_paused_at is not None
    mgr.resume(sess.id)
    print(sess.status)
    mgr.complete(sess.id)
    print(sess.status)
    assert sess.ended_at is not None
    other = mgr.create("redesign-payment-api", Mode.PLANNING, "payment-service")
    mgr.start(other.id)
    mgr.fail(other.id, "Tests failed, need to redesign")
    print(other.status)
    assert capsys.readouterr().out.split() == [
        "idle",
        "active",
        "paused",
        "active",
        "completed",
        "failed",
    ]
    assert other.failure_reason == "Tests failed, need to redesign"


def test_practice_exercise_debugging_a_memory_leak(mgr: SessionManager, store_target: str) -> None:
    # 1. Debugging mode, 2. a descriptive name
    sess = mgr.create("debug-worker-memory-leak", Mode.DEBUGGING, "job-runner")
    # 3. relevant tags
    for tag in ("memory-leak", "performance", "worker"):
        sess.add_tag(tag)
    # 4. metadata about the issue
    sess.set_metadata("issue", "JOB-4821")
    sess.set_metadata("rss_growth", "40MB/hour")
    mgr.start(sess.id)
    # 5. context tracks the files being investigated
    for path, line in [("worker/pool.py", "118"), ("worker/cache.py", "42")]:
        sess.set_context("current_file", path)
        sess.set_context("current_line", line)
    sess.set_context("branch", "fix/worker-leak")
    # 6. complete when fixed
    mgr.complete(sess.id)

    with SessionManager(store_target) as other:
        again = other.get("debug-worker-memory-leak")
    assert again.mode is Mode.DEBUGGING
    assert again.status is Status.COMPLETED
    assert again.has_tag("memory-leak") and again.tags == ["memory-leak", "performance", "worker"]
    assert again.get_metadata("issue") == "JOB-4821"
    assert again.context == {
        "current_file": "worker/cache.py",
        "current_line": "42",
        "branch": "fix/worker-leak",
    }
    assert mgr.list(mode="debugging", tag="memory-leak").total == 1
