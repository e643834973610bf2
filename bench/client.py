"""The benchmark's asyncio face of the shared JSON-RPC client (:mod:`bench.jsonrpc`).

The benchmark drives the stock pygls baseline and helix-lsp with this one
client so that both pay exactly the same client-side costs. It is deliberately
thin: one reader task that reads frames with :func:`bench.jsonrpc.read_message_async`,
futures keyed by request id, and pre-encoded frames for bursts, so that the
client never becomes the bottleneck of what it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.jsonrpc import encode, read_message_async

__all__ = ["Client", "ServerError", "encode", "read_status"]

#: Every wait on a server is bounded; a server that hangs fails the run.
DEFAULT_TIMEOUT = 60.0


class ServerError(Exception):
    """A JSON-RPC error response, or a server that died or went silent."""


def read_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS of a process in KiB, from ``/proc/<pid>/status``."""
    result: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                result[key] = int(value.split()[0])
    return result


class Client:
    """One server process and the JSON-RPC conversation with it."""

    def __init__(
        self, name: str, argv: Sequence[str], *, stderr_path: Path, cwd: Path | None = None
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.stderr_path = stderr_path
        self.cwd = cwd
        self.proc: asyncio.subprocess.Process | None = None
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader_task: asyncio.Task[None] | None = None
        self.notifications: dict[str, int] = {}
        self.last_notification: dict[str, Any] = {}
        self.spawned_at = 0.0
        self.protocol_error = ""
        self._watchers: list[tuple[str, Callable[[Any], bool], asyncio.Future[float]]] = []

    # -- process ----------------------------------------------------------------

    async def spawn(self, env: dict[str, str] | None = None) -> None:
        """Start the server; ``spawned_at`` is taken just before the fork."""
        with self.stderr_path.open("ab") as err:
            self.spawned_at = time.perf_counter()
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
                env=env,
                cwd=self.cwd,
                limit=1 << 20,
            )
        self._reader_task = asyncio.get_running_loop().create_task(self._read_loop())

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def memory(self) -> dict[str, int]:
        return read_status(self.pid)

    async def _read_loop(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        stdout = self.proc.stdout
        try:
            while True:
                self._dispatch(await read_message_async(stdout))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except (ValueError, asyncio.LimitOverrunError) as exc:  # not LSP framing or JSON
            self.protocol_error = f"{self.name} wrote something that is not LSP: {exc}"
        finally:
            reason = self.protocol_error or f"{self.name} closed its output"
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ServerError(reason))
            self._pending.clear()

    def _dispatch(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        if method is None:
            fut = self._pending.pop(msg.get("id", -1), None)
            if fut is not None and not fut.done():
                if "error" in msg:
                    fut.set_exception(ServerError(f"{self.name}: {msg['error']}"))
                else:
                    fut.set_result(msg.get("result"))
            return
        if "id" in msg:  # a request from the server: accept it with an empty result
            self._write(encode({"jsonrpc": "2.0", "id": msg["id"], "result": None}))
            return
        self.notifications[method] = self.notifications.get(method, 0) + 1
        self.last_notification[method] = msg.get("params")
        if self._watchers:
            self._resolve_watchers(method, msg.get("params"))

    def _resolve_watchers(self, method: str, params: Any) -> None:
        arrived = time.perf_counter()
        waiting = []
        for watched, matches, fut in self._watchers:
            if fut.done():
                continue
            if watched == method and matches(params):
                fut.set_result(arrived)
            else:
                waiting.append((watched, matches, fut))
        self._watchers = waiting

    def watch(self, method: str, matches: Callable[[Any], bool]) -> asyncio.Future[float]:
        """A future of the ``perf_counter`` time the next ``method`` notification whose
        params ``matches`` is read; register it before causing the notification."""
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._watchers.append((method, matches, fut))
        return fut

    # -- messages ---------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(data)

    async def drain(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        await self.proc.stdin.drain()

    def request_frame(self, method: str, params: Any) -> tuple[int, bytes]:
        """Reserve an id and encode a request (encoding kept out of timed code)."""
        self._next_id += 1
        rid = self._next_id
        return rid, encode({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})

    async def send_frame(self, rid: int, frame: bytes, timeout: float = DEFAULT_TIMEOUT) -> Any:
        """Write a pre-encoded request and wait for its response."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        self._write(frame)
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError as exc:
            raise ServerError(f"{self.name} did not answer request {rid} in {timeout}s") from exc

    async def request(self, method: str, params: Any, timeout: float = DEFAULT_TIMEOUT) -> Any:
        rid, frame = self.request_frame(method, params)
        return await self.send_frame(rid, frame, timeout)

    async def timed_request(self, method: str, params: Any) -> tuple[float, Any]:
        """Seconds from writing the request to receiving its response, and the result."""
        rid, frame = self.request_frame(method, params)
        start = time.perf_counter()
        result = await self.send_frame(rid, frame)
        return time.perf_counter() - start, result

    def notify(self, method: str, params: Any) -> None:
        self._write(encode({"jsonrpc": "2.0", "method": method, "params": params}))

    async def command(self, name: str, args: dict[str, Any] | None = None) -> Any:
        params = {"command": name, "arguments": [] if args is None else [args]}
        return await self.request("workspace/executeCommand", params)

    # -- lifecycle ----------------------------------------------------------------

    async def initialize(self, root: Path, options: dict[str, Any] | None = None) -> Any:
        """``initialize`` then ``initialized``; returns the initialize result."""
        result = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "helix-bench", "version": "1"},
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {"workspace": {"workspaceFolders": True}},
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return result

    async def close(self, timeout: float = 10.0) -> None:
        """``shutdown`` + ``exit``, then wait; kill the process if it lingers."""
        proc = self.proc
        if proc is None:
            return
        if proc.returncode is None:
            with contextlib.suppress(ServerError, ConnectionError, asyncio.TimeoutError):
                await self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
                await self.drain()
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
        if self._reader_task is not None:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(self._reader_task, timeout)
        self.proc = None
