"""The idle rule in the MCP face: a session an editor left active is paused as of
its last activity before the assistant is answered, so no answer counts the night."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mcp_harness import connect, ok, read_json

from helix_lsp.session import Activity, SessionManager

HOUR_MS = 3_600_000


def left_active(db: Path, project: str) -> tuple[str, int]:
    """A session started two hours ago, last active an hour and a half ago; its id and
    the time of that last activity (ms)."""
    real = time.time_ns()
    with pytest.MonkeyPatch.context() as patch, SessionManager(db) as mgr:
        patch.setattr(time, "time_ns", lambda: real - 2 * HOUR_MS * 1_000_000)
        sess = mgr.create("fix-login", "debugging", project, start=True)
        last = real // 1_000_000 - HOUR_MS * 3 // 2
        patch.setattr(time, "time_ns", lambda: last * 1_000_000)
        mgr.record_activity(sess.id, [Activity(last, "src/login.py", None, 15, 1)])
    return sess.id, last


@pytest.mark.parametrize("limit", [None, "0"])
async def test_a_session_left_active_is_paused_as_of_its_last_activity(
    db_path: Path, project_dir: Path, limit: str | None
) -> None:
    sid, last = left_active(db_path, project_dir.name)
    extra = () if limit is None else ("--idle-minutes", limit)
    async with connect(db_path, project_dir, *extra) as session:
        current = (await read_json(session, "helix://session/current"))["session"]
        listed = await ok(session, "list_sessions")

    assert current["id"] == sid
    if limit == "0":  # the rule switched off: still active, the hours count
        assert current["status"] == "active"
        assert current["activeSeconds"] > 7000
        return
    assert current["status"] == "paused"
    assert current["awaySince"] == current["lastPausedAt"]
    with SessionManager(db_path) as mgr:
        sess = mgr.get(sid)
        assert sess.record.last_paused_at == last
        assert sess.active_duration.total_seconds() == pytest.approx(1800, abs=2)
        assert sess.get_context("current_file") == "src/login.py"
    assert [s["status"] for s in listed["sessions"]] == ["paused"]
