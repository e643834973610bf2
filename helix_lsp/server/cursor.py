"""Cursor capture: positions from the editor into the active session's context.

An editor reports the cursor many times a second, and each report rewriting
the store would cost a SQLite commit. So positions wait in memory (one pending
position per project: the latest wins) and are written at most about once per
second per project's active session. Every change a command makes to the
store, and shutdown, writes them too, and reads overlay the pending position
so that ``helix.session.get`` and ``helix/status`` always show where the
cursor is.

A position belongs to the session that was active when it was taken. While
it waits, this server's commands, or another window or the shell on the same
store, may switch sessions; so the owner is decided when it is written: the
active session if it was already active when the position was taken, else
the session this tracker last wrote to if it was still active then, else
nobody (the position is dropped rather than put into the wrong session).

The same activity drives ``autoPauseMinutes``: a project whose active session
saw no cursor or edit activity for that long is paused, and the next activity
in that project resumes it, but only a session this tracker paused and that
nobody has touched since (a pause by hand, from any face, is never undone).
Both are ordinary transitions of the core.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from helix_lsp.server.paths import Excludes, Location, read_branch
from helix_lsp.session import NotFoundError, Session, SessionError, SessionManager, Status
from helix_lsp.session.model import from_iso

log = logging.getLogger("helix_lsp.server")

#: Minimum seconds between two cursor writes to one project's active session.
WRITE_INTERVAL = 1.0

T = TypeVar("T")

FILE, LINE, COLUMN, BRANCH = "current_file", "current_line", "current_column", "branch"


@attrs.define
class Pending:
    """The latest position of one project, not yet written."""

    location: Location
    line: int | None  # 0-based as in LSP; None: only the file is known (didOpen)
    character: int | None
    taken_ms: int  # wall clock, as the store's timestamps: who was active then?


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class CursorTracker:
    """Coalesces cursor positions and writes them into the store.

    ``on_write(lifecycle)`` is called after each write: ``False`` for a cursor
    write, ``True`` when auto-pause paused or resumed a session. ``hide``,
    when given, replaces file names and branches by what it returns
    (``hideFileNames``).
    """

    def __init__(
        self,
        mgr: SessionManager,
        excludes: Excludes,
        *,
        hide: Callable[[str], str] | None,
        auto_pause_minutes: float,
        on_write: Callable[[bool], None],
    ) -> None:
        self._mgr = mgr
        self._excludes = excludes
        self._hide = hide
        self._idle_limit = auto_pause_minutes * 60.0
        self._on_write = on_write
        self._pending: dict[str, Pending] = {}
        self._last_write: dict[str, float] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._last_activity: dict[str, float] = {}
        #: project -> (id, lastPausedAt) of the session this tracker paused
        self._auto_paused: dict[str, tuple[str, int | None]] = {}
        self._owners: dict[str, str] = {}  # project -> session last written to
        self._targets: dict[str, str] | None = None  # set while ``around`` runs a change
        self.writes = 0  # cursor writes committed (logged at shutdown)

    # -- events ----------------------------------------------------------------

    def moved(self, location: Location, line: int | None, character: int | None) -> None:
        """Record a position (0-based) or, with ``line`` None, an opened file."""
        self.activity(location.project)
        if self._excludes.excludes(location):
            return
        self._pending[location.project] = Pending(location, line, character, _now_ms())
        self._schedule(location.project)

    def activity(self, project: str) -> None:
        """Note editing activity in ``project``; resume it if auto-pause paused it.

        Only when the session is still exactly as auto-pause left it: paused
        at the same moment. Resumed and paused again by hand (from the shell,
        another window, the library) means a person decided; that stands.
        """
        self._last_activity[project] = time.monotonic()
        paused = self._auto_paused.pop(project, None)
        if paused is None:
            return
        session_id, paused_at = paused
        try:
            sess = self._mgr.get(session_id)
            rec = sess.record
            if rec.status is not Status.PAUSED or rec.last_paused_at != paused_at:
                log.info("session '%s' was changed since it was paused when idle; "
                         "not resuming it", sess.name)
                return
            if self._mgr.active(project) is None:
                self._mgr.resume(session_id)
                log.info("resumed session '%s' on new activity in %s", sess.name, project)
                self._on_write(True)
        except SessionError as err:
            log.warning("auto-resume of %s skipped: %s", session_id, err)

    def forget_auto_pause(self, project: str | None = None) -> None:
        """A person changed the lifecycle: do not undo their decision later."""
        if project is None:
            self._auto_paused.clear()
        else:
            self._auto_paused.pop(project, None)

    # -- coalescing ------------------------------------------------------------

    def _schedule(self, project: str) -> None:
        due = self._last_write.get(project, 0.0) + WRITE_INTERVAL
        now = time.monotonic()
        if now >= due and self._timer is None:
            self.flush()
            return
        if self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(due - now, 0.05), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.flush()

    def flush(self, into: Mapping[str, str] | None = None) -> bool:
        """Write every pending position now; True when something was written.

        ``into`` names the session (by project) that receives the position,
        as :meth:`around` decided it before its change; otherwise
        :meth:`owner` decides now.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        wrote = False
        pending, self._pending = self._pending, {}
        for project, item in pending.items():
            try:
                target = (into or {}).get(project) or self.owner(project, item)
                if target is None:
                    continue
                self._mgr.update_context(target, self.values(item))
                self._owners[project] = target
            except NotFoundError:
                continue  # the session is gone (deleted): nothing to record
            except SessionError as err:  # e.g. busy: keep it for the next flush
                log.warning("could not record the cursor in %s: %s", project, err)
                self._pending.setdefault(project, item)
                continue
            self._last_write[project] = time.monotonic()
            self.writes += 1
            wrote = True
        if wrote:
            self._on_write(False)
        return wrote

    def owner(self, project: str, item: Pending) -> str | None:
        """The id of the session that was active when ``item`` was taken, or None.

        The project's active session, if it is the one this tracker last
        wrote to or it became active no later than the position was taken.
        Otherwise it was started or resumed since (by another window, the
        shell, a command): the position belongs to the session this tracker
        last wrote to if that one left the active state (paused, completed,
        failed) only after the position was taken; else it was taken while no
        session was active and belongs to none. Timestamps are compared only
        at such a switch, and one from the future (the clock was set back)
        is not trusted to decide against the active session.
        """
        sess = self._mgr.active(project)
        previous = self._owners.get(project)
        if sess is not None:
            since = sess.record.active_since or 0
            if sess.id == previous or since <= item.taken_ms or since > _now_ms():
                return sess.id
        if previous is None:
            return None
        try:
            rec = self._mgr.get(previous).record
        except NotFoundError:
            return None
        left = rec.last_paused_at if rec.status is Status.PAUSED else rec.ended_at
        return previous if left is not None and left >= item.taken_ms else None

    def around(self, change: Callable[[], T]) -> T:
        """Run a change to the store and then write the pending positions.

        Each position goes to the session that was active when it was taken
        (:meth:`owner`, decided before ``change``), even if ``change`` paused
        or completed it; a position that belongs to no session is dropped
        (it must not land in, or show in the reply of, one resumed now); and
        when ``change`` is refused nothing at all is written.
        """
        targets: dict[str, str] = {}
        for project, item in list(self._pending.items()):
            target = self.owner(project, item)
            if target is not None:
                targets[project] = target
            else:
                del self._pending[project]
        self._targets = targets  # replies built by ``change`` overlay by owner
        try:
            result = change()
        finally:
            self._targets = None
        self.flush(targets)
        return result

    def values(self, item: Pending) -> dict[str, str | None]:
        """The context keys a pending position sets (None removes a key)."""
        loc, hide = item.location, self._hide
        out: dict[str, str | None] = {
            FILE: loc.relative if hide is None else hide(loc.relative),
            LINE: None if item.line is None else str(item.line + 1),
            COLUMN: None if item.character is None else str(item.character + 1),
        }
        if loc.folder is not None:
            branch = read_branch(loc.folder.path)
            if branch is not None:
                out[BRANCH] = branch if hide is None else hide("branch:" + branch)
        return out

    def overlay(self, session: dict[str, Any]) -> dict[str, Any]:
        """``session`` (JSON) with the pending position applied, as it will be stored."""
        project = str(session.get("project"))
        item = self._pending.get(project)
        if item is None:
            return session
        if self._targets is not None:  # inside a change: only the position's own session
            if self._targets.get(project) != session.get("id"):
                return session
        elif session.get("status") != "active" or not self._active_before(session, item):
            return session
        context = dict(session.get("context") or {})
        for key, value in self.values(item).items():
            if value is None:
                context.pop(key, None)
            else:
                context[key] = value
        return {**session, "context": context}

    def _active_before(self, session: dict[str, Any], item: Pending) -> bool:
        """Does ``item`` belong to the (active) ``session``? :meth:`owner`'s rule, from JSON."""
        if session.get("id") == self._owners.get(str(session.get("project"))):
            return True
        try:
            since = from_iso(session.get("activeSince"), "activeSince")
        except SessionError:
            return False
        return since is None or since <= item.taken_ms or since > _now_ms()

    # -- auto-pause --------------------------------------------------------------

    def check_idle(self, projects: list[str]) -> None:
        """Pause the active session of each project idle for ``autoPauseMinutes``.

        Activity seen by another editor on the same store counts as well: a
        session written to (e.g. by its cursor) within the limit stays active.
        """
        if self._idle_limit <= 0:
            return
        now_mono, now_wall = time.monotonic(), time.time()
        for project in projects:
            last = self._last_activity.setdefault(project, now_mono)
            if now_mono - last < self._idle_limit:
                continue
            try:
                sess = self._mgr.active(project)
                if sess is None:
                    continue
                if now_wall - sess.updated_at.timestamp() < self._idle_limit:
                    continue
                self.flush()
                paused: Session = self._mgr.pause(sess.id).session
            except SessionError as err:
                log.warning("auto-pause of %s skipped: %s", project, err)
                continue
            self._auto_paused[project] = (paused.id, paused.record.last_paused_at)
            log.info("paused session '%s' after %g idle minutes", sess.name,
                     self._idle_limit / 60)
            self._on_write(True)
