"""The helix-lsp language server (pygls 2).

``run_server`` is what ``helix-lsp`` (and ``python -m helix_lsp``) calls.
stdout carries the protocol and nothing else: logs go to the client as
``window/logMessage`` and, with ``log_file``, to that file (created 0600:
it names the user's projects and stores).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from helix_lsp.server.app import HelixServer

__all__ = ["run_server"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _ClientLogHandler(logging.Handler):
    """Forwards the server's own log records to the client (window/logMessage)."""

    _TYPES: ClassVar[dict[int, int]] = {logging.ERROR: 1, logging.WARNING: 2, logging.INFO: 3}

    def __init__(self, server: HelixServer) -> None:
        super().__init__(logging.INFO)
        self._server = server
        self._busy = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy or self._server.protocol.writer is None:
            return
        self._busy = True  # never recurse if sending itself logs
        try:
            from lsprotocol.types import LogMessageParams, MessageType

            kind = next((t for lvl, t in self._TYPES.items() if record.levelno >= lvl), 4)
            self._server.window_log_message(LogMessageParams(MessageType(kind), self.format(record)))
        except Exception:
            pass
        finally:
            self._busy = False


def _setup_logging(server: HelixServer, log_file: str | None) -> None:
    ours = logging.getLogger("helix_lsp")
    ours.setLevel(logging.DEBUG if log_file else logging.INFO)
    ours.propagate = False
    ours.addHandler(_ClientLogHandler(server))
    pygls_log = logging.getLogger("pygls")
    pygls_log.setLevel(logging.WARNING)
    pygls_log.propagate = False
    if log_file:
        os.close(os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter(_FORMAT))
        ours.addHandler(handler)
        pygls_log.addHandler(handler)
    else:
        pygls_log.addHandler(logging.NullHandler())


def run_server(
    *,
    db: str | None,
    tcp: tuple[str, int] | None,
    log_file: str | None,
    stock_transport: bool = False,
    socket_path: str | None = None,
    owner: str | None = None,
) -> None:
    """Serve one client over stdio (default), TCP or a Unix socket until it exits.

    ``db`` overrides every other way of choosing the store (``dbPath``,
    ``$HELIX_LSP_DB``, the default path); ``owner`` likewise overrides the
    ``owner`` option and ``$HELIX_LSP_OWNER``. ``stock_transport`` uses pygls' own
    stdio reader and message path instead of the faster one, for comparison.
    """
    # Importing pygls/lsprotocol builds many long-lived objects, which full
    # collections would walk again and again. Young-generation collections
    # only (rare ones) keep start-up within a few ms of a disabled collector
    # while still freeing the import's cyclic garbage (a disabled collector
    # left ~9 MB of it: peak RSS 53 MB against 44 MB). Whatever survives the
    # imports is frozen out of later collections.
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 1_000, 1_000)
    try:
        from helix_lsp.server.app import create_server
        from helix_lsp.server.transport import run_socket, run_stdio, run_tcp

        server = create_server(db)
        server.owner = owner
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
    _setup_logging(server, log_file)
    if socket_path is not None:
        code = run_socket(server, Path(socket_path).expanduser().absolute())
    elif tcp is not None:
        code = run_tcp(server, tcp[0], tcp[1])
    else:
        code = run_stdio(server, stock=stock_transport)
    state = server.state
    if state is not None:  # end of input without shutdown/exit: keep the positions
        try:
            state.close()
            state.mgr.close()
        except Exception:
            logging.getLogger("helix_lsp.server").exception("final flush failed")
    if code:
        sys.exit(code)
