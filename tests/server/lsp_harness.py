"""End-to-end harness: the real ``helix-lsp`` process over stdio, driven by pytest-lsp.

Every server uses a store inside the test's tmp_path (``--db``), never the
user's. ``Editor`` wraps a pytest-lsp client with the few calls the tests
need and collects every ``helix/status`` notification as plain JSON.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cattrs import Converter
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCNotification, default_converter
from pytest_lsp.client import LanguageClient, register_lsp_features

SERVER = [sys.executable, "-m", "helix_lsp"]
STEP = 0.02
REPLY_TIMEOUT = 20.0  # no test waits forever for a reply


async def eventually(check: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Wait until ``check()`` is truthy (bounded); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(STEP)


def plain_notifications() -> Converter:
    """pygls' converter, but notification params stay plain JSON (not namedtuples)."""
    converter = default_converter()
    converter.register_structure_hook(JsonRPCNotification, lambda obj, cls: cls(**obj))
    return converter


def uri(path: Path) -> str:
    return path.resolve().as_uri()


class Editor:
    """One client connected to one server process."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.statuses: list[dict[str, Any]] = []
        self.init_result: lsp.InitializeResult | None = None
        self.version = 0

    async def command(self, name: str, /, **params: Any) -> Any:
        args = [params] if params else []
        return await asyncio.wait_for(
            self.client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="helix.session." + name, arguments=args)
            ),
            REPLY_TIMEOUT,
        )

    async def refused(self, name: str, /, *, args: list[Any] | None = None, **params: Any) -> JsonRpcException:
        """Run a command that must be refused; return the JSON-RPC error."""
        arguments = args if args is not None else ([params] if params else [])
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(
                self.client.workspace_execute_command_async(
                    lsp.ExecuteCommandParams(command="helix.session." + name, arguments=arguments)
                ),
                REPLY_TIMEOUT,
            )
        return info.value

    def cursor(self, path: Path, line: int, character: int) -> None:
        self.client.protocol.notify(
            "helix/cursorMoved",
            {"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}},
        )

    def open(self, path: Path, text: str = "x = 1\n") -> None:
        self.version += 1
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri(path), language_id="python", version=self.version, text=text)
            )
        )

    async def get(self, **params: Any) -> Any:
        return await self.command("get", **params)

    async def status_where(self, check: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """The first status received so far or later that satisfies ``check``."""
        def found() -> dict[str, Any] | None:
            return next((s for s in self.statuses if check(s)), None)

        result: dict[str, Any] = await eventually(found, timeout, "a matching helix/status")
        return result

    async def status_after(
        self, count: int, check: Callable[[dict[str, Any]], bool], timeout: float = 20.0
    ) -> dict[str, Any]:
        """The first status after the first ``count`` ones that satisfies ``check``."""
        def found() -> dict[str, Any] | None:
            return next((s for s in self.statuses[count:] if check(s)), None)

        result: dict[str, Any] = await eventually(found, timeout, "a later matching helix/status")
        return result

    def status_count(self) -> int:
        return len(self.statuses)


SHOWS_DOCUMENTS = lsp.ClientCapabilities(
    window=lsp.WindowClientCapabilities(
        show_document=lsp.ShowDocumentClientCapabilities(support=True)
    )
)


async def start_editor(
    db: Path | None,
    folders: list[Path] | None = None,
    options: dict[str, Any] | None = None,
    args: tuple[str, ...] = (),
    names: list[str] | None = None,
    env: dict[str, str] | None = None,
    features: dict[str, Callable[..., Any]] | None = None,
    capabilities: lsp.ClientCapabilities | None = None,
) -> Editor:
    """A server on ``folders``; ``features`` answer the server's requests (method -> handler).

    The client declares what pytest-lsp's client handles (``window/showDocument``)
    unless ``capabilities`` says otherwise.
    """
    client = LanguageClient(converter_factory=plain_notifications)
    register_lsp_features(client)
    for method, handler in (features or {}).items():
        client.feature(method)(handler)
    editor = Editor(client)

    @client.feature("helix/status")
    def on_status(ls: Any, params: Any) -> None:
        editor.statuses.append(params)

    db_args = ("--db", str(db)) if db is not None else ()
    await client.start_io(*SERVER, *db_args, *args, env=env)
    folders = folders or []
    ws = [
        lsp.WorkspaceFolder(uri=uri(f), name=(names[i] if names else f.name))
        for i, f in enumerate(folders)
    ]
    editor.init_result = await asyncio.wait_for(
        client.initialize_session(
            lsp.InitializeParams(
                capabilities=capabilities or SHOWS_DOCUMENTS,
                workspace_folders=ws or None,
                root_uri=uri(folders[0]) if folders else None,
                initialization_options=options,
            )
        ),
        timeout=20,
    )
    return editor


async def stop_editor(editor: Editor) -> None:
    try:
        await asyncio.wait_for(editor.client.shutdown_session(), timeout=10)
    finally:
        await asyncio.wait_for(editor.client.stop(), timeout=10)


def read_context(db: Path, name: str) -> dict[str, str]:
    """What the store holds, read with a separate manager (another process' view)."""
    from helix_lsp.session import SessionManager

    with SessionManager(str(db)) as mgr:
        return mgr.get(name).context


class CommitCounter:
    """Counts commits other connections make to the store (PRAGMA data_version)."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(str(db))
        self.last = self._version()
        self.count = 0

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> None:
        version = self._version()
        if version != self.last:
            self.count += 1
            self.last = version


