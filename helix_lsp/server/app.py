"""The one place where the pygls server is created and every LSP method registered.

Handlers stay a few lines each: they turn LSP parameters into a call on
:class:`~helix_lsp.server.state.ServerState` or
:func:`~helix_lsp.server.commands.execute`. helix-lsp's own messages reach
the same functions through the protocol's short path
(:mod:`helix_lsp.server.protocol`), so both paths behave identically.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import threading
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import FeatureRequestError, JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import default_converter

from helix_lsp import __version__
from helix_lsp.server import commands
from helix_lsp.server.away import AwayOffer
from helix_lsp.server.errors import error_payload, not_initialized, short
from helix_lsp.server.opening import LateOpening, worth_retrying
from helix_lsp.server.options import Options, parse_options
from helix_lsp.server.protocol import CURSOR_MOVED, HelixProtocol
from helix_lsp.server.state import ServerState
from helix_lsp.server.status import STATUS, status_params
from helix_lsp.session import SessionError, SessionManager
from helix_lsp.session.errors import damaged_store_message

log = logging.getLogger("helix_lsp.server")


class HelixServer(LanguageServer):
    """pygls' server plus the session state created on ``initialize``."""

    protocol: HelixProtocol

    def __init__(self, db: str | None) -> None:
        super().__init__(
            "helix-lsp", __version__, protocol_cls=HelixProtocol,
            converter_factory=default_converter,
        )
        self.db = db
        self.owner: str | None = None  # --owner: before the ``owner`` option
        self.state: ServerState | None = None
        self.broken: SessionError | None = None  # why the store could not be opened
        self.fallbacks = False
        self.shut_down = False
        #: a client on a socket: its ``dbPath`` may only use the user's own folders
        self.remote = False
        self.away: AwayOffer | None = None
        #: a PostgreSQL store not reachable yet: opened again until it is
        self.opening: LateOpening | None = None

    def send(self, method: str, params: dict[str, Any]) -> None:
        """A server-to-client notification from plain JSON values."""
        self.protocol.notify(method, params)

    def need_state(self) -> ServerState:
        """The state, for commands; a store that cannot be opened refuses them all."""
        if self.state is None and self.opening is not None:
            self.opening.try_now()  # a command asks: one try on the spot
        if self.state is None:
            if self.opening is not None:
                raise type(self.opening.error)(str(self.opening.error))
            if self.broken is not None:
                raise type(self.broken)(str(self.broken))
            raise not_initialized()
        return self.state

    def tracking(self) -> ServerState | None:
        """The state, when cursor positions can be recorded (else they are dropped)."""
        state = self.state
        return None if state is None or state.read_only else state

    def show(self, kind: int, message: str) -> None:
        """``window/showMessage``: 1 error, 2 warning, 3 info."""
        self.window_show_message(lsp.ShowMessageParams(lsp.MessageType(kind), message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls' report of a failure outside a request: logged briefly, not shown."""
        if source is FeatureRequestError:
            return  # the request's error reply already says it
        log.error("%s: %s", type(error).__name__, short(str(error), 200))


def _store_path(server: HelixServer, option: str | None) -> str | None:
    """``--db``, then ``dbPath``, then ``$HELIX_LSP_DB``, else the core's default."""
    if server.db:
        return server.db
    if option:
        if server.remote and not option.startswith(("postgresql://", "postgres://")):
            # a file must be the user's own; a URL opens what the server's role may
            from helix_lsp.server.auth import check_client_store_path

            check_client_store_path(option)
        return option
    return os.environ.get("HELIX_LSP_DB") or None


def run_command(server: HelixServer, name: str, arguments: Any) -> Any:
    """A workspace command through pygls' own path (``--stock-transport``)."""
    try:
        result = commands.execute(server.need_state(), name, arguments)
        if isinstance(result, commands.Streamed):
            buffer = io.BytesIO()
            result.produce(buffer)
            return json.loads(buffer.getvalue())
        return result
    except Exception as err:
        if not isinstance(err, SessionError | JsonRpcException):
            log.exception("%s failed", name)
        payload = error_payload(err)
        raise JsonRpcException(payload["message"], payload["code"], payload["data"]) from err


def _check_store_in_background(server: HelixServer, state: ServerState) -> None:
    """Read every page of the store in a thread; on damage, warn once and stop writing.

    A torn page does not show when the store opens, only when a query reaches
    it. The check takes ~70 ms per 100,000 sessions (longer when the file is
    not in the page cache), so it runs beside the server instead of before it.
    """
    loop = asyncio.get_running_loop()
    mgr = state.mgr

    def report(problem: str) -> None:
        message = damaged_store_message(mgr.path, problem)
        mgr.refuse_writes(message)
        state.read_only = True
        server.show(1, message[:1].upper() + message[1:])

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
        if not options.cursor_notifications:  # the cursor is learnt from these requests
            _register_fallbacks(ls)
        target: str | None = None
        try:
            target = _store_path(ls, options.db_path)
            owner = ls.owner or options.owner
            mgr = SessionManager(target, verify=False, owner=owner)
        except SessionError as err:  # serve anyway: every command says what is wrong
            if target is not None and worth_retrying(target, err):
                ls.opening = LateOpening(
                    lambda: SessionManager(target, verify=False, owner=owner),
                    lambda mgr: _opened_late(ls, mgr, options, params), err,
                )
                ls.show(2, f"helix-lsp cannot reach its session store yet: {err} "
                        "It keeps trying.")
                return
            ls.broken = err
            ls.show(1, f"helix-lsp cannot use its session store: {err}")
            return
        _use_store(ls, mgr, options, params, late=False)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: HelixServer, params: lsp.InitializedParams) -> None:
        if ls.state is None:
            opening = ls.opening
            ls.send(STATUS, status_params(store=opening.store_field() if opening else None))
            if opening is not None:
                opening.start()
            return
        _serve(ls)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: HelixServer, params: None) -> None:
        ls.shut_down = True
        if ls.opening is not None:
            ls.opening.stop()
        if ls.state is not None:
            ls.state.close()

    @server.feature(lsp.EXIT)
    def exit_(ls: HelixServer, params: None) -> None:
        if ls.opening is not None:
            ls.opening.stop()
        if ls.state is not None:
            ls.state.close()
            ls.state.mgr.close()

    _register_handlers(server)
    return server


def _use_store(ls: HelixServer, mgr: SessionManager, options: Options,
               params: lsp.InitializeParams, *, late: bool) -> None:
    """The session state on an open store, for the workspace ``initialize`` named."""
    if mgr.read_only_reason is not None:
        ls.show(2, f"{mgr.read_only_reason}; sessions can be read but not changed.")
    ls.state = ServerState(mgr, options, ls.send)
    folders = [(f.uri, f.name) for f in params.workspace_folders or []]
    if late:  # the folders may have changed since ``initialize``
        folders = [(f.uri, f.name) for f in ls.workspace.folders.values()]
    ls.state.set_folders(folders, params.root_uri or params.root_path)
    log.info("store %s, projects %s", mgr.path, ", ".join(ls.state.projects()))


def _opened_late(ls: HelixServer, mgr: SessionManager, options: Options,
                 params: lsp.InitializeParams) -> None:
    """The store could not be reached at start-up and now it can: serve as if it had."""
    ls.opening = None
    if ls.shut_down:
        mgr.close()
        return
    _use_store(ls, mgr, options, params, late=True)
    state = ls.state
    assert state is not None
    if state.link is not None:
        state.link.came_back()
    _serve(ls)


def _serve(ls: HelixServer) -> None:
    """What follows ``initialized`` once the store is open."""
    state = ls.state
    assert state is not None
    window = ls.client_capabilities.window
    show_document = window is not None and window.show_document is not None and bool(
        window.show_document.support
    )
    ls.away = AwayOffer(state, ls.window_show_message_request_async,
                        ls.window_show_document if show_document else None, ls.show)
    ls.away.start_up()
    state.status.changed()
    state.poller.start()
    _check_store_in_background(ls, state)


def _register_handlers(server: HelixServer) -> None:
    """Workspace folders, the cursor, documents and the commands."""

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
        """Kept so that clients still send document sync; opening or restoring a
        document is not activity and never moves the session's place."""

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

    for name in commands.COMMANDS:
        _register_command(server, name)


def _register_fallbacks(server: HelixServer) -> None:
    """Hover, highlight and code actions that answer "nothing" but tell where the cursor is.

    Registered while ``initialize`` runs, and only for a client that does not
    send ``helix/cursorMoved``, so pygls advertises them to that client only
    and another client keeps its own highlight and hover.
    """
    if server.fallbacks:  # a second initialize: already there
        return
    server.fallbacks = True

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


def _register_command(server: HelixServer, name: str) -> None:
    # ``*arguments`` keeps pygls from converting them: params.py checks them.
    def handler(ls: HelixServer, *arguments: Any) -> Any:
        return run_command(ls, name, list(arguments))

    server.command(name)(handler)
