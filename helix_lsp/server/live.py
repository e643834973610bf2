"""A PostgreSQL store's one connection: live status, outages, idle servers.

**Connections.** A helix-lsp server holds at most *one* connection to
PostgreSQL, and it does everything on it: its commands, its cursor writes,
and ``LISTEN`` for the changes other servers and the command line commit
(the store's trigger sends ``pg_notify`` for every change a status shows,
and a cursor write's new place right after its commit). Listening blocks no
thread: the connection's socket is watched by the server's asyncio loop
(``loop.add_reader``), and when it becomes readable the notifications that
arrived are taken without waiting; notifications that arrive while a command
runs on the connection are collected by the driver and taken right after.
Our own commits come back as notifications too and are recognised by the
sending backend's process id.

**A channel per project.** Each change to a session notifies
``project:<name>`` on that project's channel (``pgchannels.channel``), and a
server listens only to the channels of the projects its status shows
(:meth:`StoreLink.listen`, given ``ServerState.projects()``: the workspace
folders' projects and the current one; the status's ``active``, ``current``
and ``sessions`` are all sessions of those projects). When the workspace
folders change, the new projects are listened to and those that left are
not; a connection opened again (after an outage or an idle close) listens to
them all again. So in a team, a commit wakes only the windows that show its
project, not every window; the payload is still checked (``touches``) before
the status is read, so a channel shared by two names costs nothing more than
a wake-up.

A quiet server sends PostgreSQL nothing: no polling, and the ``idleMinutes``
check runs at the moment the first active session of its projects would be
away (every status read sets that moment again), not every second. Other
writers' changes make at most four status reads a second.

A server whose editor has sent nothing for :data:`IDLE_CLOSE` seconds
(``HELIX_LSP_PG_IDLE_SECONDS``; 0 keeps it open) closes its connection
(nothing is pending then: cursor positions are written within a second). It
reconnects on demand, at the next cursor move, edit or command, and catches
up by reading the status again, since notifications sent while it was away
are not kept by PostgreSQL. While it is closed, its status bar shows what it
showed before. So that ``idleMinutes`` still pauses a session left active,
the server wakes at the moment that session would be away, reconnects for
that one check and closes again.

So a team needs about one connection per editor window *in use*, not per
window open: 200 developers with three windows each hold some 200 to 300 at
the busiest hour, not 600 (and next to none at night); ``max_connections``
must be above that (or ``HELIX_LSP_PG_IDLE_SECONDS`` lower). ``LISTEN`` does
not work through a transaction-pooling proxy (PgBouncer's ``pool_mode =
transaction``), so helix-lsp connects to PostgreSQL directly or through a
session-pooling one.

**Outages.** When the connection is lost (the server stops, the network
drops) or cannot be opened, the link goes *offline*: commands are refused
by the store with kind ``storage`` and a sentence naming the host, the
status keeps showing the last sessions with ``store: {online: false,
message}``, cursor positions wait in memory (bounded), and the link tries
again after 0.5 s, doubling to 10 s, besides the try every command makes.
Each try first probes the server from a worker thread (a host that does not
answer must not freeze the editor's messages), then reconnects. Once back,
the waiting positions are written in one go and one status goes out with
``store: {online: true}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from helix_lsp.session import SessionError, SessionManager

log = logging.getLogger("helix_lsp.server")

#: seconds without any message from the editor after which the connection is closed
IDLE_CLOSE = 300.0
IDLE_ENV = "HELIX_LSP_PG_IDLE_SECONDS"
#: a notification naming the project of a changed session (``pgschema``'s trigger)
PROJECT_PREFIX = "project:"


def touches(payloads: list[str], projects: Iterable[str]) -> bool:
    """Whether notifications with these payloads may change what ``projects`` show.

    ``project:NAME`` names the project of a changed session; a bare number
    (a change count, which older stores sent with every commit) says nothing
    more than the project notifications of the same commit; anything else is
    taken as a change that concerns everyone.
    """
    mine = set(projects)
    for payload in payloads:
        if payload.startswith(PROJECT_PREFIX):
            if payload[len(PROJECT_PREFIX):] in mine:
                return True
        elif not payload.isdigit():
            return True
    return False
#: first wait before reconnecting after an outage, doubled up to RETRY_MAX
RETRY_FIRST = 0.5
RETRY_MAX = 10.0


@runtime_checkable
class LiveStore(Protocol):
    """What a store that keeps a connection to a server offers (the PostgreSQL store).

    After :meth:`watch`, ``on_connection`` is called with None each time a
    connection is opened again (by :meth:`connect`, or on demand by a
    statement), and with the one-sentence reason when the connection is lost
    or cannot be opened; ``on_notify`` when other writers' notifications
    were collected while a statement ran.
    """

    def watch(
        self, on_connection: Callable[[str | None], None], on_notify: Callable[[], None]
    ) -> None: ...

    def unwatch(self) -> None: ...

    def listen(self, projects: Iterable[str]) -> None:
        """Hear the changes of these projects only (LISTEN on their channels, UNLISTEN
        the others), on the connection and on every one opened later."""

    def socket_fd(self) -> int | None:
        """The socket of the open connection; None when there is none."""

    def received(self) -> list[str]:
        """Payloads of other connections' notifications received so far (never waits);
        raises ``StorageError`` when the connection turns out to be lost."""

    def connect(self) -> None:
        """Open the connection unless it is open; ``StorageError`` on failure."""

    def disconnect(self) -> None:
        """Close the connection, on purpose."""

    def probe(self) -> None:
        """Open and close a connection of its own; ``StorageError`` when that fails.
        Safe to call from another thread."""


def idle_close_seconds() -> float | None:
    """``$HELIX_LSP_PG_IDLE_SECONDS``, else :data:`IDLE_CLOSE`; None: never close."""
    text = os.environ.get(IDLE_ENV, "").strip()
    try:
        value = float(text) if text else IDLE_CLOSE
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %d", IDLE_ENV, text, IDLE_CLOSE)
        value = IDLE_CLOSE
    return value if value > 0 else None


def live_store(mgr: SessionManager) -> LiveStore | None:
    """The manager's store when it is one that can be live (PostgreSQL), else None."""
    return mgr.store if isinstance(mgr.store, LiveStore) else None


class Link(enum.Enum):
    ONLINE = "online"
    IDLE = "idle"  # closed on purpose; reopened on demand
    OFFLINE = "offline"  # lost; retrying


class StoreLink:
    """Watches one live store's connection for the server (see the module docstring).

    ``on_changes(payloads)``: other writers committed. ``on_offline()``: the
    connection was just lost. ``on_back(after_outage)``: a connection is open
    again (after an outage, or after an idle close: re-read what may have
    changed meanwhile).
    """

    def __init__(
        self,
        store: LiveStore,
        *,
        on_changes: Callable[[list[str]], None],
        on_offline: Callable[[], None],
        on_back: Callable[[bool], None],
    ) -> None:
        self.store = store
        self._on_changes = on_changes
        self._on_offline = on_offline
        self._on_back = on_back
        self.state = Link.ONLINE if store.socket_fd() is not None else Link.IDLE
        self.message: str | None = None
        self._fd: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retry: asyncio.TimerHandle | None = None
        self._retrying = False
        self._delay = RETRY_FIRST
        self._wake: asyncio.TimerHandle | None = None
        self._last_demand = time.monotonic()
        self._announce = False  # say ``online: true`` in the next status
        self.idle_close = idle_close_seconds()
        self._stopped = False
        self.reconnects = 0
        self._projects: tuple[str, ...] = ()

    # -- state -----------------------------------------------------------------

    @property
    def offline(self) -> bool:
        return self.state is Link.OFFLINE

    def store_field(self) -> dict[str, object] | None:
        """``helix/status``'s ``store``: offline with its reason, ``online`` once after
        an outage, else nothing."""
        if self.state is Link.OFFLINE:
            return {"online": False, "message": self.message or "the store is unreachable."}
        if self._announce:
            self._announce = False
            return {"online": True}
        return None

    def came_back(self) -> None:
        """Say ``online: true`` in the next status (the store was unreachable before)."""
        self._announce = True

    def idle_too_long(self) -> bool:
        """Whether the editor has been quiet long enough to close the connection."""
        return self.idle_close is not None and (
            time.monotonic() - self._last_demand >= self.idle_close
        )

    # -- start and stop --------------------------------------------------------

    def start(self) -> None:
        """Begin watching; call from the event loop."""
        self._loop = asyncio.get_running_loop()
        self.store.watch(self._connection_event, self._notified)
        with contextlib.suppress(SessionError):  # reported: offline, retrying
            self.store.listen(self._projects)
        self._watch()

    def listen(self, projects: Iterable[str]) -> None:
        """Hear the changes of ``projects`` from now on (a no-op when they are the same).

        Before :meth:`start` it only remembers them. A failure is reported as
        every loss is (offline, retrying), and the connection opened then
        listens to them.
        """
        wanted = tuple(sorted(set(projects)))
        if wanted == self._projects:
            return
        self._projects = wanted
        if self._loop is not None and not self._stopped:
            with contextlib.suppress(SessionError):
                self.store.listen(wanted)

    def stop(self) -> None:
        self._stopped = True
        self._unwatch()
        for handle in (self._retry, self._wake):
            if handle is not None:
                handle.cancel()
        self._retry = self._wake = None
        self.store.unwatch()

    def _watch(self) -> None:
        fd = self.store.socket_fd()
        if fd == self._fd:
            return
        self._unwatch()
        if fd is not None and self._loop is not None:
            self._loop.add_reader(fd, self._readable)
            self._fd = fd

    def _unwatch(self) -> None:
        if self._fd is not None and self._loop is not None:
            self._loop.remove_reader(self._fd)
        self._fd = None

    # -- notifications -----------------------------------------------------------

    def _readable(self) -> None:
        self.drain()

    def _notified(self) -> None:
        """Notifications were collected while a statement ran: take them soon."""
        if self._loop is not None and not self._stopped:
            self._loop.call_soon(self.drain)

    def drain(self) -> None:
        """Take the notifications received so far and report other writers' changes."""
        if self.state is not Link.ONLINE:
            return
        try:
            payloads = self.store.received()
        except SessionError:
            return  # ``on_connection`` has reported the loss
        if payloads:
            self._on_changes(payloads)

    # -- connection events -------------------------------------------------------

    def _connection_event(self, message: str | None) -> None:
        if self._stopped:
            return
        if message is None:
            self._connected()
        else:
            self._lost(message)

    def _connected(self) -> None:
        was = self.state
        self.state = Link.ONLINE
        self.message = None
        self._watch()
        if was is Link.ONLINE:
            return
        self._delay = RETRY_FIRST
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        after_outage = was is Link.OFFLINE
        if after_outage:
            self.reconnects += 1
            self._announce = True
            log.info("the session store is reachable again")
        if self._loop is not None:  # not inside the statement that reconnected
            self._loop.call_soon(self._on_back, after_outage)

    def _lost(self, message: str) -> None:
        first = self.state is not Link.OFFLINE
        self.state = Link.OFFLINE
        self.message = message
        self._unwatch()
        if first:
            log.warning("%s", message)
            self._delay = RETRY_FIRST
            self._schedule_retry()
            if self._loop is not None:
                self._loop.call_soon(self._on_offline)

    # -- reconnecting ------------------------------------------------------------

    def _schedule_retry(self) -> None:
        if self._loop is None or self._stopped or self._retry is not None or self._retrying:
            return
        self._retry = self._loop.call_later(self._delay, self._start_retry)

    def _start_retry(self) -> None:
        self._retry = None
        if self.state is Link.OFFLINE and self._loop is not None:
            self._retrying = True
            self._loop.create_task(self._try_again())

    async def _try_again(self) -> None:
        """Probe in a worker thread (a silent host must not hold up the editor's
        messages), then reconnect on the loop."""
        assert self._loop is not None
        try:
            await self._loop.run_in_executor(None, self.store.probe)
            if self.state is Link.OFFLINE:
                self.store.connect()  # reports through ``on_connection``
        except SessionError as err:
            if self.state is Link.OFFLINE:
                self.message = str(err)
        except Exception:  # a timer task: nobody else would see it
            log.exception("reconnecting to the session store failed")
        finally:
            self._retrying = False
        if self.state is Link.OFFLINE:
            self._delay = min(self._delay * 2, RETRY_MAX)
            self._schedule_retry()

    # -- idle --------------------------------------------------------------------

    def demand(self) -> None:
        """The editor did something: count it, and reopen a connection closed for idleness."""
        self._last_demand = time.monotonic()
        if self.state is Link.IDLE:
            self.reopen()

    def reopen(self) -> None:
        """Open the connection now (its failure makes the link offline)."""
        if self.state is not Link.OFFLINE:
            with contextlib.suppress(SessionError):  # ``on_connection`` reports it
                self.store.connect()

    def close_for_idle(self, wake_in: float | None, wake: Callable[[], None]) -> None:
        """Close the connection; call ``wake`` after ``wake_in`` seconds (if not None)."""
        if self.state is not Link.ONLINE:
            return
        self._unwatch()
        self.store.disconnect()
        self.state = Link.IDLE
        log.info("closed the session store's connection after %g s without activity",
                 self.idle_close)
        self.set_wake(wake_in, wake)

    def set_wake(self, wake_in: float | None, wake: Callable[[], None]) -> None:
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        if wake_in is not None and self._loop is not None:
            self._wake = self._loop.call_later(max(wake_in, 0.0), wake)


__all__ = ["IDLE_CLOSE", "PROJECT_PREFIX", "Link", "LiveStore", "StoreLink", "idle_close_seconds", "live_store", "touches"]
