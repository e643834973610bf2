"""A plain JSON-RPC client for the reliability tests.

These tests need what a polite client never does: write broken frames, kill
the server between two bytes, run two servers side by side. So they talk to
the real ``helix-lsp`` process over its pipes with this small blocking client
(a reader thread sorts replies by id and keeps notifications).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT = 30.0


def frame(message: object) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class Server:
    """One ``helix-lsp`` process on stdio, and the conversation with it."""

    def __init__(
        self,
        db: Path | None,
        cwd: Path,
        *extra: str,
        env: dict[str, str] | None = None,
        prefix: list[str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        store = ["--db", str(db)] if db is not None else []
        self.proc = subprocess.Popen(
            [*(prefix or []), sys.executable, "-m", "helix_lsp", *store, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            preexec_fn=preexec,
        )
        self.replies: dict[object, dict[str, Any]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self._cond:
                        self._cond.notify_all()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            message = json.loads(out.read(length or 0))
            if "id" in message and "method" not in message:
                with self._cond:
                    self.replies[message["id"]] = message
                    self._cond.notify_all()
            elif "method" in message and "id" in message:  # a request from the server
                self.write({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.seen.append(message)
                self.notifications.put(message)

    def write(self, message: object) -> None:
        self.write_raw(frame(message))

    def write_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, method: str, params: object = None) -> int:
        """Send a request and return its id without waiting."""
        self._next += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next, "method": method}
        if params is not None:
            message["params"] = params
        self.write(message)
        return self._next

    def wait(self, request_id: object, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self.replies:
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise RuntimeError(
                        f"the server exited ({self.proc.returncode}): {self.stderr()}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no reply to request {request_id}")
                self._cond.wait(min(left, 0.5))
            return self.replies.pop(request_id)

    def request(self, method: str, params: object = None) -> dict[str, Any]:
        return self.wait(self.send(method, params))

    def notify(self, method: str, params: object) -> None:
        self.write({"jsonrpc": "2.0", "method": method, "params": params})

    def command(self, command: str, /, **arguments: object) -> dict[str, Any]:
        """A workspace command: the whole reply (``result`` or ``error``)."""
        return self.request(
            "workspace/executeCommand",
            {"command": command, "arguments": [arguments] if arguments else []},
        )

    def initialize(
        self, folders: list[Path], options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        reply = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folders[0].as_uri() if folders else None,
                "workspaceFolders": [{"uri": f.as_uri(), "name": f.name} for f in folders],
                "capabilities": {},
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return reply

    def cursor(self, path: Path, line: int, character: int = 0) -> None:
        self.notify(
            "helix/cursorMoved",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )

    def next_notification(self, method: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} notification")
            try:
                message = self.notifications.get(timeout=left)
            except queue.Empty:
                continue
            if message.get("method") == method:
                return message

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def shutdown(self) -> int:
        self.request("shutdown")
        self.notify("exit", None)
        return self.proc.wait(timeout=TIMEOUT)

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode(errors="replace")[-2000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()
