"""The MCP server's way into the session core: one manager, one project, calls off the loop.

Every rule (which session is "current", what a transition allows, the
one-sentence refusals) lives in :mod:`helix_lsp.session`; this module only
runs those calls in a worker thread, one at a time, so a store that is busy
with another writer never stalls the MCP connection's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from helix_lsp.session import (
    DEFAULT_IDLE_MINUTES,
    ConflictError,
    Session,
    SessionManager,
    StorageError,
)

T = TypeVar("T")


def current_session(mgr: SessionManager, project: str) -> Session | None:
    """The project's current session (the core's rule: active, else most recently paused,
    else the idle one ``start`` would take); None when the project has none of these."""
    return mgr.current(project)


def session_json(sess: Session) -> dict[str, Any]:
    """The contract's session object (with ``actions``, the lifecycle actions legal now)."""
    return sess.to_json()


@dataclass
class Access:
    """The store and project one ``helix-lsp mcp`` process serves."""

    manager: SessionManager
    project: str
    #: sessions with no activity for this long are paused as of their last activity
    #: before each call, as every face does (0 = never)
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    #: how many changes were made through the tools (this connection's own commits do
    #: not move its ``data_version``), and an event set at each, to wake the watcher
    changes: int = 0
    changed: anyio.Event = field(default_factory=anyio.Event)
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one core call in a worker thread; calls never overlap on the one connection."""
        async with self._lock:
            return await anyio.to_thread.run_sync(lambda: self._after_away(fn, *args, **kwargs))

    def _after_away(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn`` after the idle rule: a session an editor left active past the limit is
        paused as of its last activity first, so no answer counts the away time."""
        if self.idle_minutes:
            try:
                if self.manager.pause_away(self.idle_minutes):
                    self.changes += 1
            except (StorageError, ConflictError):
                pass  # a damaged or busy store: the call itself says so if it writes
        return fn(*args, **kwargs)

    def note_change(self) -> None:
        """Count a change made through a tool, and wake the store watcher."""
        self.changes += 1
        self.changed.set()
        self.changed = anyio.Event()
