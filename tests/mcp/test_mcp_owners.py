"""Owners through the MCP server: ``--owner``, the ``owner`` argument of the
listing tools, and another owner's session refused as ``forbidden``."""

from __future__ import annotations

from pathlib import Path

from mcp_harness import call, connect, ok, text_of

from helix_lsp.session import SessionManager


async def test_owner_argument_and_forbidden_changes(db_path: Path, project_dir: Path) -> None:
    with SessionManager(db_path, owner="bob@example.com") as bob:
        theirs = bob.create("api-cache", project="api-server", start=True)
    async with connect(db_path, project_dir, "--owner", "alice@example.com") as session:
        mine = await ok(session, "create_session", name="api-auth", start=True)
        assert mine["owner"] == "alice@example.com"
        listed = await ok(session, "list_sessions")
        assert [s["id"] for s in listed["sessions"]] == [mine["id"]]
        assert (await ok(session, "list_sessions", owner="*"))["total"] == 2
        assert (await ok(session, "list_sessions", owner="bob@example.com"))["total"] == 1
        assert (await ok(session, "session_stats"))["total"] == 1
        assert (await ok(session, "session_stats", owner="*"))["total"] == 2
        report = await ok(session, "session_report", owner="bob@example.com")
        assert [s["name"] for s in report["sessions"]] == ["api-cache"]
        refused = await call(session, "pause_session", session=theirs.id)
        assert refused.is_error and refused.structured_content is not None
        assert refused.structured_content["error"]["kind"] == "forbidden"
        assert "bob@example.com" in text_of(refused)
    with SessionManager(db_path, owner="bob@example.com") as bob:
        assert bob.get(theirs.id).status.value == "active"
