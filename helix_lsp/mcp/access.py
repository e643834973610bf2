"""The MCP server's way into the session core: one manager, one project, calls off the loop.

Every rule (which session is "current", what a transition allows, the
one-sentence refusals) lives in :mod:`helix_lsp.session`; this module only
runs those calls in a worker thread, one at a time, so a store that is busy
with another writer never stalls the MCP connection's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import anyio
import anyio.to_thread

from helix_lsp.session import NotFoundError, Session, SessionManager, legal_actions

T = TypeVar("T")


def current_session(mgr: SessionManager, project: str) -> Session | None:
    """The project's current session: active, else most recently paused, else the idle one
    that ``start`` would take; None when the project has none of these.

    Uses the core's ``SessionManager.current`` where the core has it; otherwise
    asks the core's own lookup rules (``resolve`` with no session, then with
    the ``start`` action), which are the same rules.
    """
    finder = getattr(mgr, "current", None)
    if callable(finder):
        return cast("Session | None", finder(project))
    for action in ("", "start"):
        try:
            return mgr.resolve(None, project, action)
        except NotFoundError:
            continue
    return None


def session_json(sess: Session) -> dict[str, Any]:
    """The contract's session object, with the lifecycle actions legal now."""
    payload = sess.to_json()
    payload.setdefault("actions", legal_actions(sess.status))
    return payload


@dataclass
class Access:
    """The store and project one ``helix-lsp mcp`` process serves."""

    manager: SessionManager
    project: str
    #: how many changes were made through the tools (this connection's own commits do
    #: not move its ``data_version``), and an event set at each, to wake the watcher
    changes: int = 0
    changed: anyio.Event = field(default_factory=anyio.Event)
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one core call in a worker thread; calls never overlap on the one connection."""
        async with self._lock:
            return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))

    def note_change(self) -> None:
        """Count a change made through a tool, and wake the store watcher."""
        self.changes += 1
        self.changed.set()
        self.changed = anyio.Event()
