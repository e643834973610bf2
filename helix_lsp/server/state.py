"""What one server knows between messages: store, folders, cursor, status.

``ServerState`` is created on ``initialize`` (when the store path and the
options are known) and shared by the LSP handlers, the workspace commands and
the protocol's short path, so that all three see the same pending cursor
positions and trigger the same status pushes. On a PostgreSQL store it also
holds the connection's :class:`~helix_lsp.server.live.StoreLink`: other
writers' changes, outages and idle closing.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from lsprotocol import types as lsp

from helix_lsp.server.cursor import CursorTracker
from helix_lsp.server.live import Link, StoreLink, live_store, touches
from helix_lsp.server.options import Options
from helix_lsp.server.paths import (
    DEFAULT_EXCLUDES,
    Excludes,
    Folder,
    Location,
    NameHider,
    locate,
    make_folder,
    uri_to_path,
)
from helix_lsp.server.status import (
    SHOW_MESSAGE,
    StatusPusher,
    StorePoller,
    status_params,
)
from helix_lsp.session import Session, SessionError, SessionManager, default_project
from helix_lsp.session.activity import reference
from helix_lsp.session.model import now_ms

log = logging.getLogger("helix_lsp.server")

#: documents whose location is remembered (see ``ServerState.locate``)
LOCATED_LIMIT = 4096

#: the sessions of a status as read from the store: active, current, active ones
StatusRead = tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]


def _field(obj: Any, key: str) -> Any:
    """``obj[key]`` for dicts, ``obj.key`` for pygls' namedtuples and attrs objects."""
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _name_hider(mgr: SessionManager) -> NameHider:
    """``hideFileNames``' hasher, keyed by the store's secret.

    A store whose secret cannot be read now still hides every name, under a
    key of this process (the values then differ from other processes').
    """
    try:
        return NameHider(mgr.secret())
    except SessionError as err:
        log.warning("file names are hidden under a key of this server only: %s", err)
        return NameHider(os.urandom(32))


def _position(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


class ServerState:
    """The server's state after ``initialize``."""

    def __init__(
        self,
        mgr: SessionManager,
        options: Options,
        send: Callable[[str, Any], None],
    ) -> None:
        self.mgr = mgr
        self.options = options
        #: a store this release may only read: positions are not tracked at all
        self.read_only = mgr.read_only_reason is not None
        self.folders: list[Folder] = []
        #: uri -> location inside a workspace folder; an editor reports the same
        #: few documents over and over, and parsing the uri is most of a move's cost
        self._located: dict[str, Location] = {}
        self.current: str | None = None  # project of the most recent document
        self.status = StatusPusher(send, self.status_payload)
        self._send = send
        store = live_store(mgr)
        self.link = None if store is None else StoreLink(
            store, on_changes=self._on_changes, on_offline=self.status.changed,
            on_back=self._on_back,
        )
        self._listen()
        self._linked = False
        self._last_status: StatusRead = (None, None, [])
        self._away_at: int | None = None  # wall ms: the next away check (live store)
        self.tracker = CursorTracker(
            mgr,
            Excludes((*DEFAULT_EXCLUDES, *options.exclude)),
            hide=_name_hider(mgr) if options.hide_file_names else None,
            idle_minutes=options.idle_minutes,
            on_write=self._on_tracker_write,
            can_write=self._store_reachable,
        )
        # a live store tells of other writers itself: the poller only ticks
        self.poller = StorePoller(
            None if self.link else mgr.data_version, self.status.changed, self._tick
        )
        self._closed = False
        self._warned = 0  # how many of the store's warnings the user has seen
        self.show_new_warnings()
        try:  # LISTEN before the first status is read, so no change falls between
            asyncio.get_running_loop()
        except RuntimeError:
            pass  # started by the first tick or editor message
        else:
            self.start_link()

    # -- folders and projects --------------------------------------------------

    def set_folders(self, folders: Iterable[tuple[str, str | None]], root: str | None) -> None:
        """Workspace folders as (uri, name) pairs; ``root`` when there are none."""
        made = [make_folder(uri, name, self.options.project) for uri, name in folders]
        self.folders = [f for f in made if f is not None]
        self._located.clear()
        if not self.folders and root:
            folder = make_folder(root, None, self.options.project)
            self.folders = [folder] if folder else []
        self._listen()

    def _listen(self) -> None:
        """Hear other writers' changes of exactly the projects a status shows."""
        if self.link is not None:
            self.link.listen(self.projects())

    def current_project(self) -> str:
        """The project commands act on when they name none."""
        if self.current:
            return self.current
        if self.folders:
            return self.folders[0].project
        return self.options.project or default_project()

    def project_for(self, project: str | None) -> str:
        return project if project is not None else self.current_project()

    def projects(self) -> list[str]:
        """The workspace's projects, for ``helix/status`` and auto-pause."""
        names = {f.project for f in self.folders}
        names.add(self.current_project())
        return sorted(names)

    def locate(self, uri: str) -> Location | None:
        """Where the document ``uri`` lives (None for a uri that is not a file)."""
        known = self._located.get(uri) if isinstance(uri, str) else None
        if known is not None:
            return known
        path = uri_to_path(uri) if isinstance(uri, str) else None
        if path is None:
            return None
        loc = locate(path, self.folders, self.current_project())
        if loc.folder is not None:  # outside every folder, the project is the current one
            if len(self._located) >= LOCATED_LIMIT:
                self._located.clear()
            self._located[uri] = loc
        return loc

    # -- cursor ------------------------------------------------------------------

    def cursor(self, uri: Any, line: Any, character: Any) -> None:
        """A position (0-based) the user moved to in a document, from any source."""
        loc = self.locate(uri)
        if loc is None:
            return
        self._demand()
        self._switch(loc.project)
        row, col = _position(line), _position(character)
        if row is None:
            return
        self.tracker.moved(loc, row, col if col is not None else 0)

    def cursor_params(self, params: Any) -> None:
        """``helix/cursorMoved`` params: ``{textDocument: {uri}, position: {line, character}}``."""
        doc, pos = _field(params, "textDocument"), _field(params, "position")
        self.cursor(_field(doc, "uri"), _field(pos, "line"), _field(pos, "character"))

    def activity(self, uri: Any) -> None:
        """An edit without a usable position: activity, but not a place."""
        loc = self.locate(uri)
        if loc is not None:
            self._demand()
            self._switch(loc.project)
            self.tracker.activity(loc.project)

    def _switch(self, project: str) -> None:
        """Make ``project`` current; the status bar then shows its session."""
        switched = project != self.current_project()
        self.current = project
        if switched:
            self.status.changed()
            self._listen()  # (a project outside every folder: the current one)

    def _on_tracker_write(self, lifecycle: bool) -> None:
        if self._closed:
            return
        if lifecycle:
            self.status.changed()
        else:
            self.status.cursor_moved()

    def _tick(self) -> None:
        self.show_new_warnings()
        link = self.link
        if link is None:
            if not self.read_only:
                self.tracker.check_idle(self.projects())
            return
        self.start_link()
        link.drain()  # notifications collected while a statement ran
        if link.state is not Link.ONLINE:
            return  # no store use in the background while it is closed or away
        if link.idle_too_long() and not self.tracker.pending:
            link.close_for_idle(self._away_in(), self._wake_for_away)
        elif self._away_at is not None and now_ms() >= self._away_at:
            self._check_away()

    # -- a live store (PostgreSQL) -----------------------------------------------

    def start_link(self) -> None:
        """Watch the live store's connection (from the event loop; once)."""
        if self.link is not None and not self._linked and not self._closed:
            self._linked = True
            self.link.start()

    def _demand(self) -> None:
        """The editor did something: a connection closed for idleness is reopened."""
        if self.link is not None:
            self.start_link()
            self.link.demand()

    def _store_reachable(self) -> bool:
        return self.link is None or not self.link.offline

    def _on_changes(self, payloads: list[str]) -> None:
        """Another server or the command line committed: show it, if it is ours to show."""
        if touches(payloads, self.projects()):
            self.status.changed_elsewhere()

    def _on_back(self, after_outage: bool) -> None:
        """A connection is open again: write what waited, show what changed meanwhile."""
        if self._closed:
            return
        if after_outage:
            self.tracker.flush()
        self.status.changed()

    def _note_away(self, sessions: list[Session]) -> None:
        """When the first of these active sessions would be away (``idleMinutes``).

        A live store is not read every second: the away check runs at that
        moment, and every status read (after any change, here or elsewhere)
        sets it again.
        """
        minutes = self.tracker.idle_minutes
        if self.link is None or self.read_only or minutes <= 0:
            return
        now = now_ms()
        refs = [r for r in (reference(s.record, now) for s in sessions) if r is not None]
        self._away_at = min(refs) + round(minutes * 60_000) if refs else None

    def _away_in(self) -> float | None:
        """Seconds until the away check is due (None: no session can become away)."""
        if self._away_at is None:
            return None
        return max((self._away_at - now_ms()) / 1000, 0.0) + 1.0

    def _check_away(self) -> None:
        """Pause the sessions found away; read the status again for the next moment."""
        self._away_at = None
        self.tracker.check_idle(self.projects())
        self.status.changed()

    def _wake_for_away(self) -> None:
        """Reopen the connection for the away check; the next tick closes it again."""
        if self.link is None or self._closed:
            return
        self.link.reopen()
        if self.link.state is Link.ONLINE:
            self._check_away()

    def show_new_warnings(self) -> None:
        """Show each of the store's warnings (e.g. a store others can read) once."""
        warnings = self.mgr.warnings
        for message in warnings[self._warned :]:
            self._send(SHOW_MESSAGE, lsp.ShowMessageParams(lsp.MessageType.Warning, message))
        self._warned = len(warnings)

    # -- replies -----------------------------------------------------------------

    def session_json(self, sess: Session) -> dict[str, Any]:
        """A session as the contract's JSON, with any pending cursor position (a reply)."""
        self._demand()
        return self.tracker.overlay(sess.to_json())

    def status_payload(self) -> dict[str, Any]:
        """``helix/status``: see :mod:`helix_lsp.server.status`.

        While a live store is offline, the sessions last read are shown again
        (with the cursor positions taken since) and ``store`` says why.
        """
        link = self.link
        if link is None or not link.offline:
            read = self._read_status()
            if link is None or not link.offline:  # not lost while reading
                self._last_status = read
        active, current, sessions = self._last_status
        overlay = self.tracker.overlay
        return status_params(
            active=None if active is None else overlay(active),
            current=None if current is None else overlay(current),
            sessions=[overlay(s) for s in sessions],
            store=None if link is None else link.store_field(),
        )

    def _read_status(self) -> StatusRead:
        project = self.current_project()
        active = self._shown(lambda: self.mgr.active(project))
        # the active session is the current one: no second read and rendering
        current = active if active is not None else self._shown(lambda: self.mgr.current(project))
        return active, current, self._shown_all(self._active_sessions)

    def _active_sessions(self) -> list[Session]:
        sessions = self.mgr.active_sessions(self.projects())
        self._note_away(sessions)
        return sessions

    def _cannot_show(self, err: Exception, session_id: str | None = None) -> None:
        if self.link is not None and self.link.offline:
            return  # the status says the store is offline, once
        self.status.cannot_show(err, session_id)

    def _shown(self, read: Callable[[], Session | None]) -> dict[str, Any] | None:
        """One session for the status (its JSON as stored), or None when it cannot be
        read or shown."""
        try:
            sess = read()
            return None if sess is None else sess.to_json()
        except Exception as err:  # one bad row must not stop the whole push
            self._cannot_show(err)
            return None

    def _shown_all(self, read: Callable[[], list[Session]]) -> list[dict[str, Any]]:
        """Every session that can be shown; each one that cannot is reported."""
        try:
            sessions = read()
        except Exception as err:
            self._cannot_show(err)
            return []
        shown = []
        for sess in sessions:
            try:
                shown.append(sess.to_json())
            except Exception as err:
                self._cannot_show(err, sess.id)
        return shown

    def close(self) -> None:
        """Flush pending positions and stop timers; called on shutdown and exit."""
        first = not self._closed
        self._closed = True
        self.poller.stop()
        if self.link is not None:
            self.link.stop()
        self.status.stop()
        try:
            self.tracker.flush()
        finally:
            if first:
                log.info("cursor writes committed: %d", self.tracker.writes)
