"""Start ``python3 -m helix_lsp mcp`` over real stdio and talk to it with the SDK's own client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

#: generous guard against a hang; nothing here measures speed
WAIT_SECONDS = 20


@dataclass
class Updates:
    """The ``notifications/resources/updated`` a client received, in order."""

    uris: list[str] = field(default_factory=list)
    _arrived: anyio.Event = field(default_factory=anyio.Event)

    async def handle(self, message: object) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.uris.append(message.params.uri)
            self._arrived.set()
            self._arrived = anyio.Event()

    async def wait_for(self, uri: str) -> None:
        with anyio.fail_after(WAIT_SECONDS):
            while uri not in self.uris:
                await self._arrived.wait()


def server_env(db: Path) -> dict[str, str]:
    env = {"PYTHONPATH": os.environ["PYTHONPATH"], "HELIX_LSP_DB": str(db)}
    if "HELIX_LSP_OWNER" in os.environ:  # the same person as the tests' other faces
        env["HELIX_LSP_OWNER"] = os.environ["HELIX_LSP_OWNER"]
    return env


@asynccontextmanager
async def connect(
    db: Path,
    cwd: Path,
    *extra: str,
    updates: Updates | None = None,
    db_flag: bool = True,
    handshake: bool = True,
) -> AsyncIterator[ClientSession]:
    """A connected client of ``helix-lsp mcp --db DB`` started in ``cwd``.

    ``db_flag=False`` leaves the store to ``HELIX_LSP_DB``; ``handshake=False``
    connects with the 2026-07-28 ``server/discover`` instead of ``initialize``.
    """
    cwd.mkdir(parents=True, exist_ok=True)
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "helix_lsp", "mcp", *(["--db", str(db)] if db_flag else []), *extra],
        cwd=cwd,
        env=server_env(db),
    )
    handler = updates.handle if updates is not None else None
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write, message_handler=handler) as session,
    ):
        with anyio.fail_after(WAIT_SECONDS):
            await (session.initialize() if handshake else session.discover())
        yield session


def cli(db: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python3 -m helix_lsp session ARGS --db DB`` in ``cwd``, as a shell user would run it."""
    env = {**os.environ, "HELIX_LSP_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args, "--db", str(db)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def call(session: ClientSession, tool: str, /, **arguments: Any) -> types.CallToolResult:
    with anyio.fail_after(WAIT_SECONDS):
        return await session.call_tool(tool, arguments)


async def ok(session: ClientSession, tool: str, /, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; its structured result."""
    result = await call(session, tool, **arguments)
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content


def text_of(result: types.CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, types.TextContent))


async def read_json(session: ClientSession, uri: str) -> dict[str, Any]:
    with anyio.fail_after(WAIT_SECONDS):
        result = await session.read_resource(uri)
    (content,) = result.contents
    assert isinstance(content, types.TextResourceContents)
    assert content.mime_type == "application/json"
    payload: dict[str, Any] = json.loads(content.text)
    return payload


async def prompt_text(session: ClientSession, name: str, /, **arguments: str) -> str:
    with anyio.fail_after(WAIT_SECONDS):
        result = await session.get_prompt(name, arguments or None)
    texts = []
    for message in result.messages:
        assert isinstance(message.content, types.TextContent)
        texts.append(message.content.text)
    return "\n".join(texts)
