"""``--tcp`` and ``--socket``: the same server on a socket, for its own user only.

The other user is a real second account (uid 65534 through ``setpriv``)
running the shared JSON-RPC client, as an attacker on the same machine would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.jsonrpc import Conversation

ROOT = Path(__file__).resolve().parents[2]
OTHER = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable

#: What the other user runs: connect, try to initialize (with a dbPath of its
#: choosing) and export every session; prints what happened as JSON.
INTRUDER = """
import json, socket, sys
sys.path.insert(0, sys.argv[1])
from bench.jsonrpc import Conversation
where, db, token = json.loads(sys.argv[2])
out = {}
try:
    sock = socket.create_connection(tuple(where), 10) if isinstance(where, list) else None
    if sock is None:
        sock = socket.socket(socket.AF_UNIX); sock.settimeout(10); sock.connect(where)
    rpc = Conversation.over_socket(sock)
    options = {"dbPath": db}
    if token:
        options["token"] = token
    out["initialize"] = rpc.initialize([], options)
    if "result" in out["initialize"]:
        out["export"] = rpc.command("helix.session.export", all=True)
        out["create"] = rpc.command("helix.session.create", name="planted")
except Exception as exc:
    out["failed"] = type(exc).__name__
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_other_user(where: object, db: Path, token: str | None = None) -> dict[str, Any]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as a second user")
    done = subprocess.run(
        [*OTHER, PYTHON, "-c", INTRUDER, str(ROOT), json.dumps([where, str(db), token])],
        capture_output=True, text=True, timeout=60, cwd="/",
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def connect(where: object, timeout: float = 20) -> Conversation:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if isinstance(where, tuple):
                sock = socket.create_connection(where, timeout=timeout)
            else:
                sock = socket.socket(socket.AF_UNIX)
                sock.connect(str(where))
            return Conversation.over_socket(sock)
        except OSError:
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.05)


def serve(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server and wait for the line that says where it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "helix_lsp", *args], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    assert "listening on" in line, line
    return proc, line


@pytest.fixture
def stopper() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def create_and_leave(rpc: Conversation, folder: Path, proc: subprocess.Popen[bytes]) -> None:
    """The user's own editor: initialize, create a session, shut down and exit cleanly."""
    folder.mkdir(exist_ok=True)
    reply = rpc.initialize([folder])
    assert "executeCommandProvider" in reply["result"]["capabilities"]
    created = rpc.command("helix.session.create", name="mine", start=True)["result"]
    assert (created["project"], created["status"]) == (folder.name, "active")
    rpc.end()
    assert proc.wait(timeout=20) == 0
    assert proc.stdout is not None and proc.stdout.read() == b""


def test_tcp_serves_its_own_user(tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    port = free_port()
    proc, _ = serve("--tcp", "--port", str(port), "--db", str(tmp_path / "s.db"))
    stopper.append(proc)
    create_and_leave(connect(("127.0.0.1", port)), tmp_path / "tcp-project", proc)


def test_tcp_turns_another_user_away(
    tmp_path: Path, stopper: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    proc, _ = serve("--tcp", "--port", str(port), "--db", str(tmp_path / "s.db"))
    stopper.append(proc)
    planted = tmp_path / "planted" / "evil.db"
    seen = as_other_user(["127.0.0.1", port], planted)
    assert "result" not in seen.get("initialize", {}), seen
    assert "export" not in seen and "create" not in seen
    assert not planted.parent.exists()  # no file, not even its folder
    create_and_leave(connect(("127.0.0.1", port)), tmp_path / "mine", proc)  # still its user's


def test_tcp_token_is_private_and_a_socket_client_stays_in_the_users_folders(
    tmp_path: Path, stopper: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    token_dir = Path(tempfile.mkdtemp(prefix="helix-token-"))
    proc, line = serve("--tcp", "--port", str(port), env={"XDG_RUNTIME_DIR": str(token_dir)})
    stopper.append(proc)
    token_file = Path(line.rsplit("token in ", 1)[1].strip())
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)
    tmp_path.chmod(0o755)
    token = token_file.read_text().strip()
    seen = as_other_user(["127.0.0.1", port], theirs / "x.db", token)
    assert "result" in seen["initialize"], seen  # the token is proof enough
    assert seen["create"]["error"]["data"]["kind"] == "storage"
    assert "outside your own folders" in seen["create"]["error"]["message"]
    assert not (theirs / "x.db").exists()
    shutil.rmtree(token_dir, ignore_errors=True)


def test_unix_socket_is_private(tmp_path: Path, stopper: list[subprocess.Popen[bytes]]) -> None:
    base = Path(tempfile.mkdtemp(prefix="helix-sock-"))
    base.chmod(0o755)
    path = base / "run" / "helix.sock"
    try:
        proc, _ = serve("--socket", str(path), "--db", str(tmp_path / "s.db"))
        stopper.append(proc)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert as_other_user(str(path), tmp_path / "x.db") == {"failed": "PermissionError"}
        path.parent.chmod(0o755)  # modes loosened by mistake: the peer check still holds
        path.chmod(0o666)
        seen = as_other_user(str(path), tmp_path / "x.db")
        assert "result" not in seen.get("initialize", {}), seen
        create_and_leave(connect(path), tmp_path / "sock-project", proc)
        assert not path.exists()  # removed on exit
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_socket_in_a_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    done = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "--socket", str(shared / "helix.sock")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "others can write to it" in done.stderr
    assert list(shared.iterdir()) == []
