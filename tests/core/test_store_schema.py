"""Schema version 2: a per-store secret and our application id; older stores migrate.

Also the column mapping: one list of columns drives SELECT, INSERT and the
record read back, so every field survives the store by name.

SQLite only: the file header and SQLite stores of version 1 by nature
(the PostgreSQL schema is tested in test_pg_store).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager, StorageError
from helix_lsp.session.model import Mode, SessionRecord, Status
from helix_lsp.session.rows import FIELDS, insert, to_record
from helix_lsp.session.schema import MIGRATIONS, SCHEMA_VERSION
from helix_lsp.session.storefile import APPLICATION_ID
from tests.conditions import read_as_a_user


def version_one_store(db: Path, sessions: int = 3) -> None:
    """A store as helix-lsp wrote it before schema version 2, with sessions in it."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN")
        MIGRATIONS[0](conn)
        for i in range(sessions):
            conn.execute(
                "INSERT INTO sessions (id, name, mode, status, project, tags, created_at, "
                "updated_at) VALUES (?, ?, 'building', 'idle', 'p', '[\"old\"]', ?, ?)",
                [f"id{i}", f"old-{i}", 1000 + i, 1000 + i],
            )
            conn.execute("INSERT INTO session_tags VALUES ('old', ?, ?)", [i + 1, 1000 + i])
        conn.execute("PRAGMA user_version = 1")
        conn.execute("COMMIT")


def header(db: Path) -> tuple[int, int]:
    head = db.read_bytes()[:100]
    return int.from_bytes(head[60:64], "big"), int.from_bytes(head[68:72], "big")


def test_every_store_has_its_own_lasting_secret(tmp_path: Path) -> None:
    with SessionManager(tmp_path / "a.db") as a, SessionManager(tmp_path / "b.db") as b:
        first = a.secret()
        assert isinstance(first, bytes) and len(first) == 32
        assert a.secret() == first
        assert b.secret() != first
    with SessionManager(tmp_path / "a.db") as again:
        assert again.secret() == first
    assert header(tmp_path / "a.db") == (SCHEMA_VERSION, APPLICATION_ID)


def test_a_version_one_store_migrates_without_loss(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    version_one_store(db)
    with SessionManager(db) as mgr:
        assert [s.name for s in mgr.list(tag="old")] == ["old-2", "old-1", "old-0"]
        assert len(mgr.secret()) == 32
        mgr.create("new", project="p")
        assert mgr.list().total == 4
    assert header(db) == (SCHEMA_VERSION, APPLICATION_ID)


def test_a_damaged_version_one_store_is_not_migrated(tmp_path: Path) -> None:
    from tests.core.test_store_damage import tear_a_page

    db = tmp_path / "sessions.db"
    version_one_store(db, sessions=300)
    with contextlib.closing(sqlite3.connect(db)) as conn:  # big rows: many leaf pages
        conn.execute("UPDATE sessions SET metadata = json_object('n', printf('%.300c', 'n'))")
    tear_a_page(db)
    before = db.read_bytes()
    with SessionManager(db) as mgr:
        assert mgr.read_only_reason is not None and "is damaged" in mgr.read_only_reason
        assert mgr.get("old-0").name == "old-0"
        with pytest.raises(StorageError, match="is damaged"):
            mgr.create("new", project="p")
        assert len(mgr.secret()) == 32  # for this process only: nothing can be stored
    assert db.read_bytes() == before


SECRET_AS_A_USER = """
import sys
from helix_lsp.session import SessionManager
with SessionManager(sys.argv[1]) as mgr:
    print(len(mgr.secret()), mgr.list().total)
"""


def test_a_read_only_version_one_store_still_gives_a_secret(tmp_path: Path) -> None:
    db = tmp_path / "ro" / "sessions.db"
    version_one_store(db)
    assert read_as_a_user(SECRET_AS_A_USER, db).split() == ["32", "3"]
    assert header(db) == (1, 0)


def test_the_columns_are_mapped_by_name(tmp_path: Path) -> None:
    with SessionManager(tmp_path / "s.db") as mgr, contextlib.closing(
        sqlite3.connect(mgr.path)
    ) as conn:
        stored = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
        assert set(FIELDS) == stored
        rec = SessionRecord(
            id="every-field",
            name="n",
            mode=Mode.DEBUGGING,
            status=Status.FAILED,
            project="proj",
            description="d",
            tags=["a", "b"],
            metadata={"m": "1"},
            context={"c": "2"},
            created_at=1,
            updated_at=2,
            started_at=3,
            last_paused_at=4,
            ended_at=5,
            failure_reason="why",
            active_ms=6,
            active_since=None,
            version=7,
        )
        with conn:
            insert(conn, rec)
        row = conn.execute(f"SELECT {', '.join(FIELDS)} FROM sessions").fetchone()
        assert to_record(row) == rec
