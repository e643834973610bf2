"""``helix-lsp --tcp``: the same server over a socket."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Wire:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg).encode()
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _read(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def receive(self) -> dict[str, Any]:
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, "the server closed the connection"
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        result: dict[str, Any] = json.loads(self._read(length))
        return result

    def reply_to(self, msg_id: int) -> dict[str, Any]:
        while True:
            msg = self.receive()
            if msg.get("id") == msg_id and "method" not in msg:
                return msg


def test_tcp_serves_commands_and_exits_cleanly(tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "sessions.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "helix_lsp", "--tcp", "--host", "127.0.0.1",
         "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=20)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.05)
        wire = Wire(sock)
        folder = tmp_path / "tcp-project"
        folder.mkdir()
        wire.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"capabilities": {}, "rootUri": folder.as_uri()}})
        assert "executeCommandProvider" in wire.reply_to(1)["result"]["capabilities"]
        wire.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        wire.send({"jsonrpc": "2.0", "id": 2, "method": "workspace/executeCommand",
                   "params": {"command": "helix.session.create",
                              "arguments": [{"name": "over-tcp", "start": True}]}})
        created = wire.reply_to(2)["result"]
        assert (created["project"], created["status"]) == ("tcp-project", "active")
        wire.send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
        assert wire.reply_to(3)["result"] is None
        wire.send({"jsonrpc": "2.0", "method": "exit"})
        assert proc.wait(timeout=20) == 0
        assert proc.stdout is not None and proc.stdout.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
