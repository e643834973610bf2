"""A store with a torn page: nothing is written into it, and what can be read is saved.

The damage is real: a leaf page of the ``sessions`` table overwritten on disk,
found with SQLite's ``dbstat`` table.

SQLite only: about the store file by nature.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager, StorageError
from helix_lsp.session.errors import damaged_store_message

SESSIONS = 300


def tear_a_page(db: Path) -> None:
    """Overwrite a leaf page in the middle of the sessions table."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        leaves = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'sessions' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = leaves[len(leaves) // 2]
    raw = bytearray(db.read_bytes())
    raw[(page - 1) * size : page * size] = b"\xde\xad\xbe\xef" * (size // 4)
    db.write_bytes(bytes(raw))


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    db = tmp_path / "sessions.db"
    with SessionManager(db) as mgr:
        for i in range(SESSIONS):
            mgr.create(f"s{i:03d}", project="p", metadata={"notes": "n" * 300})
    tear_a_page(db)
    return db


def test_the_first_write_is_refused_with_one_sentence(damaged: Path) -> None:
    before = damaged.read_bytes()
    with SessionManager(damaged) as mgr:
        problem = mgr.check_integrity()
        assert problem is not None
        with pytest.raises(StorageError) as caught:
            mgr.create("new", project="p")
        assert str(caught.value) == damaged_store_message(str(damaged), problem)
        assert mgr.read_only_reason is not None
        with pytest.raises(StorageError, match="is damaged"):
            mgr.create("again", project="p")
        assert mgr.get("s000").name == "s000"  # reads go on where the pages allow
    assert damaged.read_bytes() == before


def test_without_verify_the_caller_refuses_writes_itself(damaged: Path) -> None:
    before = damaged.read_bytes()
    with SessionManager(damaged, verify=False) as mgr:
        problem = mgr.check_integrity()
        assert problem is not None
        mgr.refuse_writes(damaged_store_message(mgr.path, problem))
        with pytest.raises(StorageError) as caught:
            mgr.create("new", project="p")
        assert str(caught.value) == damaged_store_message(mgr.path, problem)
    assert damaged.read_bytes() == before


def test_a_sound_store_is_checked_once(tmp_path: Path) -> None:
    with SessionManager(tmp_path / "sessions.db") as mgr:
        for i in range(3):
            mgr.create(f"s{i}", project="p")
        assert mgr.read_only_reason is None and mgr.list().total == 3


def test_export_of_a_damaged_store_saves_every_readable_session(damaged: Path) -> None:
    before = damaged.read_bytes()
    with SessionManager(damaged) as mgr:
        snapshot = mgr.export()
        names = {s["name"] for s in snapshot["sessions"]}
        assert SESSIONS - 40 < len(names) < SESSIONS
        assert {"s000", f"s{SESSIONS - 1:03d}"} <= names  # both sides of the damage
        [warning] = mgr.warnings
        lost = SESSIONS - len(names)
        assert warning.startswith(
            f"export: {lost} sessions could not be read (a damaged page of the store): "
        )

        skipped: list[str] = []
        out = io.StringIO()
        written = mgr.export_to(out, on_skip=skipped.append)
    assert written == len(names)
    assert {s["name"] for s in json.loads(out.getvalue())["sessions"]} == names
    assert skipped == [warning.removeprefix("export: ").removesuffix(".")]
    assert damaged.read_bytes() == before


def test_the_salvaged_snapshot_imports_into_a_new_store(damaged: Path, tmp_path: Path) -> None:
    with SessionManager(damaged) as mgr:
        out = io.StringIO()
        written = mgr.export_to(out, on_skip=lambda sentence: None)
    with SessionManager(tmp_path / "rescued.db") as fresh:
        assert len(fresh.import_from(io.StringIO(out.getvalue()))) == written
        assert fresh.check_integrity() is None
