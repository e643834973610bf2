"""What the store may hold about a user's files: private modes, no secrets,
no paths at all when asked. Checked on the raw bytes of the database and its
write-ahead log, not through the API."""

from __future__ import annotations

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
