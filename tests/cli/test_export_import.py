"""``export`` and ``import`` from a shell: private files, safe targets, refusals that write nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli.shell import cli, dump


@pytest.fixture
def store(tmp_path: Path, db_path: Path) -> Path:
    db = str(db_path)
    cli("create", "one", "-p", "x", "-t", "a", "--start", "--db", db)
    cli("create", "two", "-p", "x", "--db", db)
    return db_path


def test_export_replaces_a_file_with_a_private_one(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    out.write_text("old")
    out.chmod(0o644)
    done = cli("export", "--all", "-o", str(out), "--db", str(store))
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"exported 2 sessions to {out}\n" and done.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [s["name"] for s in json.loads(out.read_text())["sessions"]] == ["one", "two"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap.json", "store"]  # no temp left


def test_export_replaces_a_link_instead_of_writing_through_it(store: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "snap.json"
    link.symlink_to(victim)
    assert cli("export", "--all", "-o", str(link), "--db", str(store)).returncode == 0
    assert victim.read_text() == "keep me"
    assert not link.is_symlink() and json.loads(link.read_text())["format"] == "helix-lsp/sessions"


def test_export_never_overwrites_the_store(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    for target in (store, Path(os.path.relpath(store))):
        done = cli("export", "--all", "-o", str(target), "--db", str(store))
        assert done.returncode == 1
        assert done.stderr == (
            f"helix-lsp: {target} is the session store itself; export to another file.\n"
        )
    assert store.read_bytes() == before


def test_export_to_a_folder_is_refused(store: Path, tmp_path: Path) -> None:
    done = cli("export", "--all", "-o", str(tmp_path), "--db", str(store))
    assert done.returncode == 1
    assert done.stderr == f"helix-lsp: {tmp_path} is a folder; give a file name to export to.\n"


def test_export_without_o_writes_to_stdout_and_nothing_into_the_folder(
    store: Path, tmp_path: Path
) -> None:
    here = tmp_path / "repo"
    here.mkdir()
    done = cli("export", "--all", "--db", str(store), cwd=here)
    assert json.loads(done.stdout)["sessions"][1]["name"] == "two"
    assert done.stderr == ""  # no progress line: stderr is not a terminal
    assert list(here.iterdir()) == []
    dash = cli("export", "--all", "-o", "-", "--db", str(store), cwd=here)
    assert [s["id"] for s in json.loads(dash.stdout)["sessions"]] == [
        s["id"] for s in json.loads(done.stdout)["sessions"]
    ]
    assert list(here.iterdir()) == []
    one = json.loads(cli("export", "one", "--db", str(store)).stdout)
    assert [s["name"] for s in one["sessions"]] == ["one"]
    both = cli("export", "one", "--all", "--db", str(store))
    assert both.returncode == 1 and both.stderr == "helix-lsp: give a SESSION or --all, not both.\n"


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"\xff\xfe{\x00}\x00", "not UTF-8"),
        (
            b'{"format": "helix-lsp/sessions", "version": 1, "sessions": ['
            + b"[" * 100_000
            + b"]" * 100_000
            + b"]}",
            "too deeply",
        ),
        (b"[" * 100_000 + b"]" * 100_000, ""),
        (b"{not json", ""),
    ],
    ids=["utf-16", "nested-sessions", "nested-top", "not-json"],
)
def test_an_unreadable_snapshot_is_one_sentence_and_writes_nothing(
    store: Path, tmp_path: Path, content: bytes, sentence: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = dump(store)
    for source, stdin in ((str(bad), None), ("-", content)):
        done = cli("import", source, "--db", str(store), stdin=stdin)
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.startswith("helix-lsp: ") and done.stderr.count("\n") == 1
        assert sentence in done.stderr and "nothing was imported" in done.stderr
        assert "Traceback" not in done.stderr
        assert dump(store) == before


def test_import_round_trip_says_how_many(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    cli("export", "--all", "-o", str(out), "--db", str(store))
    other = tmp_path / "other.db"
    assert cli("import", str(out), "--db", str(other)).stdout == "imported 2 sessions\n"
    data = json.loads(
        cli(
            "import", "-", "--json", "--db", str(tmp_path / "third.db"), stdin=out.read_text()
        ).stdout
    )
    assert len(data["imported"]) == 2
    again = cli("import", str(out), "--db", str(other))
    assert again.returncode == 1 and "already in the store" in again.stderr


def test_import_of_a_folder_is_one_sentence(store: Path, tmp_path: Path) -> None:
    done = cli("import", str(tmp_path), "--db", str(store))
    assert done.returncode == 1
    assert done.stderr == f"helix-lsp: {tmp_path} is a folder, not a snapshot file.\n"


def test_export_file_mode_does_not_follow_the_umask(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "fresh.json"
    old = os.umask(0)
    try:
        assert cli("export", "--all", "-o", str(out), "--db", str(store)).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def _snapshot(count: int) -> str:
    sessions = [
        {
            "id": f"s{n:05d}",
            "name": f"task-{n}",
            "mode": "building",
            "status": "idle",
            "project": "bulk",
            "createdAt": "2026-11-01T10:00:00.000Z",
        }
        for n in range(count)
    ]
    return json.dumps({"format": "helix-lsp/sessions", "version": 1, "sessions": sessions})


def _stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; its status and what the terminal got."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "helix_lsp", "session", *args],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            timeout=120,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return done.returncode, b"".join(chunks).decode()


def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    snap = tmp_path / "bulk.json"
    snap.write_text(_snapshot(2000))
    db = str(tmp_path / "bulk.db")
    status, seen = _stderr_on_a_terminal("import", str(snap), "--db", db)
    assert status == 0
    assert "\rimporting " in seen and "/2000 sessions" in seen
    assert seen.endswith("\r\x1b[K")  # the line is wiped when done
    status, seen = _stderr_on_a_terminal("export", "--all", "--db", db)
    assert status == 0 and "\rexporting " in seen and seen.endswith("\r\x1b[K")
    quiet = cli("export", "--all", "-o", str(tmp_path / "out.json"), "--db", db)
    assert quiet.stderr == f"exported 2000 sessions to {tmp_path / 'out.json'}\n"
