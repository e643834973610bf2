"""Resources: the current session, and any session by id.

``helix://session/current`` is the served project's current session (the
core's rule: active, else most recently paused, else the idle one ``start``
would take), or ``"session": null`` when there is none, so that an assistant
can subscribe before any session exists. ``helix://session/{id}`` is one
session by id (or name).

The store records each session's latest position (``context.current_file``,
``current_line``, ``branch``), not a list of files visited, so
``recentFiles`` holds that one position and says so in ``recentFilesNote``.
"""

from __future__ import annotations

import json
from typing import Any, Final

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from helix_lsp.mcp.access import Access, current_session, session_json
from helix_lsp.session import NotFoundError, Session, SessionError, SessionManager

CURRENT_URI: Final = "helix://session/current"
SESSION_PREFIX: Final = "helix://session/"
SESSION_TEMPLATE: Final = SESSION_PREFIX + "{id}"
MIME: Final = "application/json"

RECENT_FILES_NOTE: Final = (
    "The store keeps each session's latest position only (context current_file, "
    "current_line, branch); recentFiles lists that position, not a history of files."
)


def recent_files(sess: Session) -> list[dict[str, str]]:
    """The files known for ``sess``: its latest position, when one was recorded."""
    ctx = sess.context
    file = ctx.get("current_file")
    if not file:
        return []
    entry = {"file": file}
    for key, out in (("current_line", "line"), ("current_column", "column"), ("branch", "branch")):
        if ctx.get(key):
            entry[out] = ctx[key]
    return [entry]


def describe(sess: Session) -> dict[str, Any]:
    """A session as the resources show it: the session object and its files."""
    return {
        "session": session_json(sess),
        "recentFiles": recent_files(sess),
        "recentFilesNote": RECENT_FILES_NOTE,
    }


def current_payload(mgr: SessionManager, project: str) -> dict[str, Any]:
    sess = current_session(mgr, project)
    if sess is None:
        return {
            "project": project,
            "session": None,
            "recentFiles": [],
            "note": f"project {project!r} has no active, paused or idle session; "
            "create_session makes one.",
        }
    return {"project": project, **describe(sess)}


def session_payload(mgr: SessionManager, ref: str) -> dict[str, Any]:
    return describe(mgr.get(ref))


def fingerprint(mgr: SessionManager, uri: str, project: str) -> tuple[object, ...]:
    """What must differ for the resource at ``uri`` to have changed (time alone does not)."""
    try:
        if uri == CURRENT_URI:
            sess = current_session(mgr, project)
        elif uri.startswith(SESSION_PREFIX):
            sess = mgr.get(uri[len(SESSION_PREFIX) :])
        else:
            return ("unknown",)
    except NotFoundError:
        return ("missing",)
    if sess is None:
        return ("none",)
    rec = sess.record
    return (rec.id, rec.updated_at, rec.status.value)


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def register(server: MCPServer[Any], access: Access) -> None:
    """Add the two resources to ``server``."""

    @server.resource(
        CURRENT_URI,
        name="current-session",
        title="Current session",
        description=f"The current session of project {access.project!r} (active, else most "
        "recently paused, else the idle one start would take): name, mode, status, tags, "
        "metadata, context, legal actions and the file being worked on.",
        mime_type=MIME,
    )
    async def current() -> str:
        try:
            return _dump(await access.call(current_payload, access.manager, access.project))
        except SessionError as err:
            raise ResourceError(str(err)) from err

    @server.resource(
        SESSION_TEMPLATE,
        name="session",
        title="Session by id",
        description="One session by its id (or its name): the same object as the current "
        "session resource.",
        mime_type=MIME,
    )
    async def by_id(id: str) -> str:
        try:
            return _dump(await access.call(session_payload, access.manager, id))
        except NotFoundError as err:
            raise ResourceNotFoundError(str(err)) from err
        except SessionError as err:
            raise ResourceError(str(err)) from err
