"""The one JSON-RPC client of the benchmark and the tests: framing and a conversation.

LSP frames are ``Content-Length: N`` headers, a blank line and N bytes of
JSON. :func:`encode` writes one, :func:`read_message` and
:func:`read_message_async` read one (from a pipe, a socket or an asyncio
stream). :class:`Conversation` is a blocking client over any byte stream
(a server's stdio pipes, a TCP or Unix socket): a reader thread sorts replies
by id, keeps notifications and accepts requests from the server, so tests can
also do what a polite client never does — write broken frames, stop reading,
talk to two servers at once. The benchmark's asyncio client
(:mod:`bench.client`) frames with the same functions.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

TIMEOUT = 30.0
HEADER_END = b"\r\n\r\n"


def encode(message: object) -> bytes:
    """One LSP frame: ``Content-Length`` header and compact JSON body."""
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def content_length(header: bytes) -> int:
    """The ``Content-Length`` of a block of header lines (0 when absent)."""
    for line in header.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def read_message(stream: IO[bytes]) -> Any:
    """The next message from a blocking binary stream; None at the end of it."""
    header = b""
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        header += line
    return json.loads(stream.read(content_length(header)))


async def read_message_async(stream: asyncio.StreamReader) -> Any:
    """The next message from an asyncio stream (raises IncompleteReadError at its end)."""
    header = await stream.readuntil(HEADER_END)
    return json.loads(await stream.readexactly(content_length(header)))


class Conversation:
    """A blocking JSON-RPC client over ``reader`` (binary, readable) and ``write``.

    ``replies`` holds answers by id until :meth:`wait` takes them;
    ``notifications`` queues what the server sends unasked (``seen`` keeps
    them all); requests from the server are accepted with a null result.
    """

    def __init__(self, reader: IO[bytes], write: Callable[[bytes], None]) -> None:
        self._input = reader
        self._output = write
        self.replies: dict[object, dict[str, Any]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.closed = False
        self._cond = threading.Condition()
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def over_socket(cls, sock: socket.socket) -> Conversation:
        """A conversation on a connected TCP or Unix socket."""
        return cls(sock.makefile("rb"), sock.sendall)

    # -- the wire ----------------------------------------------------------------

    def _read(self) -> None:
        try:
            while True:
                message = read_message(self._input)
                if message is None:
                    break
                self._dispatch(message)
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
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
        self.write_raw(encode(message))

    def write_raw(self, data: bytes) -> None:
        self._output(data)

    def alive(self) -> bool:
        """False once the server's side has ended (subclasses add their own checks)."""
        return not self.closed

    def why_gone(self) -> str:
        return "the server closed the connection"

    # -- requests and notifications ------------------------------------------------

    def send(self, method: str, params: object = None) -> int:
        """Send a request and return its id without waiting."""
        self._next += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next, "method": method}
        if params is not None:
            message["params"] = params
        self.write(message)
        return self._next

    def wait(self, request_id: object, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The reply to ``request_id`` (``result`` or ``error``), bounded by ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self.replies:
                if self.closed or not self.alive():
                    raise RuntimeError(self.why_gone())
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
        """``initialize`` (the whole reply) and, unless it was refused, ``initialized``."""
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
        if "result" in reply:
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
                message = self.notifications.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if message.get("method") == method:
                return message

    def end(self) -> None:
        """``shutdown`` then ``exit``."""
        self.request("shutdown")
        self.notify("exit", None)
