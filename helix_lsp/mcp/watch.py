"""Change notifications: tell subscribers when a session resource changes in the store.

Any process may change the store (an editor's language server, the CLI,
this server's own tools), so the watcher looks at the store itself: while
at least one resource is subscribed, it reads SQLite's ``data_version``
(``SessionManager.data_version()``, which moves when another connection
commits) about once a second, and checks at once after a tool of this server
changed something (its own commits do not move its own ``data_version``).
When something changed, it compares each subscribed resource's fingerprint
(session id, ``updated_at``, status) with the last one seen and sends
``notifications/resources/updated`` for those that differ; the passing of time
alone is not a change. With no subscriber it reads nothing.

The process keeps a single manager (one connection) on the store: opening
a second one on the same file would make the first miss other processes'
commits (see the MCP page of the documentation).

Subscriptions arrive in both of the protocol's forms: ``resources/subscribe``
(protocol versions up to 2025-11-25, what clients use today) and
``subscriptions/listen`` streams (2026-07-28), whose resource URIs are seen by
a middleware for as long as the stream is open.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.session import ServerSession
from mcp.server.subscriptions import ResourceUpdated, SubscriptionBus
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    EmptyResult,
    SubscribeRequestParams,
    SubscriptionsListenRequestParams,
    UnsubscribeRequestParams,
)
from pydantic import ValidationError

from helix_lsp.mcp.access import Access
from helix_lsp.mcp.resources import CURRENT_URI, SESSION_PREFIX, fingerprint

POLL_SECONDS: Final = 1.0


class Watcher:
    """Who is subscribed to what, and the loop that notices changes for them."""

    def __init__(self, store: Access, bus: SubscriptionBus) -> None:
        self._store = store  # shared with the tools: their ``changed`` event wakes the loop
        self._bus = bus
        #: resources/subscribe: uri -> the connection's session (stdio has one connection)
        self._subscribed: dict[str, ServerSession] = {}
        #: subscriptions/listen: uri -> number of open streams asking for it
        self._listening: Counter[str] = Counter()
        self._seen: dict[str, tuple[object, ...]] = {}
        self._version: int | None = None
        self._changes_seen = 0

    # -- subscriptions ------------------------------------------------------------

    def uris(self) -> set[str]:
        return set(self._subscribed) | {u for u, n in self._listening.items() if n > 0}

    async def _baseline(self, uri: str) -> None:
        """Remember how ``uri`` looks now, so that the next difference is a change."""
        if uri not in self._seen:
            self._seen[uri] = await self._store.call(
                fingerprint, self._store.manager, uri, self._store.project
            )

    def _forget(self, uri: str) -> None:
        """Drop what was seen of ``uri`` once nobody listens to it any more."""
        if uri not in self.uris():
            self._seen.pop(uri, None)

    @staticmethod
    def _check(uri: str) -> None:
        if uri != CURRENT_URI and not (
            uri.startswith(SESSION_PREFIX) and len(uri) > len(SESSION_PREFIX)
        ):
            raise MCPError(INVALID_PARAMS, f"there is no resource {uri!r} to subscribe to.")

    async def subscribe(
        self, ctx: ServerRequestContext[Any, Any], params: SubscribeRequestParams
    ) -> EmptyResult:
        self._check(params.uri)
        await self._baseline(params.uri)
        self._subscribed[params.uri] = ctx.session
        return EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any, Any], params: UnsubscribeRequestParams
    ) -> EmptyResult:
        self._subscribed.pop(params.uri, None)
        self._forget(params.uri)
        return EmptyResult()

    async def listen_middleware(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        """See which resources a ``subscriptions/listen`` stream wants, while it is open."""
        if ctx.method != "subscriptions/listen" or ctx.request_id is None:
            return await call_next(ctx)
        try:
            wanted = SubscriptionsListenRequestParams.model_validate(ctx.params or {})
        except ValidationError:
            return await call_next(ctx)  # the SDK answers the malformed request
        uris = [u for u in wanted.notifications.resource_subscriptions or () if u]
        for uri in uris:
            await self._baseline(uri)
        self._listening.update(uris)
        try:
            return await call_next(ctx)
        finally:
            self._listening.subtract(uris)
            for uri in uris:
                self._forget(uri)

    # -- the loop -------------------------------------------------------------------

    async def run(self) -> None:
        """Until cancelled: wait for a tick or a tool's change, then check the store."""
        while True:
            with anyio.move_on_after(POLL_SECONDS):
                await self._store.changed.wait()
            await self.check()

    async def check(self) -> None:
        """Notify the subscribers of every resource that differs from when last seen."""
        changed_here = self._store.changes != self._changes_seen
        self._changes_seen = self._store.changes
        uris = self.uris()
        if not uris:
            self._version = None
            return
        version = await self._store.call(self._store.manager.data_version)
        if version == self._version and not changed_here:
            return
        self._version = version
        for uri in sorted(uris):
            now = await self._store.call(fingerprint, self._store.manager, uri, self._store.project)
            before = self._seen.get(uri)
            self._seen[uri] = now
            if before is not None and before != now:
                await self._notify(uri)

    async def _notify(self, uri: str) -> None:
        session = self._subscribed.get(uri)
        if session is not None:
            try:
                await session.send_resource_updated(uri)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                self._subscribed.pop(uri, None)  # the client has gone
        if self._listening[uri] > 0:
            await self._bus.publish(ResourceUpdated(uri=uri))


def install(server: MCPServer[Any], watcher: Watcher) -> None:
    """Serve ``resources/subscribe`` / ``unsubscribe`` and watch ``subscriptions/listen``.

    ``MCPServer`` leaves the legacy subscribe methods unserved; the SDK's
    documented way to provide a spec method it does not is the low-level
    server's ``add_request_handler``, which also makes the capabilities
    advertise ``resources.subscribe``.
    """
    lowlevel = server._lowlevel_server
    lowlevel.add_request_handler("resources/subscribe", SubscribeRequestParams, watcher.subscribe)
    lowlevel.add_request_handler(
        "resources/unsubscribe", UnsubscribeRequestParams, watcher.unsubscribe
    )
    server.middleware.append(watcher.listen_middleware)
