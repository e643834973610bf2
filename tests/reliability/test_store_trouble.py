"""The server on a store it cannot fully use: damaged, foreign, newer, read-only, full.

It starts anyway, says what is wrong in one message (``window/showMessage``),
answers reads where the store still allows them, refuses writes with a
``storage`` error, and never rewrites or deletes the user's file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helix_lsp.session import SessionManager
from tests.conditions import AS_A_USER, assert_intact, small_disk
from tests.reliability.rpc import Server


def files(db: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes() for p in sorted(db.parent.iterdir()) if p.name.startswith(db.name)
    }


def start(db: Path, ws: Path, **kwargs: Any) -> tuple[Server, dict[str, Any]]:
    server = Server(db, ws, **kwargs)
    server.initialize([ws])
    message = server.next_notification("window/showMessage", timeout=20)
    return server, message["params"]


def stored_store(tmp_path: Path) -> tuple[Path, Path]:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "store" / "sessions.db"
    with SessionManager(db) as mgr:
        mgr.create("kept", project="proj", start=True, tags=["safe"])
    return ws, db


def assert_storage_error(reply: dict[str, Any]) -> str:
    assert "error" in reply, reply
    assert reply["error"]["code"] == -32803
    assert reply["error"]["data"]["kind"] == "storage"
    message: str = reply["error"]["message"]
    assert "\n" not in message and message.endswith(".")
    return message


@pytest.mark.parametrize(
    "content", [b"these are my notes, not a database\n" * 50, b"\x00" * 8192], ids=["text", "zeros"]
)
def test_a_file_that_is_not_a_store(tmp_path: Path, content: bytes) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    db.write_bytes(content)
    server, shown = start(db, ws)
    try:
        assert shown["type"] == 1  # Error
        assert str(db) in shown["message"] and "left untouched" in shown["message"]
        message = assert_storage_error(server.command("helix.session.create", name="x"))
        assert str(db) in message
        assert_storage_error(server.command("helix.session.list"))
        server.cursor(ws / "a.py", 3)
        assert server.shutdown() == 0
    finally:
        server.close()
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", "sessions.db"]


def test_a_damaged_store(tmp_path: Path) -> None:
    ws, db = stored_store(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db.read_bytes())
    raw[4096:8192] = b"\xde\xad\xbe\xef" * 1024  # a torn page in the middle of the file
    db.write_bytes(bytes(raw))
    before = files(db)
    server, shown = start(db, ws)
    try:
        assert shown["type"] in (1, 2)
        assert str(db) in shown["message"]
        reply = server.command("helix.session.create", name="new")
        refused = assert_storage_error(reply)
        assert server.proc.poll() is None
        # found by the check beside the server: the CLI's very sentence, shown once
        # and given with every refusal
        assert refused.lower() == shown["message"].lower()
        assert "is damaged" in refused and "session export --all" in refused
        server.shutdown()
    finally:
        server.close()
    assert files(db)["sessions.db"] == before["sessions.db"]


def test_a_store_from_a_newer_release(tmp_path: Path) -> None:
    ws, db = stored_store(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA user_version = 42")
    before = files(db)
    server, shown = start(db, ws)
    try:
        assert shown["type"] == 2  # Warning: reads still work
        assert "newer" in shown["message"]
        got = server.command("helix.session.get", session="kept")
        assert got["result"]["name"] == "kept" and got["result"]["tags"] == ["safe"]
        assert server.command("helix.session.list")["result"]["total"] == 1
        assert "upgrade helix-lsp" in assert_storage_error(server.command("helix.session.pause"))
        server.shutdown()
    finally:
        server.close()
    assert files(db) == before


def test_a_read_only_store(tmp_path: Path) -> None:
    ws, db = stored_store(tmp_path)
    os.chmod(db, 0o400)
    os.chmod(db.parent, 0o500)
    before = files(db)
    try:
        server, shown = start(db, ws, prefix=AS_A_USER)
        try:
            assert shown["type"] == 2
            assert "read-only" in shown["message"]
            assert server.command("helix.session.get")["result"]["name"] == "kept"
            assert "read-only" in assert_storage_error(server.command("helix.session.pause"))
            server.cursor(ws / "a.py", 3)  # tracked nowhere, and no crash
            assert server.command("helix.session.active")["result"]["name"] == "kept"
            server.shutdown()
        finally:
            server.close()
    finally:
        os.chmod(db.parent, 0o700)
        os.chmod(db, 0o600)
    assert files(db) == before


def test_a_full_disk(tmp_path: Path) -> None:
    ws, db = stored_store(tmp_path)
    server = Server(db, ws, preexec=small_disk(200_000))
    try:
        server.initialize([ws])
        big = "x" * 4000
        reply = server.command(
            "helix.session.create", name="huge", metadata={f"k{i}": big for i in range(100)}
        )
        message = assert_storage_error(reply)
        assert "could not be written" in message
        assert server.command("helix.session.get", session="kept")["result"]["status"] == "active"
        assert "result" in server.command("helix.session.pause", session="kept")
        server.shutdown()
    finally:
        server.close()
    assert_intact(db)
    with SessionManager(db) as mgr:
        assert [s.name for s in mgr.list()] == ["kept"]
        assert mgr.get("kept").status.value == "paused"


IMPORT_REPORTING = """
import sys
from helix_lsp.session import SessionManager

said = []

def progress(done, total):
    if total is not None and not said:
        said.append(print("writing", flush=True))  # the check pass is over: batches follow

with SessionManager(sys.argv[1]) as mgr, open(sys.argv[2], "rb") as fp:
    print(len(mgr.import_from(fp, progress=progress)), flush=True)
"""


def test_a_large_import_lets_another_writer_in(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys
    import time

    from bench.store import snapshot

    db, source = tmp_path / "s.db", tmp_path / "big.json"
    source.write_text(json.dumps(snapshot(100_000)), encoding="utf-8")
    SessionManager(db).close()
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORT_REPORTING, str(db), str(source)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert importer.stdout is not None
        assert importer.stdout.readline() == "writing\n"
        written = 0
        with SessionManager(db) as mgr:  # waits up to the 5 s busy timeout, like a server
            while importer.poll() is None:
                mgr.create(f"beside-{written}", project="elsewhere")  # never "store is busy"
                written += 1
                time.sleep(0.05)
        assert importer.wait() == 0
        assert importer.stdout.read().strip() == "100000"
    finally:
        importer.kill()
        importer.wait()
    assert written >= 10
    with SessionManager(db) as mgr:
        assert mgr.list().total == 100_000 + written
        assert mgr.list(project="elsewhere").total == written
