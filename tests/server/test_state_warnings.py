"""What the store warns about reaches the person in the editor, once."""

from __future__ import annotations

from pathlib import Path

from lsp_harness import start_editor, stop_editor

from helix_lsp.session import SessionManager


async def test_a_store_others_can_read_is_shown_once(db: Path, project: Path) -> None:
    with SessionManager(str(db)) as mgr:
        mgr.create("shared-by-accident", project=project.name)
    db.chmod(0o644)
    ed = await start_editor(db, [project])
    try:
        await ed.status_where(lambda s: s["current"] is not None)
        with SessionManager(str(db)) as shell:  # another process writes: the server polls
            shell.start("shared-by-accident")
        await ed.status_where(lambda s: s["active"] is not None)  # a poll has run since
        await ed.command("addTag", tag="later")
        shown = [m for m in ed.client.messages if str(db) in m.message]
        assert len(shown) == 1, [m.message for m in ed.client.messages]
        assert "0644" in shown[0].message and shown[0].type == 2  # a warning
    finally:
        await stop_editor(ed)
    assert (db.stat().st_mode & 0o777) == 0o644  # told, not changed behind the user's back
