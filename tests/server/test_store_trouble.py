"""A store the server cannot use fully: it still starts and says why, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lsp_harness import start_editor, stop_editor

from helix_lsp.session import SessionManager

STORAGE = (-32803, {"kind": "storage"})


async def test_a_file_that_is_not_a_store(tmp_path: Path, project: Path) -> None:
    db = tmp_path / "notes.db"
    content = b"my notes, not a database\n" * 100
    db.write_bytes(content)
    ed = await start_editor(db, [project])
    try:
        shown = [(m.type, m.message) for m in ed.client.messages]
        assert len(shown) == 1 and shown[0][0] == 1  # one error message
        assert str(db) in shown[0][1]
        for name, params in [("create", {"name": "x"}), ("list", {}), ("get", {})]:
            err = await ed.refused(name, **params)
            assert (err.code, err.data) == STORAGE
            assert str(db) in err.message
        ed.cursor(project / "src" / "app.py", 1, 1)  # dropped, no crash
        await ed.status_where(lambda s: s == {"active": None, "current": None, "sessions": []})
    finally:
        await stop_editor(ed)
    assert db.read_bytes() == content


async def test_a_store_from_a_newer_release_is_read_only(tmp_path: Path, project: Path) -> None:
    db = tmp_path / "sessions.db"
    with SessionManager(str(db)) as mgr:
        mgr.create("kept", project="api-server", start=True)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 42")
    ed = await start_editor(db, [project])
    try:
        shown = [(m.type, m.message) for m in ed.client.messages]
        assert len(shown) == 1 and shown[0][0] == 2 and "newer" in shown[0][1]
        assert (await ed.get())["name"] == "kept"
        ed.cursor(project / "src" / "app.py", 1, 1)
        assert (await ed.get())["context"] == {}  # not tracked
        err = await ed.refused("pause")
        assert (err.code, err.data) == STORAGE
    finally:
        await stop_editor(ed)
