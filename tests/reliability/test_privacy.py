"""What the store may hold about a user's files: private modes, no secrets,
no paths at all when asked. Checked on the raw bytes of the database and its
write-ahead log, not through the API."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.rpc import Server


def raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """An empty project folder."""
    ws = tmp_path / "proj"
    ws.mkdir()
    return ws


@contextmanager
def recording(
    db: Path, ws: Path, options: dict[str, Any] | None = None, name: str = "x"
) -> Iterator[Server]:
    """A server on ``ws`` storing in ``db``, with session ``name`` started; shut
    down cleanly when the block ends (only killed when it raised)."""
    server = Server(db, ws)
    try:
        server.initialize([ws], options)
        server.command("helix.session.create", name=name, start=True)
        yield server
        server.shutdown()
    finally:
        server.close()


def opened(server: Server, path: Path, language: str, text: str) -> None:
    """Tells the server the editor opened ``path`` holding ``text``."""
    server.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": path.as_uri(),
                "languageId": language,
                "version": 1,
                "text": text,
            }
        },
    )


def cursor_over_secrets(
    server: Server, ws: Path, secrets: list[str], lines: int = 1, open_them: bool = False
) -> None:
    """Puts the cursor on src/visible.py line 10, then on ``lines`` lines of each
    secret in turn (opening it too when asked): the place stays visible.py:10."""
    server.cursor(ws / "src" / "visible.py", 9)
    for name in secrets:
        for line in range(lines):
            server.cursor(ws / name, 100 + line)
            if open_them:
                opened(server, ws / name, "plaintext", "SECRET=1")
        context = server.command("helix.session.get")["result"]["context"]
        assert (context["current_file"], context["current_line"]) == ("src/visible.py", "10"), name


def assert_only_visible_stored(db: Path, secrets: list[str]) -> None:
    """The store holds the ordinary file the cursor was on and no name of a secret."""
    stored = raw(db)
    assert b"visible.py" in stored
    for name in secrets:
        assert Path(name).name.encode() not in stored, name


def test_store_is_private_even_under_a_permissive_umask(tmp_path: Path, ws: Path) -> None:
    data = tmp_path / "xdg"
    old = os.umask(0)
    try:
        server = Server(None, ws, env={"XDG_DATA_HOME": str(data), "HELIX_LSP_DB": ""})
        try:
            server.initialize([ws])
            assert "result" in server.command("helix.session.create", name="x", start=True)
            folder = data / "helix-lsp"
            for path in [folder, *folder.iterdir()]:
                mode = stat.S_IMODE(path.stat().st_mode)
                assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
            assert (folder / "sessions.db").exists()
            server.shutdown()
        finally:
            server.close()
    finally:
        os.umask(old)


SECRETS = [
    ".env",
    ".env.production",
    "deploy/server.pem",
    "certs/tls.key",
    "home/id_rsa",
    "home/id_rsa.pub",
    "keys/store.p12",
]


def test_excluded_files_never_reach_the_store(tmp_path: Path, ws: Path) -> None:
    db = tmp_path / "sessions.db"
    with recording(db, ws) as server:
        cursor_over_secrets(server, ws, SECRETS, lines=3, open_them=True)
    assert_only_visible_stored(db, SECRETS)


#: Another spelling or an editor's copy of a secret holds the same secret.
SECRET_VARIANTS = [
    ".ENV",
    "config/KEY.PEM",
    "home/.ssh-backup/id_RSA",
    ".env~",
    ".env.bak",
    "deploy/tls.key.orig",
    "home/.id_ed25519.swp",
    "config/#credentials.json#",
    "config/.#secrets.yaml",
    "keys/server.pem.~1~",
]


def test_any_case_and_editor_backups_of_secrets_are_excluded(tmp_path: Path, ws: Path) -> None:
    db = tmp_path / "sessions.db"
    with recording(db, ws, {"cursorNotifications": True}) as server:
        cursor_over_secrets(server, ws, SECRET_VARIANTS)
        server.command("helix.session.pause")
    assert_only_visible_stored(db, SECRET_VARIANTS)


def recorded(db: Path, ws: Path, target: Path) -> dict[str, str]:
    """The context one server with ``hideFileNames`` records for ``target``."""
    options = {"hideFileNames": True, "cursorNotifications": True}
    with recording(db, ws, options, name="hush") as server:
        server.cursor(target, 3)
        context: dict[str, str] = server.command("helix.session.get")["result"]["context"]
        server.command("helix.session.complete")
    return context


def test_hidden_names_are_keyed_by_the_store_and_hide_the_branch(tmp_path: Path) -> None:
    ws = tmp_path / "payments"
    (ws / "src").mkdir(parents=True)
    (ws / ".git").mkdir()
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/acquire-rival-corp\n")
    target = ws / "src" / "main.py"
    one, other = tmp_path / "one" / "sessions.db", tmp_path / "other" / "sessions.db"

    first = recorded(one, ws, target)
    again = recorded(one, ws, target)
    elsewhere = recorded(other, ws, target)

    plain = "sha256:" + hashlib.sha256(b"src/main.py").hexdigest()[:16]
    assert first["current_file"] != plain  # a dictionary of common paths cannot find it
    assert first["current_file"] == again["current_file"]  # stable within one store
    assert elsewhere["current_file"] != first["current_file"]  # keyed per store
    assert first["branch"] != "acquire-rival-corp"
    assert first["branch"] == again["branch"] != elsewhere["branch"]
    assert b"acquire-rival-corp" not in raw(one) and b"main.py" not in raw(one)


def test_hidden_file_names_leave_no_path_in_the_store(tmp_path: Path) -> None:
    ws = tmp_path / "payments"
    (ws / "src" / "billing").mkdir(parents=True)
    db = tmp_path / "sessions.db"
    with recording(db, ws, {"hideFileNames": True}) as server:
        target = ws / "src" / "billing" / "acquisition_plan.py"
        opened(server, target, "python", "x = 1\n")
        for line in range(50):
            server.cursor(target, line)
        time.sleep(1.5)  # past the coalescing interval: the position is on disk
        context = server.command("helix.session.get")["result"]["context"]
        assert context["current_line"] == "50"
        assert "acquisition" not in context["current_file"]
        server.command("helix.session.pause")
    stored = raw(db)
    for fragment in (b"acquisition_plan", b"src/billing", str(tmp_path).encode()):
        assert fragment not in stored, fragment


def test_limits_hold_over_the_protocol(tmp_path: Path, ws: Path) -> None:
    db = tmp_path / "sessions.db"
    with recording(db, ws) as server:
        for i in range(64):
            assert "result" in server.command("helix.session.addTag", tag=f"t{i}")
        refusals = [
            server.command("helix.session.addTag", tag="one-too-many"),
            server.command("helix.session.create", name="n" * 201),
            server.command("helix.session.setMetadata", key="k", value="v" * 4097),
            server.command("helix.session.setContext", key="k" * 129, value="v"),
        ]
        for reply in refusals:
            assert reply["error"]["data"]["kind"] == "invalid_argument", reply
            assert reply["error"]["message"].endswith(".")
        before = raw(db)
        for _ in range(200):  # the same refusal again and again writes nothing
            server.command("helix.session.setMetadata", key="k", value="v" * 4097)
        assert raw(db) == before
