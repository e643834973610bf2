"""Stores that cannot be written: a read-only file and folder, a full disk.

Reads go on, every write is refused with one sentence, and the file is never
damaged. Permissions are real: as root (which ignores mode bits) the commands
run without the capabilities that let root ignore them.

SQLite only: about the store file and its folder by nature.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager, StorageError
from tests.conditions import AS_A_USER, assert_intact, small_disk


def run_cli(
    *args: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [*AS_A_USER, sys.executable, "-m", "helix_lsp", "session", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec,
        env=env,
        cwd="/",
    )


def test_read_only_store_serves_reads_and_refuses_writes(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    db = folder / "sessions.db"
    with SessionManager(db) as mgr:
        mgr.create("kept", project="p", start=True)
    os.chmod(db, 0o400)
    os.chmod(folder, 0o500)
    before = db.read_bytes()
    try:
        shown = run_cli("show", "kept", "--json", "--db", str(db), preexec=None)
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["status"] == "active"
        refused = run_cli("pause", "kept", "--db", str(db), preexec=None)
        assert refused.returncode == 1
        assert (
            refused.stderr
            == f"helix-lsp: the session store {db} is read-only; nothing was changed.\n"
        )
    finally:
        os.chmod(folder, 0o700)
        os.chmod(db, 0o600)
    assert db.read_bytes() == before


def test_full_disk_refuses_the_write_and_keeps_the_store(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    with SessionManager(db) as mgr:
        mgr.create("kept", project="p", tags=["safe"])
    big = "x" * 4000
    meta = [arg for i in range(100) for arg in ("--meta", f"k{i}={big}")]
    result = run_cli("create", "huge", *meta, "--db", str(db), preexec=small_disk(300_000))
    assert result.returncode == 1
    assert result.stderr.startswith(f"helix-lsp: the session store {db} could not be written (")
    assert result.stderr.endswith("); nothing was changed.\n")
    assert_intact(db)
    with SessionManager(db) as mgr:
        assert [s.name for s in mgr.list()] == ["kept"]
        mgr.create("after", project="p")  # with room again, writes work


@pytest.mark.parametrize("content", [b"", b"\x00" * 4096])
def test_empty_or_zeroed_files(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "sessions.db"
    db.write_bytes(content)
    if content:
        with pytest.raises(Exception, match="not a helix-lsp store"):
            SessionManager(db)
        assert db.read_bytes() == content
    else:  # an empty file is a new, empty database
        with SessionManager(db) as mgr:
            assert mgr.list().total == 0


def test_a_torn_page_is_found_and_writes_can_be_refused(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    with SessionManager(db) as mgr:
        for i in range(30):
            mgr.create(f"s{i}", project="p", tags=["t"], metadata={"k": "v" * 500})
        assert mgr.check_integrity() is None
    raw = bytearray(db.read_bytes())
    raw[8192:12288] = b"\xde\xad\xbe\xef" * 1024
    db.write_bytes(bytes(raw))
    with SessionManager(db) as mgr:
        problem = mgr.check_integrity()
        assert problem is not None
        mgr.refuse_writes(f"the store is damaged ({problem})")
        with pytest.raises(StorageError, match=r"damaged .*; nothing was changed"):
            mgr.create("new", project="p")
    assert db.read_bytes() == bytes(raw)


def test_the_cli_never_writes_into_a_damaged_store(tmp_path: Path) -> None:
    from tests.core.test_store_damage import tear_a_page

    db = tmp_path / "sessions.db"
    with SessionManager(db) as mgr:
        for i in range(300):
            mgr.create(f"s{i:03d}", project="p", metadata={"notes": "n" * 300})
    tear_a_page(db)
    before = db.read_bytes()
    for verb in (["create", "new"], ["start", "s001"], ["tag", "s001", "more"]):
        refused = run_cli(*verb, "--db", str(db))
        assert refused.returncode == 1
        assert refused.stderr.startswith(f"helix-lsp: the session store {db} is damaged (")
        assert refused.stderr.count("\n") == 1
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sessions.db"]
    saved = tmp_path / "saved.json"
    exported = run_cli("export", "--all", "-o", str(saved), "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    sessions = json.loads(saved.read_text())["sessions"]
    assert 260 < len(sessions) < 300
    assert "could not be read" in exported.stderr
    assert db.read_bytes() == before


def test_a_read_with_a_mistyped_path_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "tpyo" / "sessions.db"
    for verb in (["list"], ["show", "x"], ["export", "--all"]):
        result = run_cli(*verb, "--db", str(db))
        assert result.returncode == 1
        assert result.stderr == (
            f"helix-lsp: the session store {db} does not exist; it is created by the first change.\n"
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("target", ["folder", "/dev/null"])
def test_a_path_that_is_not_a_file_is_refused_by_every_verb(tmp_path: Path, target: str) -> None:
    path = tmp_path if target == "folder" else Path(target)
    before = sorted(os.listdir(path.parent))
    for verb in (["list"], ["create", "x"]):
        result = run_cli(*verb, "--db", str(path))
        assert result.returncode == 1
        assert result.stderr.startswith(f"helix-lsp: the session store {path} is a ")
        assert result.stderr.count("\n") == 1
    assert sorted(os.listdir(path.parent)) == before
