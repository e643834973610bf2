"""What is at the store path: someone else's file, a folder, a device, nothing yet.

helix-lsp looks before it opens: another application's SQLite file is refused
and stays byte for byte as it was (no -wal or -shm left beside it), paths that
are not files are refused before anything is created, folders that exist keep
their mode, and a store others can read is reported rather than changed.

SQLite only: about the store path and file by nature.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager, StorageError
from tests.conditions import read_as_a_user, small_disk


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def foreign_database(path: Path, *, wal: bool = False, app_id: int = 0) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine, not yours')")
    return conn


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_another_applications_database_is_refused_and_left_identical(
    tmp_path: Path, wal: bool
) -> None:
    db = tmp_path / "other-app.db"
    foreign_database(db, wal=wal).close()
    before = listing(tmp_path)
    with pytest.raises(StorageError) as caught:
        SessionManager(db)
    message = str(caught.value)
    assert message == (
        f"{db} is not a helix-lsp store (an SQLite database with the table notes); "
        "it was left untouched, give helix-lsp a path of its own."
    )
    assert listing(tmp_path) == before  # no -wal, no -shm, not one byte changed
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == ("wal" if wal else "delete")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_a_database_in_use_by_another_application_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    owner = foreign_database(db, wal=True)  # its -wal and -shm are in use
    try:
        before = listing(tmp_path)
        with pytest.raises(StorageError, match="not a helix-lsp store"):
            SessionManager(db)
        assert listing(tmp_path).keys() == before.keys()
        assert (tmp_path / "live.db").read_bytes() == before["live.db"]
        assert (tmp_path / "live.db-wal").read_bytes() == before["live.db-wal"]
    finally:
        owner.close()


def test_an_empty_database_of_another_application_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "tagged.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA application_id = 1234")
    before = db.read_bytes()
    with pytest.raises(StorageError, match="application 0x4d2"):
        SessionManager(db)
    assert db.read_bytes() == before


def test_tables_that_only_share_our_names_are_not_ours(tmp_path: Path) -> None:
    db = tmp_path / "web-app.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE sessions (token TEXT, user_id INTEGER)")
        conn.execute("CREATE TABLE session_tags (token TEXT, tag TEXT)")
        conn.execute("PRAGMA user_version = 1")
    before = db.read_bytes()
    with pytest.raises(StorageError, match="not a helix-lsp store"):
        SessionManager(db)
    assert db.read_bytes() == before


def test_an_empty_sqlite_database_becomes_a_store(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    sqlite3.connect(db).close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("VACUUM")  # a valid header, no table
    with SessionManager(db) as mgr:
        mgr.create("first", project="p")
    with SessionManager(db) as mgr:
        assert [s.name for s in mgr.list()] == ["first"]


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-null"])
def test_paths_that_are_not_files_are_refused_and_nothing_is_created(
    tmp_path: Path, kind: str
) -> None:
    if kind == "directory":
        target, expected = tmp_path / "folder", "a directory"
        target.mkdir()
    elif kind == "fifo":
        target, expected = tmp_path / "pipe", "a FIFO"
        os.mkfifo(target)
    else:
        target, expected = Path("/dev/null"), "a device"
    before = sorted(os.listdir(target.parent))
    with pytest.raises(StorageError) as caught:
        SessionManager(target)
    assert str(caught.value) == (
        f"the session store {target} is {expected}, not a file; give --db or HELIX_LSP_DB "
        "the path of a file (nothing was created)."
    )
    assert sorted(os.listdir(target.parent)) == before  # e.g. no /dev/null-journal


def test_a_missing_store_is_not_created_for_a_read(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "nested" / "sessions.db"
    with pytest.raises(StorageError) as caught:
        SessionManager(db, create=False)
    assert str(caught.value) == (
        f"the session store {db} does not exist; it is created by the first change."
    )
    assert list(tmp_path.iterdir()) == []
    with SessionManager(db) as mgr:  # the first change creates it
        mgr.create("now", project="p")
    with SessionManager(db, create=False) as mgr:
        assert mgr.list().total == 1


@pytest.mark.parametrize("mode", [0o2775, 0o1777, 0o755])
def test_an_existing_folder_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, mode)
    monkeypatch.setenv("HELIX_LSP_DB", str(team / "sessions.db"))
    with SessionManager() as mgr:  # the default path, from the environment
        mgr.create("x", project="p")
    assert stat.S_IMODE(team.stat().st_mode) == mode
    assert stat.S_IMODE((team / "sessions.db").stat().st_mode) == 0o600


def test_folders_helix_lsp_creates_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELIX_LSP_DB", str(tmp_path / "data" / "helix-lsp" / "sessions.db"))
    os.umask(old := os.umask(0o022))
    try:
        with SessionManager() as mgr:
            assert mgr.warnings == []
    finally:
        os.umask(old)
    for folder in (tmp_path / "data", tmp_path / "data" / "helix-lsp"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_store_others_can_read_is_reported_not_changed(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    SessionManager(db).close()
    os.chmod(db, 0o644)
    with SessionManager(db) as mgr:
        assert mgr.warnings == [
            f"the session store {db} can be accessed by its group and other users (mode 0644); "
            f"helix-lsp leaves it so, run 'chmod 600 {db}' to make it private."
        ]
        mgr.create("still works", project="p")
    assert stat.S_IMODE(db.stat().st_mode) == 0o644


LIST_AS_A_USER = """
import sys
from helix_lsp.session import SessionManager
with SessionManager(sys.argv[1]) as mgr:
    print(mgr.list().total, mgr.read_only_reason is not None, len(getattr(mgr, "warnings", [])))
"""

CRASH_AFTER_WRITING = """
import os, sys
from helix_lsp.session import SessionManager
mgr = SessionManager(sys.argv[1])
mgr.create("two", project="p")
mgr.create("three", project="p")
os._exit(0)  # no close: the changes stay in the -wal
"""


@pytest.mark.parametrize("room_for_a_copy", [True, False])
def test_a_read_only_folder_with_a_wal_but_no_shm_shows_every_session(
    tmp_path: Path, room_for_a_copy: bool
) -> None:
    folder = tmp_path / "ro"
    db = folder / "sessions.db"
    with SessionManager(db) as mgr:
        mgr.create("one", project="p")
    subprocess.run([sys.executable, "-c", CRASH_AFTER_WRITING, str(db)], check=True)
    Path(f"{db}-shm").unlink()
    assert Path(f"{db}-wal").stat().st_size > 0
    before = listing(folder)
    shown = read_as_a_user(
        LIST_AS_A_USER, db, preexec_fn=None if room_for_a_copy else small_disk(1000)
    )
    if room_for_a_copy:
        assert shown.split() == ["3", "True", "0"]
    else:  # no private copy possible: the file alone, and a warning that it may be stale
        assert shown.split() == ["1", "True", "1"]
    assert listing(folder) == before
