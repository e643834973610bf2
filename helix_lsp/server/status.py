"""The ``helix/status`` push: what the editor's status bar shows.

The payload is ``{active, current, sessions}``: the current project's active
session, its *current* session (the active one, else the most recently paused
one, else the idle one that ``start`` would take, as the core decides), and
the active sessions of every project of the workspace. A session that cannot
be read or shown is left out and reported once in the log; the others still
go out.

The client never has to poll. The server pushes the status after
``initialized``, after every change it makes (20 ms later, so a command's
reply goes out first and a burst of changes, such as a script driving several
commands, makes one push instead of one each; a status bar shows no
difference), at most once every two seconds for cursor moves
alone, and when another process commits to the store. On SQLite the last one
is noticed by polling ``PRAGMA data_version`` (through the core) about once a
second: cheap, and it changes only for other connections' commits. On
PostgreSQL nothing is polled: the store's notifications arrive on the
server's connection (:mod:`helix_lsp.server.live`), and the poller only
ticks; there, other writers' changes make at most four pushes a second
(:meth:`StatusPusher.changed_elsewhere`), however many colleagues work in
the same project.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from helix_lsp.session import SessionError

log = logging.getLogger("helix_lsp.server")

STATUS = "helix/status"
SHOW_MESSAGE = "window/showMessage"
CURSOR_INTERVAL = 2.0
POLL_INTERVAL = 1.0
#: how long after a change the status goes out; later changes ride along
CHANGE_DELAY = 0.02
#: least time between two pushes for other writers' changes (a live store)
ELSEWHERE_INTERVAL = 0.25


def status_params(
    *,
    active: dict[str, Any] | None = None,
    current: dict[str, Any] | None = None,
    sessions: list[dict[str, Any]] | None = None,
    store: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``helix/status`` params; with no arguments, "nothing to show".

    ``store`` (``{online, message}``) is sent only when there is something to
    say about the store's connection.
    """
    params = {"active": active, "current": current, "sessions": sessions or []}
    if store is not None:
        params["store"] = store
    return params


class StatusPusher:
    """Decides when to send ``helix/status``; ``build`` makes the payload."""

    def __init__(
        self,
        send: Callable[[str, dict[str, Any]], None],
        build: Callable[[], dict[str, Any]],
    ) -> None:
        self._send = send
        self._build = build
        self._soon: asyncio.TimerHandle | None = None
        self._later: asyncio.TimerHandle | None = None  # a push held back
        self._later_at = 0.0
        self._last_push = 0.0
        self._reported: set[str] = set()
        self.pushes = 0

    def cannot_show(self, err: Exception, session_id: str | None = None) -> None:
        """Report, once per session and problem, a session left out of the status."""
        what = f"session {session_id}" if session_id else "a session"
        message = f"{what} cannot be shown in the status and is left out: {err}"
        if message not in self._reported:
            self._reported.add(message)
            log.warning("%s", message)

    def changed(self) -> None:
        """A session changed: push shortly, once for every change until then."""
        if self._soon is None:
            self._soon = asyncio.get_running_loop().call_later(CHANGE_DELAY, self.push_now)

    def cursor_moved(self) -> None:
        """Only a cursor position changed: push at most once per two seconds."""
        self._at_most_every(CURSOR_INTERVAL)

    def changed_elsewhere(self) -> None:
        """Another process committed a change: push at most four times a second.

        Each push reads the store as it is then, so a change that arrives
        within a quarter of a second of the last push goes out with the next one.
        """
        self._at_most_every(ELSEWHERE_INTERVAL)

    def _at_most_every(self, interval: float) -> None:
        """Push ``interval`` after the last push (soon, if that is past), unless a push
        is due by then anyway."""
        if self._soon is not None:
            return
        now = time.monotonic()
        due = self._last_push + interval
        if self._later is not None:
            if self._later_at <= due:
                return
            self._later.cancel()
            self._later = None
        if due <= now:
            self.changed()
        else:
            self._later_at = due
            self._later = asyncio.get_running_loop().call_later(due - now, self.push_now)

    def push_now(self) -> None:
        """Build and send the status now."""
        for handle in (self._soon, self._later):
            if handle is not None:
                handle.cancel()
        self._soon = self._later = None
        try:
            payload = self._build()
        except SessionError as err:
            log.warning("status not sent: %s", err)
            return
        except Exception:  # a timer callback: nobody else would see it
            log.exception("status not sent")
            return
        self._last_push = time.monotonic()
        self.pushes += 1
        self._send(STATUS, payload)

    def stop(self) -> None:
        for handle in (self._soon, self._later):
            if handle is not None:
                handle.cancel()
        self._soon = self._later = None


class StorePoller:
    """Calls ``on_tick`` every second and ``on_external`` when another process wrote.

    Without ``data_version`` (a store that tells of other writers itself) it
    only ticks.
    """

    def __init__(
        self,
        data_version: Callable[[], int] | None,
        on_external: Callable[[], None],
        on_tick: Callable[[], None],
        interval: float = POLL_INTERVAL,
    ) -> None:
        self._data_version = data_version
        self._on_external = on_external
        self._on_tick = on_tick
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._version: int | None = None

    def start(self) -> None:
        if self._task is None:
            self._version = self._read()
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _read(self) -> int | None:
        if self._data_version is None:
            return None
        try:
            return self._data_version()
        except SessionError as err:
            log.warning("cannot read the store's version: %s", err)
            return None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                version = self._read()
                if version is not None and version != self._version:
                    self._version = version
                    self._on_external()
                self._on_tick()
            except Exception:  # keep polling whatever one tick did
                log.exception("store poll failed")
