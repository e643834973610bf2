"""One session that cannot be shown does not silence ``helix/status`` for the others."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsp_harness import eventually, start_editor, stop_editor

#: 10,000 years after 1970: a timestamp no ISO date can show (a damaged or hostile row).
FAR_FUTURE_MS = 10_000 * 366 * 86_400_000


async def test_a_row_that_cannot_be_shown_is_reported_and_the_rest_is_pushed(
    tmp_path: Path, db: Path
) -> None:
    folders = []
    for name in ("web", "api"):
        (tmp_path / name).mkdir()
        folders.append(tmp_path / name)
    ed = await start_editor(db, folders)
    try:
        bad = await ed.command("create", name="broken", project="api", start=True)
        await ed.command("create", name="fine", project="web", start=True)
        await ed.status_where(lambda s: len(s["sessions"]) == 2)
        with sqlite3.connect(str(db)) as conn:  # another process damages one row
            conn.execute("UPDATE sessions SET created_at = ?, started_at = ? WHERE id = ?",
                         [FAR_FUTURE_MS, FAR_FUTURE_MS, bad["id"]])
        count = ed.status_count()
        await ed.command("addTag", session="fine", tag="still-shown")
        status = await ed.status_after(
            count, lambda s: bool(s["active"]) and s["active"]["tags"] == ["still-shown"]
        )
        assert [s["name"] for s in status["sessions"]] == ["fine"]
        assert status["current"]["name"] == "fine"

        def reported() -> bool:
            return any(bad["id"] in m.message for m in ed.client.log_messages)

        await eventually(reported, what="a log line naming the session left out")
    finally:
        await stop_editor(ed)
