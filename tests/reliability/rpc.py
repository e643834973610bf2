"""The real ``helix-lsp`` process on stdio, driven by the shared JSON-RPC client.

These tests need what a polite client never does: write broken frames, kill
the server between two bytes, run two servers side by side. ``Server`` starts
the process and talks to it with :class:`bench.jsonrpc.Conversation`, the
one client the benchmark and every raw-protocol test share.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.jsonrpc import TIMEOUT, Conversation, encode

__all__ = ["Server", "frame"]

frame = encode


class Server(Conversation):
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
        assert self.proc.stdout is not None
        super().__init__(self.proc.stdout, self._to_stdin)

    def _to_stdin(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None or not self.closed

    def why_gone(self) -> str:
        self.proc.wait(timeout=TIMEOUT)
        return f"the server exited ({self.proc.returncode}): {self.stderr()}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def shutdown(self) -> int:
        self.end()
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
