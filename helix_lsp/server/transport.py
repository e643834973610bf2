"""How bytes reach pygls' message loop: stdio, TCP or a Unix socket.

Stock pygls (``LanguageServer.start_io``) reads stdin with a thread-pool hop
for every header line and body, which costs about 0.8 ms per message on a
small machine. Here stdin is an :class:`asyncio.StreamReader` fed by
``loop.connect_read_pipe``, so reading a message is a plain await on the
event loop, and each message goes to the protocol's public
``structure_message``/``handle_message`` as in pygls' own loop. On a socket, a client
is served only when it proves to be the server's own user
(:mod:`helix_lsp.server.auth`); the others are turned away and the server
keeps waiting for its user.

The stock reader stays available (``stock=True``) for comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import stat
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdinAsyncReader, StdoutWriter

from helix_lsp.server.app import HelixServer
from helix_lsp.server.errors import error_payload, forbidden
from helix_lsp.server.protocol import OrderedWriter, frame
from helix_lsp.session import StorageError

if TYPE_CHECKING:
    import socket

log = logging.getLogger("helix_lsp.server")


#: the most an unauthenticated peer may send before it is turned away
FIRST_MESSAGE_LIMIT = 1 << 20
AUTH_SECONDS = 10.0
STREAM_LIMIT = 64 * 1024 * 1024


class _Prefixed:
    """A reader that yields ``prefix`` (one message already read) before the stream."""

    def __init__(self, prefix: bytes, reader: asyncio.StreamReader) -> None:
        self._prefix = prefix
        self._reader = reader

    async def readline(self) -> bytes:
        if self._prefix:
            line, sep, rest = self._prefix.partition(b"\n")
            if sep:
                self._prefix = rest
                return line + sep
            self._prefix = b""
            return line + await self._reader.readline()
        return await self._reader.readline()

    async def readexactly(self, n: int) -> bytes:
        if self._prefix:
            head, self._prefix = self._prefix[:n], self._prefix[n:]
            if len(head) < n:
                head += await self._reader.readexactly(n - len(head))
            return head
        return await self._reader.readexactly(n)


def encode(message: dict[str, Any]) -> bytes:
    return frame(json.dumps(message, separators=(",", ":")).encode("utf-8"))


async def _first_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The first message of an unauthenticated peer, bounded in size; None if not one."""
    length = -1
    while True:
        line = await reader.readline()
        if not line or len(line) > 200:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    if not 0 <= length <= FIRST_MESSAGE_LIMIT:
        return None
    try:
        message = json.loads(await reader.readexactly(length))
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def _presented_token(message: dict[str, Any]) -> object:
    """``params.initializationOptions.token`` of an ``initialize`` request, removed from it."""
    from helix_lsp.server import auth

    params = message.get("params")
    if message.get("method") != "initialize" or not isinstance(params, dict):
        return None
    options = params.get("initializationOptions")
    if not isinstance(options, dict):
        return None
    return options.pop(auth.TOKEN_OPTION, None)


Streams = tuple[Any, asyncio.StreamWriter]
#: an accept callback of ``asyncio.start_server``/``start_unix_server``
Accept = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _gatekeeper(
    chosen: asyncio.Future[Streams], peer_uid: Callable[[socket.socket], int | None],
    token: str | None, where: str,
) -> Accept:
    """The accept callback: the first connection of the server's own user is served."""
    from helix_lsp.server import auth

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if chosen.done():
            writer.close()  # one client per server, as over stdio
            return
        uid = peer_uid(writer.get_extra_info("socket"))
        if auth.same_user(uid):
            chosen.set_result((reader, writer))
            return
        message = None
        if token is not None:
            with contextlib.suppress(asyncio.TimeoutError, ConnectionError, ValueError,
                                     asyncio.IncompleteReadError):
                message = await asyncio.wait_for(_first_message(reader), AUTH_SECONDS)
        presented = _presented_token(message) if message is not None else None
        if token is not None and not chosen.done() and auth.token_matches(token, presented):
            assert message is not None
            chosen.set_result((_Prefixed(encode(message), reader), writer))
            return
        log.warning("refused a connection on %s from %s", where,
                    "another user" if uid is not None else "a client without the token")
        if message is not None and "id" in message:
            refusal = forbidden("this helix-lsp server serves only its own user; present the "
                                "token from its token file as initializationOptions.token.")
            writer.write(encode({"jsonrpc": "2.0", "id": message["id"],
                                 "error": error_payload(refusal)}))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        writer.close()

    return accept


def _serve(server: HelixServer, main: Callable[[], Coroutine[Any, Any, None]]) -> int:
    """Run until ``exit`` (SystemExit, with pygls' exit code) or the end of input."""
    code = 0
    try:
        asyncio.run(main())
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except asyncio.IncompleteReadError:
        log.info("the input ended in the middle of a message")
    except BrokenPipeError:
        log.error("the client closed the connection")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    return code


async def _message_loop(server: HelixServer, reader: Any) -> None:
    """pygls' message loop (``pygls.io_.run_async``), without a JSON decoder per message.

    ``run_async`` parses with ``json.loads(body, object_hook=...)``, which
    builds a new decoder for every message: ~10 µs, a third of what a cursor
    notification costs here. This loop parses with the shared decoder and
    hands the top-level object to the same public protocol methods
    (``structure_message``, ``handle_message``) that ``run_async`` calls.
    """
    protocol = server.protocol
    while True:
        length = -1
        while True:  # headers, up to the blank line
            line = await reader.readline()
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                value = value.strip()
                length = int(value) if value.isdigit() else -1
        if length < 0:
            log.error("a message without a valid Content-Length header skipped")
            continue
        body = await reader.readexactly(length)
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                log.error("a message that is not a JSON-RPC object skipped")
                continue
            protocol.handle_message(protocol.structure_message(data))
        except (SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            server.report_server_error(exc, JsonRpcException)


async def _pipe_reader(stdin: IO[bytes]) -> asyncio.StreamReader | None:
    """An asyncio reader on stdin, or None when stdin cannot be watched (a file)."""
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError):
        return None
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        return None
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=STREAM_LIMIT, loop=loop)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop), stdin)
    return reader


def run_stdio(server: HelixServer, *, stock: bool = False) -> int:
    """Serve over stdin/stdout until ``exit`` or end of input; returns the exit code.

    ``sys.stdout`` is pointed at stderr first, so a stray ``print`` can never
    corrupt the protocol stream.
    """
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    if stock:
        server.protocol.short_path = False
        try:
            server.start_io(stdin, stdout)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else 0
        return 0
    out = StdoutWriter(stdout)
    server.protocol.set_writer(OrderedWriter(out.write, out.close))

    async def main() -> None:
        reader: Any = await _pipe_reader(stdin)
        if reader is None:
            log.info("stdin is not a pipe; reading it through a thread")
            reader = StdinAsyncReader(stdin, server.thread_pool)
        await _message_loop(server, reader)

    return _serve(server, main)


async def _serve_first(
    server: HelixServer, listener: asyncio.AbstractServer, chosen: asyncio.Future[Streams]
) -> None:
    reader, writer = await chosen
    server.remote = True
    server.protocol.set_writer(OrderedWriter(writer.write, writer.close, writer.drain))
    try:
        await _message_loop(server, reader)
    finally:
        listener.close()


def _listen_and_serve(
    server: HelixServer, listen: Callable[[Accept], Awaitable[asyncio.AbstractServer]],
    peer_uid: Callable[[socket.socket], int | None], token: str | None, where: str,
    leftover: Path, note: str = "",
) -> int:
    """Listen with ``listen``, serve the first client of this user, then remove
    ``leftover`` (the socket or the token file) however the server ends.

    ``where`` names the address in the log and on stderr (followed by ``note``),
    so a user starting the server by hand sees where to connect.
    """

    async def main() -> None:
        chosen: asyncio.Future[Streams] = asyncio.get_running_loop().create_future()
        listener = await listen(_gatekeeper(chosen, peer_uid, token, where))
        log.info("listening on %s%s", where, note)
        sys.stderr.write(f"helix-lsp: listening on {where}{note}\n")
        await _serve_first(server, listener, chosen)

    try:
        return _serve(server, main)
    finally:
        with contextlib.suppress(OSError):
            leftover.unlink()


def run_tcp(server: HelixServer, host: str, port: int, token_file: Path | None = None) -> int:
    """Listen on ``host:port`` and serve the first client of this user that connects."""
    from helix_lsp.server import auth
    try:
        path = token_file or auth.runtime_folder() / f"tcp-{port}.token"
        token = auth.write_token(path)
    except (OSError, StorageError) as err:
        raise SystemExit(f"helix-lsp: cannot write the server's token: {err}") from err

    def listen(accept: Accept) -> Awaitable[asyncio.AbstractServer]:
        return asyncio.start_server(accept, host, port, limit=STREAM_LIMIT)

    return _listen_and_serve(server, listen, auth.tcp_peer_uid, token, f"{host}:{port}", path,
                             note=f"; token in {path}")


def run_socket(server: HelixServer, path: Path) -> int:
    """Listen on a Unix socket (0600, in a 0700 folder) for this user's first client."""
    import socket

    from helix_lsp.server import auth
    try:
        auth.private_folder(path.parent)
    except (OSError, StorageError) as err:
        raise SystemExit(f"helix-lsp: cannot listen on {path}: {err}") from err
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise SystemExit(f"helix-lsp: {path} exists and is not a socket; nothing was changed.")
        with socket.socket(socket.AF_UNIX) as probe:
            if probe.connect_ex(str(path)) == 0:
                raise SystemExit(f"helix-lsp: another server listens on {path}.")
        path.unlink()  # a socket left behind by a server that is gone

    async def listen(accept: Accept) -> asyncio.AbstractServer:
        old = os.umask(0o177)  # the socket is 0600 from the moment it exists
        try:
            return await asyncio.start_unix_server(accept, str(path), limit=STREAM_LIMIT)
        finally:
            os.umask(old)

    return _listen_and_serve(server, listen, auth.unix_peer_uid, None, str(path), path)
