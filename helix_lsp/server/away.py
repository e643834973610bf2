"""Start-up: sessions left active while nobody worked, and the offer to resume one.

When the editor was closed without pausing (or the machine slept), the
session stayed active in the store. A starting server pauses such sessions
of its workspace *as of their last activity* (the core's ``pause_away``), so
the night does not count as work. Then it offers the current project's
session found away, once, through ``window/showMessageRequest``: resume it
where it was left (the file and line of its last activity, opened with
``window/showDocument``), count the away time after all, or leave it paused.

The question is asked without blocking the message loop; while it waits,
positions from whatever the editor restores go to no session (a paused
session receives none), so the recorded place stays where the work stopped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp

from helix_lsp.server.paths import Folder
from helix_lsp.server.state import ServerState
from helix_lsp.session import Session, SessionError

log = logging.getLogger("helix_lsp.server")

RESUME, COUNT, LEAVE = "resume", "count", "leave"


def idle_phrase(minutes: float) -> str:
    """``15 minutes``, ``1 minute``, ``90 seconds``: the limit as a person says it."""
    if minutes >= 1 and float(minutes).is_integer():
        whole = int(minutes)
        return f"{whole} minute" + ("" if whole == 1 else "s")
    seconds = max(1, round(minutes * 60))
    return f"{seconds} second" + ("" if seconds == 1 else "s")


def clock_time(ms: int, now: float | None = None) -> str:
    """The local time of ``ms``: ``17:42``, with the date when it is not today."""
    when = time.localtime(ms / 1000)
    today = time.localtime(time.time() if now is None else now)
    text = time.strftime("%H:%M", when)
    if when[:3] != today[:3]:
        text += time.strftime(" on %a %d %b", when)
    return text


def place_of(sess: Session) -> tuple[str, int, int] | None:
    """The recorded place ``(file, line, column)`` (1-based), if the session has one."""
    context = sess.context
    file = context.get("current_file")
    if not file:
        return None

    def number(key: str) -> int:
        value = context.get(key, "")
        return int(value) if value.isdigit() and int(value) > 0 else 1

    return file, number("current_line"), number("current_column")


def offer_text(sess: Session, minutes: float) -> tuple[str, dict[str, str]]:
    """The question and its answers (title -> what it does)."""
    paused = sess.record.last_paused_at or 0
    message = (
        f"'{sess.name}' was paused at {clock_time(paused)} (your local time) after "
        f"{idle_phrase(minutes)} without activity."
    )
    place = place_of(sess)
    resume = f"Resume at {place[0]}:{place[1]}" if place else "Resume"
    return message, {resume: RESUME, "Count the away time": COUNT, "Leave paused": LEAVE}


def document_path(state: ServerState, sess: Session, file: str) -> str:
    """The absolute path of a recorded ``current_file`` (relative to its project's folder)."""
    if os.path.isabs(file):
        return file
    folders: list[Folder] = [f for f in state.folders if f.project == sess.project_id]
    found = folders or state.folders
    base = found[0].path if found else os.getcwd()
    return os.path.join(base, *file.split("/"))


class AwayOffer:
    """Pauses what was left active and asks about the current project's session.

    ``ask(params)`` sends ``window/showMessageRequest`` and returns an
    awaitable of the chosen ``MessageActionItem`` (or None); ``show_document``
    (None for a client that does not declare ``window.showDocument``: Neovim 0.7,
    eglot 1.9) and ``show`` (``window/showMessage``: type, text) reach the client.
    """

    def __init__(
        self,
        state: ServerState,
        ask: Callable[[lsp.ShowMessageRequestParams], Any],
        show_document: Callable[[lsp.ShowDocumentParams], Any] | None,
        show: Callable[[int, str], None],
    ) -> None:
        self._state = state
        self._ask = ask
        self._show_document = show_document
        self._show = show
        self.task: asyncio.Task[None] | None = None

    def start_up(self) -> None:
        """Pause sessions left active past the limit; offer the current one back."""
        state, options = self._state, self._state.options
        if state.read_only or options.idle_minutes <= 0:
            return
        try:
            paused = state.mgr.pause_away(options.idle_minutes, projects=state.projects())
            for sess in paused:
                log.info("session '%s' was left active; paused as of its last activity",
                         sess.name)
            if options.idle_resume != "ask":
                return
            offered = state.mgr.away_offer(state.current_project())
        except SessionError as err:
            log.warning("away check at start-up skipped: %s", err)
            return
        if offered is not None:
            self.task = asyncio.ensure_future(self._offer(offered))

    async def _offer(self, sess: Session) -> None:
        message, actions = offer_text(sess, self._state.options.idle_minutes)
        params = lsp.ShowMessageRequestParams(
            lsp.MessageType.Info, message, [lsp.MessageActionItem(t) for t in actions]
        )
        paused_at = sess.record.last_paused_at
        try:
            answer = await self._ask(params)
        except Exception as err:  # a client without showMessageRequest
            log.info("the offer could not be asked (%s); telling instead", err)
            self._show(3, f"{message} Run 'helix.session.resume' to go on with it.")
            return
        title = getattr(answer, "title", None)
        choice = actions.get(title) if isinstance(title, str) else None
        if choice in (None, LEAVE):
            return
        try:
            current = self._state.mgr.get(sess.id)
            if current.record.last_paused_at != paused_at or current.away_since is None:
                self._show(3, f"'{sess.name}' was changed meanwhile; it is left as it is.")
                return
            self._resume(current, keep_away=choice == COUNT)
        except SessionError as err:
            self._show(1, str(err))

    def _resume(self, sess: Session, *, keep_away: bool) -> None:
        state = self._state
        state.tracker.flush()  # what the editor restored so far belongs to no session
        resumed = state.mgr.resume(sess.id, keep_away=keep_away).session
        state.tracker.forget_auto_pause(resumed.project_id)
        state.status.changed()
        if keep_away:
            return
        place = place_of(resumed)
        if place is None:
            return
        file, line, column = place
        path = document_path(state, resumed, file)
        if not os.path.isfile(path):
            self._show(2, f"{file} no longer exists; '{resumed.name}' was resumed and keeps "
                          f"its recorded place {file}:{line}.")
            return
        if self._show_document is None:  # the client cannot open it: say where it was
            self._show(3, f"'{resumed.name}' resumed; you left it at {file}:{line}.")
            return
        spot = lsp.Position(line - 1, column - 1)
        self._show_document(lsp.ShowDocumentParams(
            uri=_file_uri(path), take_focus=True, selection=lsp.Range(spot, spot),
        ))


def _file_uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or "file://" + path


__all__ = ["AwayOffer", "clock_time", "idle_phrase", "offer_text"]
