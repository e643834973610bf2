"""A faster stdio transport for pygls, and the direct path for our own messages.

Stock pygls (``LanguageServer.start_io``) reads stdin with a thread-pool hop
for every header line and body, which costs about 0.8 ms per message on a
small machine. Here stdin is an :class:`asyncio.StreamReader` fed by
``loop.connect_read_pipe``, so reading a message is a plain await on the
event loop.

Messages that only helix-lsp understands (``helix/cursorMoved`` and the
``helix.session.*`` commands) can skip pygls' generic machinery (building
attrs objects for the envelope, converting command arguments by type hints)
through a ``direct`` callable: it receives the parsed JSON object and returns
True when it has handled it, including writing any reply with
:func:`send_json`. Everything else goes to pygls unchanged.

The stock transport stays available (``stock=True``) for comparison.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import IO, Any, Protocol

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger("helix_lsp.server")

Direct = Callable[[dict[str, Any]], bool]
_HEADER_END = b"\r\n"
_CONTENT_TYPE = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"


class AsyncReader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...

    def readexactly(self, n: int) -> Awaitable[bytes]: ...


def send_json(protocol: JsonRPCProtocol, payload: dict[str, Any]) -> None:
    """Write one JSON-RPC message built from plain JSON values."""
    writer = protocol.writer
    if writer is None:
        return
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    header = b"Content-Length: " + str(len(body)).encode("ascii") + _HEADER_END
    writer.write(header + _CONTENT_TYPE + body)


async def read_messages(
    server: LanguageServer,
    reader: AsyncReader,
    stop: threading.Event,
    direct: Direct | None,
) -> None:
    """The message loop: read, parse once, take the direct path or hand to pygls."""
    protocol = server.protocol
    while not stop.is_set():
        length = -1
        while True:  # headers, up to the blank line
            line = await reader.readline()
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    length = -1
        if length < 0:
            log.error("message without a valid Content-Length header skipped")
            continue
        try:
            body = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            log.error("message that is not JSON skipped: %.200r", body)
            continue
        try:
            if direct is not None and isinstance(data, dict) and direct(data):
                continue
            try:
                message = protocol.structure_message(data)
            except Exception:
                _refuse_malformed(protocol, data)
                continue
            protocol.handle_message(message)
        except (SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            log.exception("unable to handle message")
            server._report_server_error(exc, JsonRpcException)


def _refuse_malformed(protocol: JsonRPCProtocol, data: object) -> None:
    """Answer a request whose parameters do not fit its method (never leave it hanging)."""
    if not isinstance(data, dict) or "id" not in data or "method" not in data:
        log.error("malformed message skipped: %.200r", data)
        return
    method = data["method"]
    send_json(protocol, {"jsonrpc": "2.0", "id": data["id"], "error": {
        "code": -32602,
        "message": f"the parameters do not fit {str(method)[:80]!r}.",
        "data": {"kind": "invalid_argument"},
    }})


async def _pipe_reader(stdin: IO[bytes]) -> AsyncReader | None:
    """An asyncio reader on stdin, or None when stdin cannot be watched (a file)."""
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError):
        return None
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        return None
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024, loop=loop)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop), stdin)
    return reader


class _SocketWriter:
    """pygls' writer interface over an asyncio stream (TCP)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    def close(self) -> None:
        self._writer.close()


def _run(
    server: LanguageServer, main: Callable[[threading.Event], Coroutine[Any, Any, None]]
) -> int:
    """Run the message loop; ``exit`` (SystemExit) ends it with pygls' exit code."""
    stop = threading.Event()
    server._stop_event = stop
    code = 0
    try:
        asyncio.run(main(stop))
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BrokenPipeError:
        log.error("the client closed the connection")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return code


def run_stdio(server: LanguageServer, direct: Direct | None, *, stock: bool = False) -> int:
    """Serve over stdin/stdout until ``exit`` or end of input; returns the exit code.

    ``sys.stdout`` is pointed at stderr first, so a stray ``print`` can never
    corrupt the protocol stream.
    """
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    if stock:
        try:
            server.start_io(stdin, stdout)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else 0
        return 0
    server.protocol.set_writer(StdoutWriter(stdout))

    async def main(stop: threading.Event) -> None:
        reader = await _pipe_reader(stdin)
        if reader is None:
            log.info("stdin is not a pipe; reading it through a thread")
            reader = StdinAsyncReader(stdin, server.thread_pool)
        await read_messages(server, reader, stop, direct)

    return _run(server, main)


def run_tcp(server: LanguageServer, direct: Direct | None, host: str, port: int) -> int:
    """Listen on ``host:port`` and serve the first client that connects."""

    async def main(stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        client: asyncio.Future[tuple[asyncio.StreamReader, asyncio.StreamWriter]]
        client = loop.create_future()

        def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            if client.done():
                writer.close()  # one client per server, as over stdio
            else:
                client.set_result((reader, writer))

        listener = await asyncio.start_server(accept, host, port, limit=64 * 1024 * 1024)
        log.info("listening on %s:%s", host, port)
        reader, writer = await client
        listener.close()
        server.protocol.set_writer(_SocketWriter(writer))
        await read_messages(server, reader, stop, direct)

    return _run(server, main)
