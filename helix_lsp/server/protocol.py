"""helix-lsp's ``LanguageServerProtocol``: a short path for its own messages.

pygls' message loop (``pygls.io_.run_async``) parses each body with
:meth:`HelixProtocol.structure_message` as the JSON object hook and hands the
result to :meth:`HelixProtocol.handle_message`. Both are pygls' public
extension points; overriding them here (the class is passed to pygls as
``protocol_cls``) lets helix-lsp's own messages — ``helix/cursorMoved`` and
``workspace/executeCommand`` — skip pygls' generic per-message machinery
(attrs objects for the envelope, a future and a context per message, cattrs
conversion of command arguments), which costs more than the work itself.
Everything else (``initialize``, document sync, unknown methods,
``shutdown``/``exit``) goes through pygls unchanged.

A request whose parameters do not fit its method is answered with an
``invalid_argument`` error instead of being left hanging, and what is logged
about it is the method and the kind of problem, never the body (it may hold
file contents or paths).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from helix_lsp.server import commands
from helix_lsp.server.errors import (
    METHOD_NOT_FOUND,
    error_payload,
    short,
    unfit_parameters,
    unknown_command,
)
from helix_lsp.session import InvalidArgumentError, SessionError

if TYPE_CHECKING:
    from cattrs import Converter

    from helix_lsp.server.app import HelixServer

log = logging.getLogger("helix_lsp.server")

CURSOR_MOVED = "helix/cursorMoved"
_HEADER = b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
#: bytes per write when a large reply is copied out of its temporary file
CHUNK = 1 << 20


def frame(body: bytes) -> bytes:
    """One message on the wire: pygls' headers, then ``body`` (JSON, UTF-8)."""
    return _HEADER % len(body) + body


class OwnMessage:
    """A message the protocol handles itself: what it is, its id and its params."""

    __slots__ = ("id", "kind", "params")
    CURSOR, COMMAND, UNFIT, UNKNOWN, SKIP = range(5)

    def __init__(self, kind: int, msg_id: Any, params: Any) -> None:
        self.kind = kind
        self.id = msg_id
        self.params = params


class HelixProtocol(LanguageServerProtocol):
    """pygls' LSP protocol plus the short path; ``short_path=False`` is stock pygls."""

    def __init__(self, server: HelixServer, converter: Converter) -> None:
        super().__init__(server, converter)
        self.helix = server
        self.converter = converter
        self.short_path = True
        self.streams: set[asyncio.Task[None]] = set()  # large replies on their way

    # -- parsing -----------------------------------------------------------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        """The top-level object of a message: ours stay plain JSON, others become pygls' objects."""
        method = data.get("method")
        has_id = "id" in data
        if self.short_path and data.get("jsonrpc") == "2.0":
            if method == CURSOR_MOVED and not has_id:  # the hot one: checked first
                return OwnMessage(OwnMessage.CURSOR, None, data.get("params"))
            if method == lsp.WORKSPACE_EXECUTE_COMMAND and has_id:
                return OwnMessage(OwnMessage.COMMAND, data["id"], data.get("params"))
            fm = self.fm
            if (has_id and isinstance(method, str) and "error" not in data
                    and method not in fm.features and method not in fm.builtin_features):
                return OwnMessage(OwnMessage.UNKNOWN, data["id"], method)  # one sentence
        if "jsonrpc" not in data:
            return data  # an object inside a message (pygls' loop asks about those too)
        if not self.short_path or not isinstance(method, str) or "error" in data:
            return super().structure_message(data)  # responses, and what pygls rejects itself
        kind = self.get_message_type(method) or (
            JsonRPCRequestMessage if has_id else JsonRPCNotification
        )
        try:
            return self.converter.structure(data, kind)
        except Exception as exc:
            log.error("%s with parameters that do not fit it skipped (%s)",
                      short(method, 80), type(exc).__name__)
            if has_id and data["jsonrpc"] == "2.0":
                return OwnMessage(OwnMessage.UNFIT, data["id"], method)
            return OwnMessage(OwnMessage.SKIP, None, method)

    # -- dispatch ----------------------------------------------------------------

    def handle_message(self, message: Any) -> None:
        if type(message) is not OwnMessage:
            if not hasattr(message, "jsonrpc"):  # [], 42, null, or an object without it
                log.error("a message that is not a JSON-RPC object skipped")
                return
            super().handle_message(message)
            return
        if self.helix.shut_down:
            log.warning("message after shutdown ignored")
            return
        if message.kind == OwnMessage.CURSOR:
            self._cursor(message.params)
        elif message.kind == OwnMessage.COMMAND:
            self._command(message.id, message.params)
        elif message.kind == OwnMessage.UNFIT:
            self.send_error(message.id, unfit_parameters(message.params))
        elif message.kind == OwnMessage.UNKNOWN:
            self.send_error(message.id, JsonRpcException(
                f"helix-lsp has no method {short(message.params, 80)}.", METHOD_NOT_FOUND,
                {"kind": "invalid_argument"},
            ))

    def _cursor(self, params: Any) -> None:
        state = self.helix.tracking()
        if state is None:
            return
        try:
            state.cursor_params(params)
        except Exception as exc:
            log.error("helix/cursorMoved failed (%s)", type(exc).__name__)

    def _command(self, msg_id: Any, params: Any) -> None:
        try:
            if not isinstance(params, dict):
                raise InvalidArgumentError("workspace/executeCommand needs {command, arguments}.")
            name = params.get("command")
            if not isinstance(name, str) or name not in self.fm.commands:
                raise unknown_command(name)
            result = commands.execute(self.helix.need_state(), name, params.get("arguments"))
        except Exception as exc:
            self.send_error(msg_id, exc)
            return
        if isinstance(result, commands.Streamed):
            task = asyncio.ensure_future(self._stream(msg_id, result))
            self.streams.add(task)
            task.add_done_callback(self.streams.discard)
            return
        self.send_frame(json.dumps(
            {"jsonrpc": "2.0", "id": msg_id, "result": result}, separators=(",", ":")
        ).encode("utf-8"))

    # -- replies -----------------------------------------------------------------

    def send_error(self, msg_id: Any, exc: BaseException) -> None:
        """The error reply for a refused request (see :mod:`helix_lsp.server.errors`)."""
        if not isinstance(exc, SessionError | JsonRpcException):
            log.exception("request failed")
        payload = {"jsonrpc": "2.0", "id": msg_id, "error": error_payload(exc)}
        self.send_frame(json.dumps(payload, separators=(",", ":")).encode("utf-8"))

    def send_frame(self, body: bytes) -> None:
        """Write one reply body with the same framing pygls uses for its own."""
        writer = self.writer
        if writer is not None:
            writer.write(frame(body))

    async def _stream(self, msg_id: Any, streamed: commands.Streamed) -> None:
        """Produce a large result in a thread into a temporary file, then copy it out.

        The event loop keeps serving other messages while the result is being
        produced; memory stays bounded because the result never exists as one
        Python object or one bytes value.
        """
        import tempfile

        with tempfile.TemporaryFile() as spool:  # 0600 and already unlinked
            try:
                await _in_background_thread(streamed.produce, spool)
            except Exception as exc:
                self.send_error(msg_id, exc)
                return
            head = json.dumps({"jsonrpc": "2.0", "id": msg_id}, separators=(",", ":"))
            prefix = head[:-1].encode("utf-8") + b',"result":'
            size = spool.tell()
            spool.seek(0)
            writer = self.writer
            if isinstance(writer, OrderedWriter):
                await writer.stream(_HEADER % (len(prefix) + size + 1) + prefix, spool, size, b"}")
            elif writer is not None:
                writer.write(_HEADER % (len(prefix) + size + 1) + prefix + spool.read() + b"}")


async def _in_background_thread(work: Callable[[IO[bytes]], None], spool: IO[bytes]) -> None:
    """Run ``work(spool)`` in a thread of its own at a lower CPU priority.

    The thread shares the interpreter with the message loop; at a lower
    priority (Linux: per-thread nice 10) the loop's thread is scheduled first
    when both want the CPU, so other requests keep being answered promptly.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if not done.done():
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    def run() -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        try:
            work(spool)
        except BaseException as exc:
            loop.call_soon_threadsafe(settle, exc)
        else:
            loop.call_soon_threadsafe(settle, None)

    threading.Thread(target=run, name="helix-export", daemon=True).start()
    await done


class OrderedWriter:
    """pygls' writer interface, able to send one large reply without holding it in memory.

    While :meth:`stream` copies a reply out in chunks (awaiting the transport
    between them, so the server keeps reading and answering), other messages
    wait in order behind it instead of landing in the middle of its body.
    """

    def __init__(self, write: Any, close: Any, drain: Any = None) -> None:
        self._write = write
        self._close = close
        self._drain = drain
        self._held: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            self._held.append(data)
        else:
            self._write(data)

    def close(self) -> Any:
        return self._close()

    async def stream(self, head: bytes, body: IO[bytes], size: int, tail: bytes) -> None:
        while self._held is not None:  # one large reply at a time
            await asyncio.sleep(0.01)
        self._held = []
        try:
            self._write(head)
            left = size
            while left > 0:
                chunk = body.read(min(CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                self._write(chunk)
                if self._drain is not None:
                    await self._drain()
                else:
                    await asyncio.sleep(0)
            self._write(tail)
        finally:
            held, self._held = self._held, None
            for data in held:
                self._write(data)
