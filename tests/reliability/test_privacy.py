"""What the store may hold about a user's files: private modes, no secrets,
no paths at all when asked. Checked on the raw bytes of the database and its
write-ahead log, not through the API."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from tests.reliability.rpc import Server


def raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


def test_store_is_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
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


def test_excluded_files_never_reach_the_store(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    server = Server(db, ws)
    try:
        server.initialize([ws])
        server.command("helix.session.create", name="x", start=True)
        server.cursor(ws / "src" / "visible.py", 9)
        for name in SECRETS:
            for line in range(3):
                server.cursor(ws / name, 100 + line)
                server.notify(
                    "textDocument/didOpen",
                    {
                        "textDocument": {
                            "uri": (ws / name).as_uri(),
                            "languageId": "plaintext",
                            "version": 1,
                            "text": "SECRET=1",
                        }
                    },
                )
        context = server.command("helix.session.get")["result"]["context"]
        assert context["current_file"] == "src/visible.py" and context["current_line"] == "10"
        server.shutdown()
    finally:
        server.close()
    stored = raw(db)
    assert b"visible.py" in stored
    for name in SECRETS:
        assert Path(name).name.encode() not in stored, name


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


def test_any_case_and_editor_backups_of_secrets_are_excluded(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    server = Server(db, ws)
    try:
        server.initialize([ws], {"cursorNotifications": True})
        server.command("helix.session.create", name="x", start=True)
        server.cursor(ws / "src" / "visible.py", 9)
        for name in SECRET_VARIANTS:
            server.cursor(ws / name, 100)
            context = server.command("helix.session.get")["result"]["context"]
            assert context["current_file"] == "src/visible.py", name
        server.command("helix.session.pause")
        server.shutdown()
    finally:
        server.close()
    stored = raw(db)
    assert b"visible.py" in stored
    for name in SECRET_VARIANTS:
        assert Path(name).name.encode() not in stored, name


def recorded(db: Path, ws: Path, target: Path) -> dict[str, str]:
    """The context one server with ``hideFileNames`` records for ``target``."""
    server = Server(db, ws)
    try:
        server.initialize([ws], {"hideFileNames": True, "cursorNotifications": True})
        server.command("helix.session.create", name="hush", start=True)
        server.cursor(target, 3)
        context: dict[str, str] = server.command("helix.session.get")["result"]["context"]
        server.command("helix.session.complete")
        server.shutdown()
    finally:
        server.close()
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
    server = Server(db, ws)
    try:
        server.initialize([ws], {"hideFileNames": True})
        server.command("helix.session.create", name="x", start=True)
        target = ws / "src" / "billing" / "acquisition_plan.py"
        server.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": target.as_uri(),
                    "languageId": "python",
                    "version": 1,
                    "text": "x = 1\n",
                }
            },
        )
        for line in range(50):
            server.cursor(target, line)
        time.sleep(1.5)  # past the coalescing interval: the position is on disk
        context = server.command("helix.session.get")["result"]["context"]
        assert context["current_line"] == "50"
        assert "acquisition" not in context["current_file"]
        server.command("helix.session.pause")
        server.shutdown()
    finally:
        server.close()
    stored = raw(db)
    for fragment in (b"acquisition_plan", b"src/billing", str(tmp_path).encode()):
        assert fragment not in stored, fragment


def test_limits_hold_over_the_protocol(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    server = Server(db, ws)
    try:
        server.initialize([ws])
        server.command("helix.session.create", name="x", start=True)
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
        server.shutdown()
    finally:
        server.close()
