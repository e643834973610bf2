"""The MCP server's wiring: one store, one project, tools, resources, prompts and the watcher."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.subscriptions import InMemorySubscriptionBus

from helix_lsp import __version__
from helix_lsp.mcp import prompts, report, resources, tools, watch
from helix_lsp.mcp.access import Access
from helix_lsp.session import DEFAULT_IDLE_MINUTES, SessionManager

INSTRUCTIONS = (
    "helix-lsp tracks focused development sessions (name, mode, status, tags, metadata and "
    "the file being worked on) in a store shared with the editor and the command line. Read "
    "helix://session/current to know what the developer is working on; use the prompt named "
    "after the session's mode (planning, building, testing, refactoring, debugging, "
    "deployment) for how to work; use the tools to create, start, pause, resume, complete or "
    "fail sessions when asked, and session_report for where the time of a range went."
)


def build(
    manager: SessionManager, project: str, idle_minutes: float = DEFAULT_IDLE_MINUTES
) -> MCPServer[Any]:
    """An MCP server on ``manager``'s store for ``project``; call inside an event loop."""
    access = Access(manager, project, idle_minutes)
    bus = InMemorySubscriptionBus()
    watcher = watch.Watcher(access, bus)

    @asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[None]:
        async with anyio.create_task_group() as group:
            group.start_soon(watcher.run)
            try:
                yield None
            finally:
                group.cancel_scope.cancel()

    server: MCPServer[Any] = MCPServer(
        "helix-lsp",
        title="helix-lsp sessions",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        subscriptions=bus,
        log_level="WARNING",
    )
    tools.register(server, access)
    report.register(server, access)
    resources.register(server, access)
    prompts.register(server, access)
    watch.install(server, watcher)
    return server


def serve(
    db: str | None,
    project: str,
    idle_minutes: float = DEFAULT_IDLE_MINUTES,
    owner: str | None = None,
) -> int:
    """Serve MCP on stdin/stdout until the client closes it."""
    with SessionManager(db, owner=owner) as manager:
        for message in manager.warnings:  # e.g. others can read the store: said once
            sys.stderr.write(f"helix-lsp: {message}\n")

        async def main() -> None:
            await build(manager, project, idle_minutes).run_stdio_async()

        anyio.run(main)
    return 0
