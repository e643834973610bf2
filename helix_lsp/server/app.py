"""The one place where the pygls server is created and every LSP method registered.

Handlers stay a few lines each: they turn LSP parameters into a call on
:class:`~helix_lsp.server.state.ServerState` or
:func:`~helix_lsp.server.commands.execute`. The transport's direct path
(:func:`direct_handler`) reaches the same functions without pygls' generic
message objects, so both paths behave identically.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from helix_lsp.server import commands
from helix_lsp.server.options import parse_options
from helix_lsp.server.params import error_payload, unknown_command
from helix_lsp.server.state import ServerState
from helix_lsp.server.status import STATUS
from helix_lsp.server.transport import Direct, send_json
from helix_lsp.session import InvalidArgumentError, SessionError, SessionManager

log = logging.getLogger("helix_lsp.server")

CURSOR_MOVED = "helix/cursorMoved"
#: Requests answered with "no results" only to learn where the cursor is.
FALLBACK_PROVIDERS = (
    lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
    lsp.TEXT_DOCUMENT_HOVER,
    lsp.TEXT_DOCUMENT_CODE_ACTION,
)

try:
    from importlib.metadata import version as _dist_version

    VERSION = _dist_version("helix-lsp")
except Exception:  # running from a source tree
    VERSION = "0.1.0"


class HelixServer(LanguageServer):
    """pygls' server plus the session state created on ``initialize``."""

    def __init__(self, db: str | None) -> None:
        super().__init__("helix-lsp", VERSION)
        self.db = db
        self.state: ServerState | None = None
        self.broken: SessionError | None = None  # why the store could not be opened
        self.fallbacks = True

    def send(self, method: str, params: dict[str, Any]) -> None:
        """A server-to-client notification from plain JSON values."""
        send_json(self.protocol, {"jsonrpc": "2.0", "method": method, "params": params})

    def need_state(self) -> ServerState:
        """The state, for commands; a store that cannot be opened refuses them all."""
        if self.state is None:
            if self.broken is not None:
                raise type(self.broken)(str(self.broken))
            raise JsonRpcException("the server is not initialized yet.", -32002)
        return self.state

    def tracking(self) -> ServerState | None:
        """The state, when cursor positions can be recorded (else they are dropped)."""
        state = self.state
        return None if state is None or state.read_only else state

    def show(self, kind: int, message: str) -> None:
        """``window/showMessage``: 1 error, 2 warning."""
        self.send("window/showMessage", {"type": kind, "message": message})


def _store_path(server: HelixServer, option: str | None) -> str | None:
    """``--db``, then ``dbPath``, then ``$HELIX_LSP_DB``, else the core's default."""
    return server.db or option or os.environ.get("HELIX_LSP_DB") or None


def run_command(server: HelixServer, name: str, arguments: Any) -> Any:
    """A workspace command through pygls: errors become JSON-RPC error replies."""
    try:
        return commands.execute(server.need_state(), name, arguments)
    except JsonRpcException:
        raise
    except Exception as err:
        if not isinstance(err, SessionError):
            log.exception("%s failed", name)
        payload = error_payload(err)
        raise JsonRpcException(payload["message"], payload["code"], payload["data"]) from err


def direct_handler(server: HelixServer) -> Direct:
    """The transport's direct path for our notification and commands."""

    features = server.protocol.fm

    def known(method: object) -> bool:
        return isinstance(method, str) and (
            method in features.features or method in features.builtin_features
        )

    def direct(msg: dict[str, Any]) -> bool:
        state = server.state
        if server.protocol._shutdown or (state is None and server.broken is None):
            return False  # let pygls apply its own rules
        method = msg.get("method")
        if "id" in msg and "method" in msg and not known(method):
            send_json(server.protocol, {"jsonrpc": "2.0", "id": msg["id"], "error": {
                "code": -32601, "message": f"helix-lsp has no method {str(method)[:80]!r}.",
                "data": {"kind": "invalid_argument"},
            }})
            return True
        if method == CURSOR_MOVED and "id" not in msg:
            tracking = server.tracking()
            if tracking is not None:
                tracking.cursor_params(msg.get("params"))
            return True
        if method != lsp.WORKSPACE_EXECUTE_COMMAND or "id" not in msg:
            return False
        params = msg.get("params")
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": msg["id"]}
        try:
            if not isinstance(params, dict):
                raise InvalidArgumentError("workspace/executeCommand needs {command, arguments}.")
            name = params.get("command")
            if name not in commands.COMMANDS:
                raise unknown_command(name)
            reply["result"] = commands.execute(server.need_state(), name, params.get("arguments"))
        except Exception as err:
            if not isinstance(err, SessionError):
                log.exception("workspace/executeCommand failed")
            reply["error"] = error_payload(err)
        send_json(server.protocol, reply)
        return True

    return direct


def _check_store_in_background(server: HelixServer, state: ServerState) -> None:
    """Read every page of the store in a thread; on damage, warn once and stop writing.

    A torn page does not show when the store opens, only when a query reaches
    it. The check takes ~70 ms per 100,000 sessions (longer when the file is
    not in the page cache), so it runs beside the server instead of before it.
    """
    loop = asyncio.get_running_loop()
    mgr = state.mgr

    def report(problem: str) -> None:
        reason = f"the session store {mgr.path} is damaged ({problem})"
        mgr.refuse_writes(f"{reason}; helix-lsp will not write to it")
        state.read_only = True
        server.show(1, f"{reason}. helix-lsp will not write to it; move it away or restore a "
                       "backup to record sessions again. It was left untouched.")

    def check() -> None:
        try:
            problem = mgr.check_integrity()
        except Exception:  # a check that cannot run is no verdict
            log.exception("store check failed")
            return
        if problem is not None:
            loop.call_soon_threadsafe(report, problem)

    threading.Thread(target=check, name="helix-store-check", daemon=True).start()


def create_server(db: str | None) -> HelixServer:
    """Build the server with every handler registered."""
    server = HelixServer(db)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: HelixServer, params: lsp.InitializeParams) -> None:
        options = parse_options(params.initialization_options)
        ls.fallbacks = not options.cursor_notifications
        if not ls.fallbacks:  # not advertised: the client keeps its own highlight etc.
            for method in FALLBACK_PROVIDERS:
                ls.protocol.fm.features.pop(method, None)
        try:
            mgr = SessionManager(_store_path(ls, options.db_path))
        except SessionError as err:  # serve anyway: every command says what is wrong
            ls.broken = err
            ls.show(1, f"helix-lsp cannot use its session store: {err}")
            return
        if mgr.read_only_reason is not None:
            ls.show(2, f"{mgr.read_only_reason}; sessions can be read but not changed.")
        ls.state = ServerState(mgr, options, ls.send)
        folders = [(f.uri, f.name) for f in params.workspace_folders or []]
        ls.state.set_folders(folders, params.root_uri or params.root_path)
        log.info("store %s, projects %s", mgr.path, ", ".join(ls.state.projects()))

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: HelixServer, params: lsp.InitializedParams) -> None:
        if ls.state is None:
            ls.send(STATUS, {"active": None, "sessions": []})
            return
        ls.state.status.changed()
        ls.state.poller.start()
        _check_store_in_background(ls, ls.state)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: HelixServer, params: None) -> None:
        if ls.state is not None:
            ls.state.close()

    @server.feature(lsp.EXIT)
    def exit_(ls: HelixServer, params: None) -> None:
        if ls.state is not None:
            ls.state.close()
            ls.state.mgr.close()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: HelixServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        if ls.state is not None:
            ls.state.set_folders([(f.uri, f.name) for f in ls.workspace.folders.values()], None)
            ls.state.status.changed()

    @server.feature(CURSOR_MOVED)
    def cursor_moved(ls: HelixServer, params: Any) -> None:
        if state := ls.tracking():
            state.cursor_params(params)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: HelixServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if ls.fallbacks and (state := ls.tracking()):
            state.cursor(params.text_document.uri, None, None, file_only=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: HelixServer, params: lsp.DidChangeTextDocumentParams) -> None:
        state, uri = ls.tracking(), params.text_document.uri
        if state is None:
            return
        first = params.content_changes[0] if params.content_changes else None
        start = getattr(first, "range", None)
        if ls.fallbacks and start is not None:
            state.cursor(uri, start.start.line, start.start.character)
        else:
            state.activity(uri)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def highlight(ls: HelixServer, params: lsp.DocumentHighlightParams) -> None:
        if state := ls.tracking():
            state.cursor(params.text_document.uri, params.position.line,
                         params.position.character)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: HelixServer, params: lsp.HoverParams) -> None:
        if state := ls.tracking():
            state.cursor(params.text_document.uri, params.position.line,
                         params.position.character)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: HelixServer, params: lsp.CodeActionParams) -> None:
        if state := ls.tracking():
            state.cursor(params.text_document.uri, params.range.start.line,
                         params.range.start.character)

    for name in commands.COMMANDS:
        _register_command(server, name)
    return server


def _register_command(server: HelixServer, name: str) -> None:
    # ``*arguments`` keeps pygls from converting them: params.py checks them.
    def handler(ls: HelixServer, *arguments: Any) -> Any:
        return run_command(ls, name, list(arguments))

    server.command(name)(handler)
