"""A PostgreSQL store that cannot be reached when the editor starts.

A laptop that starts its editor before the VPN is up must not be left with a
language server that refuses everything until it is restarted. Until the
store opens, every command is refused with the store's sentence (kind
``storage``, naming the host), ``helix/status`` says ``store: {online:
false, message}``, and the store is opened again in a worker thread (so a
host that does not answer holds up no message) after 0.5 s, doubling to
10 s, and at once when a command asks for it. Once it opens, the server
goes on as if it had opened at start-up and says ``store: {online: true}``
once. A SQLite file that cannot be opened is not retried: its sentence says
what to fix.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from helix_lsp.server.live import RETRY_FIRST, RETRY_MAX
from helix_lsp.session import SessionError, SessionManager, StorageError
from helix_lsp.session.pgurl import is_url

log = logging.getLogger("helix_lsp.server")


def worth_retrying(target: str | None, err: SessionError) -> bool:
    """Whether opening ``target`` may succeed later: a server that could not be reached."""
    return target is not None and is_url(target) and isinstance(err, StorageError)


class LateOpening:
    """Opens the store until it succeeds; ``opened(mgr)`` is called once, on the loop."""

    def __init__(
        self,
        open_store: Callable[[], SessionManager],
        opened: Callable[[SessionManager], None],
        error: SessionError,
    ) -> None:
        self._open = open_store
        self._opened = opened
        self.error = error
        self._task: asyncio.Task[None] | None = None
        self._done = False

    def store_field(self) -> dict[str, object]:
        return {"online": False, "message": str(self.error)}

    def start(self) -> None:
        if self._task is None and not self._done:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        self._done = True
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def try_now(self) -> None:
        """A command needs the store: one attempt on the spot (it refuses if this fails)."""
        if self._done:
            return
        try:
            mgr = self._open()
        except SessionError as err:
            self.error = err
            return
        self._finish(mgr)

    def _finish(self, mgr: SessionManager) -> None:
        if self._done:
            mgr.close()
            return
        self._done = True
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self._task = None
        log.info("the session store is reachable now")
        self._opened(mgr)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        delay = RETRY_FIRST
        while not self._done:
            await asyncio.sleep(delay)
            try:
                mgr = await loop.run_in_executor(None, self._open)
            except SessionError as err:
                self.error = err
                delay = min(delay * 2, RETRY_MAX)
                continue
            except Exception:  # a background task: nobody else would see it
                log.exception("opening the session store failed")
                delay = RETRY_MAX
                continue
            self._finish(mgr)
            return


__all__ = ["LateOpening", "worth_retrying"]
