"""Activity capture: positions and edits from the editor into the active session.

An editor reports the cursor many times a second, and each report rewriting
the store would cost a SQLite commit. So activity waits in memory, each
moment with its own timestamp (a run of moves in one file keeps only its
first and latest, which attribute the same time), and is written with the
core's ``record_activity`` at most about once per second per project: the
session's last activity, its place and its time per file and branch in one
transaction. Every change a command makes to the store, and shutdown, write
it too, and reads overlay the pending position so that ``helix.session.get``
and ``helix/status`` always show where the cursor is. Opening a document is
not activity and never moves the place.

A position belongs to the session that was active when it was taken. While
it waits, this server's commands, or another window or the shell on the same
store, may switch sessions; so the owner is decided when it is written: the
active session if it was already active when the position was taken, else
the session this tracker last wrote to if it was still active then, else
nobody (the position is dropped rather than put into the wrong session, for
instance one paused at start-up for being away that the user has not chosen
to resume).

The same activity drives ``idleMinutes``: a session of the workspace with no
activity for that long is paused as of its last activity (the core's
``pause_away``, ``by: idle``), and the next activity in that project resumes
it, but only a session this tracker paused and that nobody has touched since
(a pause by hand, from any face, is never undone).

While the store cannot be written (a PostgreSQL server that is unreachable:
``can_write`` says so), activity keeps waiting in memory, at most
:data:`POINTS_LIMIT` moments per project: beyond that every second moment
inside the batch is dropped, which hands its time to the file before it and
keeps the first and the latest. It is written in one go once the store is
back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from helix_lsp.server.moments import Batch, Moment, Pending
from helix_lsp.server.paths import Excludes, Location, read_branch
from helix_lsp.session import NotFoundError, SessionError, SessionManager, Status
from helix_lsp.session.activity import Activity
from helix_lsp.session.model import from_iso

log = logging.getLogger("helix_lsp.server")

#: Minimum seconds between two cursor writes to one project's active session.
WRITE_INTERVAL = 1.0
#: Pending moments of one project that force a write (a flood of edits, say).
POINTS_LIMIT = 512

T = TypeVar("T")

FILE, LINE, COLUMN, BRANCH = "current_file", "current_line", "current_column", "branch"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class CursorTracker:
    """Coalesces activity and writes it into the store.

    ``on_write(lifecycle)`` is called after each write: ``False`` for an
    activity write, ``True`` when an away pause or an automatic resume
    changed a session. ``hide``, when given, replaces file names and
    branches by what it returns (``hideFileNames``).
    """

    def __init__(
        self,
        mgr: SessionManager,
        excludes: Excludes,
        *,
        hide: Callable[[str], str] | None,
        idle_minutes: float,
        on_write: Callable[[bool], None],
        can_write: Callable[[], bool] = lambda: True,
    ) -> None:
        self._mgr = mgr
        self._can_write = can_write
        self._excludes = excludes
        self._hide = hide
        self.idle_minutes = idle_minutes
        self._on_write = on_write
        self._pending: dict[str, Batch] = {}
        self._last_write: dict[str, float] = {}
        self._timer: asyncio.TimerHandle | None = None
        #: project -> (id, lastPausedAt) of the session this tracker paused
        self._auto_paused: dict[str, tuple[str, int | None]] = {}
        self._owners: dict[str, str] = {}  # project -> session last written to
        self._targets: dict[str, str] | None = None  # set while ``around`` runs a change
        self.writes = 0  # activity writes committed (logged at shutdown)

    # -- events ----------------------------------------------------------------

    def moved(self, location: Location, line: int, character: int) -> None:
        """Record a position (0-based) the user moved to."""
        project = location.project
        self._resume_if_auto_paused(project)
        now = _now_ms()
        if self._excludes.excludes(location):
            self._add(project, Moment(now, None))  # time still counts, the place is not kept
            return
        self._add(project, Moment(now, Pending(location, line, character, now)))

    def activity(self, project: str) -> None:
        """Activity without a place (an edit whose position is unknown) in ``project``."""
        self._resume_if_auto_paused(project)
        self._add(project, Moment(_now_ms(), None))

    def _add(self, project: str, moment: Moment) -> None:
        batch = self._pending.get(project)
        if batch is None:
            batch = self._pending[project] = Batch()
        batch.add(moment)
        if len(batch.moments) < POINTS_LIMIT:
            self._schedule(project)
        elif self._can_write():
            self.flush()
        else:
            batch.thin()

    def _resume_if_auto_paused(self, project: str) -> None:
        """Resume ``project``'s session (``by: idle``) if this tracker paused it when away.

        Only when the session is still exactly as the away pause left it:
        paused at the same moment. Resumed and paused again by hand (from the
        shell, another window, the library) means a person decided; that stands.
        """
        paused = self._auto_paused.pop(project, None)
        if paused is None:
            return
        session_id, paused_at = paused
        try:
            sess = self._mgr.get(session_id)
            rec = sess.record
            if rec.status is not Status.PAUSED or rec.last_paused_at != paused_at:
                log.info("session '%s' was changed since it was paused when away; "
                         "not resuming it", sess.name)
                return
            if self._mgr.active(project) is None:
                self._mgr.resume(session_id, by="idle")
                log.info("resumed session '%s' on new activity in %s", sess.name, project)
                self._on_write(True)
        except SessionError as err:
            log.warning("automatic resume of %s skipped: %s", session_id, err)

    @property
    def pending(self) -> bool:
        """Whether activity waits to be written."""
        return bool(self._pending)

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
        """Write all pending activity now; True when something was written.

        ``into`` names the session (by project) that receives it, as
        :meth:`around` decided before its change; otherwise :meth:`owner`
        decides now. An active owner gets the activity (time, place, last
        activity); one that left the active state after the position was
        taken (a command paused it) still gets its place.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending or not self._can_write():
            return False  # kept until the store is back
        wrote = False
        pending, self._pending = self._pending, {}
        for project, batch in pending.items():
            try:
                target = (into or {}).get(project) or self.owner(project, batch.taken_ms)
                if target is None:
                    continue
                self._write(target, batch)
                self._owners[project] = target
            except NotFoundError:
                continue  # the session is gone (deleted): nothing to record
            except SessionError as err:  # e.g. busy: keep it for the next flush
                log.warning("could not record activity in %s: %s", project, err)
                self._pending.setdefault(project, batch)
                continue
            self._last_write[project] = time.monotonic()
            self.writes += 1
            wrote = True
        if wrote:
            self._on_write(False)
        return wrote

    def _write(self, target: str, batch: Batch) -> None:
        sess = self._mgr.get(target)
        if sess.record.status is Status.ACTIVE:
            self._mgr.record_activity(target, self.points(batch))
        elif batch.latest is not None:  # paused by the change this batch preceded
            self._mgr.update_context(target, self.values(batch.latest))

    def points(self, batch: Batch) -> list[Activity]:
        """The core's ``Activity`` points of ``batch`` (line and column 1-based)."""
        branches: dict[str, str | None] = {}
        out = []
        for moment in batch.moments:
            item = moment.position
            if item is None:
                out.append(Activity(moment.at))
                continue
            values = self._place(item, branches)
            out.append(Activity(moment.at, values[FILE], values.get(BRANCH),
                                item.line + 1, item.character + 1))
        return out

    def owner(self, project: str, taken_ms: int) -> str | None:
        """The id of the session that was active when activity at ``taken_ms`` happened.

        The project's active session, if it is the one this tracker last
        wrote to or it became active no later than the position was taken.
        Otherwise it was started or resumed since (by another window, the
        shell, a command, the start-up offer): the position belongs to the
        session this tracker last wrote to if that one left the active state
        (paused, completed, failed) only after the position was taken; else
        it was taken while no session was active and belongs to none.
        Timestamps are compared only at such a switch, and one from the
        future (the clock was set back) is not trusted to decide against the
        active session.
        """
        sess = self._mgr.active(project)
        previous = self._owners.get(project)
        if sess is not None:
            since = sess.record.active_since or 0
            if sess.id == previous or since <= taken_ms or since > _now_ms():
                return sess.id
        if previous is None:
            return None
        try:
            rec = self._mgr.get(previous).record
        except NotFoundError:
            return None
        left = rec.last_paused_at if rec.status is Status.PAUSED else rec.ended_at
        return previous if left is not None and left >= taken_ms else None

    def around(self, change: Callable[[], T]) -> T:
        """Run a change to the store and then write the pending activity.

        Activity goes to the session that was active when it happened
        (:meth:`owner`, decided before ``change``), even if ``change`` paused
        or completed it; activity that belongs to no session is dropped (it
        must not land in, or show in the reply of, one resumed now); and
        when ``change`` is refused nothing at all is written.
        """
        targets: dict[str, str] = {}
        for project, batch in list(self._pending.items()):
            target = self.owner(project, batch.taken_ms)
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
        """The context keys a pending position sets."""
        return self._place(item, {})

    def _place(self, item: Pending, branches: dict[str, str | None]) -> dict[str, str | None]:
        loc, hide = item.location, self._hide
        out: dict[str, str | None] = {
            FILE: loc.relative if hide is None else hide(loc.relative),
            LINE: str(item.line + 1),
            COLUMN: str(item.character + 1),
        }
        if loc.folder is not None:
            key = loc.folder.path
            if key not in branches:
                branches[key] = read_branch(key)
            branch = branches[key]
            if branch is not None:
                out[BRANCH] = branch if hide is None else hide("branch:" + branch)
        return out

    def overlay(self, session: dict[str, Any]) -> dict[str, Any]:
        """``session`` (JSON) with the pending position applied, as it will be stored."""
        project = str(session.get("project"))
        batch = self._pending.get(project)
        item = None if batch is None else batch.latest
        if item is None:
            return session
        if self._targets is not None:  # inside a change: only the position's own session
            if self._targets.get(project) != session.get("id"):
                return session
        elif session.get("status") != "active" or not self._active_before(session, item):
            return session
        context = dict(session.get("context") or {})
        for key, value in self.values(item).items():
            if value is not None:
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

    # -- away ------------------------------------------------------------------

    def check_idle(self, projects: list[str]) -> None:
        """Pause, as of their last activity, the sessions of ``projects`` idle for
        ``idleMinutes``; remember them so that the next activity resumes them.

        The limit is checked against the activity the store holds, so activity
        seen by another editor on the same store counts as well.
        """
        if self.idle_minutes <= 0:
            return
        if self._pending:
            self.flush()
        try:
            paused = self._mgr.pause_away(self.idle_minutes, projects=projects)
        except SessionError as err:
            log.warning("away check skipped: %s", err)
            return
        for sess in paused:
            self._auto_paused[sess.project_id] = (sess.id, sess.record.last_paused_at)
            log.info("paused session '%s' as of its last activity, %g minutes without any",
                     sess.name, self.idle_minutes)
        if paused:
            self._on_write(True)
