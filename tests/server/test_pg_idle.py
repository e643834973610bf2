"""What a language server costs PostgreSQL while its editor is quiet.

A server hears other writers through its connection's notifications, so it
sends the database nothing while nothing happens (no polling); after
``HELIX_LSP_PG_IDLE_SECONDS`` without a message from its editor it closes
the connection altogether, wakes only to pause a session left active for
``idleMinutes``, and at the editor's next move opens a connection again and
shows what changed meanwhile.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from lsp_harness import Editor, eventually, start_editor, stop_editor

from tests.cli.shell import cli
from tests.postgres import backends

ARRIVES = 20.0



async def editor_on(url: str, repo: Path, idle_seconds: str | None = None,
                    options: dict[str, Any] | None = None) -> Editor:
    env = {**os.environ, "HELIX_LSP_DB": url}
    if idle_seconds is not None:
        env["HELIX_LSP_PG_IDLE_SECONDS"] = idle_seconds
    return await start_editor(None, [repo], env=env, options=options)


def active_of(status: dict[str, Any]) -> dict[str, Any]:
    return status.get("active") or {}


async def test_a_quiet_server_sends_the_database_nothing(pg_url: str, project: Path) -> None:
    ed = await editor_on(pg_url, project)
    try:
        await ed.command("create", name="quiet", start=True)
        await ed.status_where(lambda s: active_of(s).get("name") == "quiet")
        await asyncio.sleep(1.5)  # the status read after the change is done
        before = backends(pg_url)
        assert len(before) == 1  # one connection, that writes and listens
        await asyncio.sleep(3)  # three ticks of the server's timer
        assert backends(pg_url) == before, "the server queried the store while nothing changed"

        # and it still hears a change made elsewhere
        seen = ed.status_count()
        done = cli("meta", "ticket", "T-1", "--db", pg_url, cwd=project)
        assert done.returncode == 0, done.stderr
        await ed.status_after(
            seen, lambda s: active_of(s).get("metadata", {}).get("ticket") == "T-1", ARRIVES
        )
    finally:
        await stop_editor(ed)


async def test_an_idle_editor_closes_its_connection_and_catches_up(
    pg_url: str, project: Path
) -> None:
    ed = await editor_on(pg_url, project, idle_seconds="2")
    try:
        await ed.command("create", name="later", start=True)
        await eventually(lambda: not backends(pg_url), ARRIVES, "the idle connection closed")

        done = cli("meta", "ticket", "T-2", "--db", pg_url, cwd=project)
        assert done.returncode == 0, done.stderr
        seen = ed.status_count()
        ed.cursor(project / "src" / "app.py", 4, 0)  # the editor is used again
        shown = await ed.status_after(
            seen, lambda s: active_of(s).get("metadata", {}).get("ticket") == "T-2", ARRIVES
        )
        assert shown["active"]["name"] == "later"
        assert len(backends(pg_url)) == 1
        assert (await ed.get())["context"]["current_line"] == "5"
    finally:
        await stop_editor(ed)


async def test_a_closed_connection_still_pauses_a_session_left_active(
    pg_url: str, project: Path
) -> None:
    ed = await editor_on(pg_url, project, idle_seconds="1", options={"idleMinutes": 0.1})
    try:
        made = await ed.command("create", name="away", start=True)
        await eventually(lambda: not backends(pg_url), ARRIVES, "the idle connection closed")
        paused = await ed.status_where(
            lambda s: (s.get("current") or {}).get("status") == "paused", ARRIVES
        )
        assert paused["current"]["id"] == made["id"] and paused["active"] is None
        await eventually(lambda: not backends(pg_url), ARRIVES, "closed again after the check")
    finally:
        await stop_editor(ed)
