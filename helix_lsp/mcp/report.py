"""The ``session_report`` tool: where the time of a range went, for an assistant.

It takes the parameters of ``helix.session.report`` and ``helix-lsp report``
(``since``, ``from``, ``to``, ``project``, ``tz``) and answers with the report
object as structured content and the text report as text, so a client that
reads only text still gets the figures laid out. ``from`` is a Python
keyword, so the tool's schema comes from a function that names it ``from_``
and the call maps the wire's ``from`` back to it.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent
from pydantic import Field

from helix_lsp.mcp.access import Access
from helix_lsp.mcp.tools import READ, OwnerArg, refused
from helix_lsp.session import SessionError

#: The text report's width: what an assistant shows in a code block without wrapping.
TEXT_WIDTH = 100

DESCRIPTION = (
    "Where the active time of a range went (default: today and the 6 days before): the total, "
    "per day stacked by mode, per mode, per project, per session, top files and branches. "
    "Days are cut at local midnight in tz."
)


def _aliased(fn: Callable[..., Awaitable[CallToolResult]]) -> Callable[..., Any]:
    """``fn`` as a tool whose ``from_`` parameter is ``from`` on the wire."""

    async def session_report(**given: Any) -> CallToolResult:
        return await fn(**{("from_" if key == "from" else key): v for key, v in given.items()})

    session_report.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
    session_report.__doc__ = fn.__doc__
    return session_report


def register(server: MCPServer[Any], access: Access) -> None:
    """Add ``session_report`` to ``server``."""

    async def report(
        since: Annotated[
            str | None, Field(description="a length back from now: 7d, 2w or 12h (default 7d)")
        ] = None,
        from_: Annotated[
            str | None,
            Field(alias="from", description="the first day (2026-11-24) or a timestamp"),
        ] = None,
        to: Annotated[
            str | None, Field(description="the last day, included, or a timestamp (default: now)")
        ] = None,
        project: Annotated[str | None, Field(description="the project (default: all)")] = None,
        owner: OwnerArg = None,
        tz: Annotated[
            str | None,
            Field(description="the IANA time zone the days are cut in (default: the server's)"),
        ] = None,
    ) -> CallToolResult:
        from helix_lsp.report import build_report, render_text

        def work() -> tuple[dict[str, Any], str]:
            built = build_report(
                access.manager,
                since=since,
                from_=from_,
                to=to,
                project=project,
                tz=tz,
                owner=owner,
            )
            return built.to_json(), render_text(built, width=TEXT_WIDTH)

        try:
            payload, text = await access.call(work)
        except SessionError as err:
            return refused(err)
        return CallToolResult(
            content=[TextContent(type="text", text=text)], structured_content=payload
        )

    server.add_tool(
        _aliased(report), name="session_report", description=DESCRIPTION, annotations=READ
    )
