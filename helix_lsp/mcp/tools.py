"""Tools: the workspace commands, for an assistant.

Each tool calls the session core exactly as the workspace command of the
same purpose does; where ``session`` is omitted it means the served
project's current session, by the core's rule. A refusal comes back as a
tool error (``is_error``) whose text is the core's one sentence, e.g.
``cannot pause 'x': it is paused; pause needs an active session.``, with
``{"error": {"kind", "message"}}`` as structured content; nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Final

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, WithJsonSchema

from helix_lsp.mcp.access import Access, session_json
from helix_lsp.session import Mode, SessionError, Status, Transition

ModeArg = Annotated[
    Mode,
    WithJsonSchema({"type": "string", "enum": [m.value for m in Mode]}),
    Field(description="the kind of work: " + ", ".join(m.value for m in Mode)),
]
StatusArg = Annotated[
    Status,
    WithJsonSchema({"type": "string", "enum": [s.value for s in Status]}),
    Field(description="a lifecycle status: " + ", ".join(s.value for s in Status)),
]
SessionArg = Annotated[
    str | None,
    Field(description="the session's id or name (default: the project's current session)"),
]
ProjectArg = Annotated[
    str | None,
    Field(description="the project (default: the project this server was started for)"),
]
OwnerArg = Annotated[
    str | None,
    Field(description="whose sessions: yours by default, another owner's name, or '*' for all"),
]

READ: Final = ToolAnnotations(read_only_hint=True, open_world_hint=False)
CHANGE: Final = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
FINISH: Final = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False)


def _ok(payload: dict[str, Any]) -> CallToolResult:
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=payload)


def refused(err: SessionError) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=str(err))],
        structured_content={"error": {"kind": err.kind, "message": str(err)}},
        is_error=True,
    )


def _transition(result: Transition) -> dict[str, Any]:
    payload: dict[str, Any] = {"session": session_json(result.session)}
    if result.paused:
        payload["paused"] = [session_json(p) for p in result.paused]
    return payload


def register(server: MCPServer[Any], access: Access) -> None:
    """Add the session tools to ``server``."""
    mgr, project = access.manager, access.project

    async def run(work: Callable[[], dict[str, Any]], *, changes: bool = True) -> CallToolResult:
        try:
            payload = await access.call(work)
        except SessionError as err:
            return refused(err)
        if changes:
            access.note_change()
        return _ok(payload)

    @server.tool(annotations=CHANGE)
    async def create_session(
        name: Annotated[str, Field(description="a descriptive name, e.g. implement-user-auth")],
        mode: ModeArg = Mode.BUILDING,
        project: ProjectArg = None,
        description: str | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, str] | None = None,
        context: dict[str, str] | None = None,
        start: Annotated[bool, Field(description="start it at once")] = False,
    ) -> CallToolResult:
        """Create a session (idle, or active with start=true; starting pauses the project's
        active session)."""
        return await run(
            lambda: session_json(
                mgr.create(
                    name,
                    mode,
                    project or access.project,
                    description=description,
                    tags=tags or (),
                    metadata=metadata,
                    context=context,
                    start=start,
                )
            )
        )

    def lifecycle(action: str, summary: str, hints: ToolAnnotations) -> None:
        async def act(session: SessionArg = None) -> CallToolResult:
            return await run(lambda: _transition(getattr(mgr, action)(session, project=project)))

        server.tool(name=f"{action}_session", description=summary, annotations=hints)(act)

    lifecycle(
        "start",
        "Start an idle session (default: the project's most recently created idle one); "
        "the project's active session is paused.",
        CHANGE,
    )
    lifecycle("pause", "Pause the active session.", CHANGE)
    lifecycle(
        "resume",
        "Resume a paused session (default: the most recently paused); the project's active "
        "session is paused.",
        CHANGE,
    )
    lifecycle("complete", "Complete an active or paused session (final).", FINISH)

    @server.tool(annotations=FINISH)
    async def fail_session(
        reason: Annotated[str, Field(description="why the work failed (non-empty)")],
        session: SessionArg = None,
    ) -> CallToolResult:
        """Mark a session failed with a reason (final)."""
        return await run(lambda: _transition(mgr.fail(session, reason, project=project)))

    @server.tool(annotations=CHANGE)
    async def set_mode(mode: ModeArg, session: SessionArg = None) -> CallToolResult:
        """Change a session's mode (the kind of work it is for)."""
        return await run(lambda: session_json(mgr.set_mode(session, mode, project=project)))

    @server.tool(annotations=CHANGE)
    async def add_tag(
        tag: Annotated[str, Field(description="the tag to add")], session: SessionArg = None
    ) -> CallToolResult:
        """Add a tag to a session."""
        return await run(lambda: session_json(mgr.add_tag(session, tag, project=project)))

    @server.tool(annotations=CHANGE)
    async def set_context(
        key: Annotated[str, Field(description="e.g. current_file, current_line, branch")],
        value: Annotated[str | None, Field(description="the value; null removes the key")],
        session: SessionArg = None,
    ) -> CallToolResult:
        """Set (or with a null value remove) one entry of a session's working context."""
        return await run(
            lambda: session_json(mgr.set_context(session, key, value, project=project))
        )

    @server.tool(annotations=READ)
    async def list_sessions(
        status: StatusArg | None = None,
        mode: ModeArg | None = None,
        project: Annotated[str | None, Field(description="the project (default: all)")] = None,
        tag: str | None = None,
        query: Annotated[str | None, Field(description="part of the name")] = None,
        limit: Annotated[int, Field(ge=1, le=10_000)] = 50,
        offset: Annotated[int, Field(ge=0)] = 0,
        owner: OwnerArg = None,
    ) -> CallToolResult:
        """List sessions matching every given filter, newest first, with the total."""

        def work() -> dict[str, Any]:
            page = mgr.list(
                status=status,
                mode=mode,
                project=project,
                tag=tag,
                query=query,
                limit=limit,
                offset=offset,
                owner=owner,
            )
            return {"sessions": [session_json(s) for s in page], "total": page.total}

        return await run(work, changes=False)

    @server.tool(annotations=READ)
    async def session_stats(
        project: Annotated[str | None, Field(description="the project (default: all)")] = None,
        owner: OwnerArg = None,
    ) -> CallToolResult:
        """Counts by status and mode, and active time, overall and per project."""
        return await run(lambda: mgr.stats(project, owner=owner).to_json(), changes=False)
