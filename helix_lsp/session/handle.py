"""``Session``: the live object callers hold, and the small result types.

A handle is a view on one record that its manager keeps current: the manager
holds one handle per id (weakly) and swaps in the new record after each change
it makes, so ``sess.status`` is right after ``mgr.start(sess.id)``. Setters go
through the manager, so they persist and never overwrite a newer row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from helix_lsp.session.model import Mode, SessionRecord, Status, now_ms, to_datetime

if TYPE_CHECKING:
    from helix_lsp.session.manager import SessionManager


class Session:
    """One session, kept in step with the manager that returned it."""

    __slots__ = ("__weakref__", "_manager", "_record")

    def __init__(self, manager: SessionManager, record: SessionRecord) -> None:
        self._manager = manager
        self._record = record

    def __repr__(self) -> str:
        r = self._record
        return f"<Session {r.id} {r.name!r} {r.status.value} {r.mode.value} project={r.project!r}>"

    # -- fields ---------------------------------------------------------------

    @property
    def record(self) -> SessionRecord:
        """The plain data behind this handle (do not mutate)."""
        return self._record

    @property
    def id(self) -> str:
        return self._record.id

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def mode(self) -> Mode:
        return self._record.mode

    @property
    def status(self) -> Status:
        return self._record.status

    @property
    def project_id(self) -> str:
        return self._record.project

    project = project_id

    @property
    def owner(self) -> str:
        """Who the session belongs to: only they may change it."""
        return self._record.owner

    @property
    def description(self) -> str | None:
        return self._record.description

    @property
    def tags(self) -> list[str]:
        return list(self._record.tags)

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._record.metadata)

    @property
    def context(self) -> dict[str, str]:
        return dict(self._record.context)

    @property
    def created_at(self) -> datetime:
        created = to_datetime(self._record.created_at)
        assert created is not None
        return created

    @property
    def updated_at(self) -> datetime:
        updated = to_datetime(self._record.updated_at)
        assert updated is not None
        return updated

    @property
    def started_at(self) -> datetime | None:
        return to_datetime(self._record.started_at)

    @property
    def last_paused_at(self) -> datetime | None:
        return to_datetime(self._record.last_paused_at)

    @property
    def ended_at(self) -> datetime | None:
        return to_datetime(self._record.ended_at)

    @property
    def active_since(self) -> datetime | None:
        return to_datetime(self._record.active_since)

    @property
    def last_activity_at(self) -> datetime | None:
        """The latest activity (position, edit, command) on the session."""
        return to_datetime(self._record.last_activity_at)

    @property
    def away_since(self) -> datetime | None:
        """When a session paused for being away was last active (None otherwise)."""
        return to_datetime(self._record.away_since)

    @property
    def active_duration_by_mode(self) -> dict[str, timedelta]:
        """Active time per mode (a mode change mid-session splits it)."""
        return {
            mode: timedelta(milliseconds=ms)
            for mode, ms in self._record.active_by_mode_ms(now_ms()).items()
        }

    @property
    def failure_reason(self) -> str | None:
        return self._record.failure_reason

    @property
    def duration(self) -> timedelta | None:
        """Wall time from the first start to the end (or now); ``None`` before a start."""
        ms = self._record.duration_ms(now_ms())
        return None if ms is None else timedelta(milliseconds=ms)

    @property
    def active_duration(self) -> timedelta:
        """Time spent active, pauses excluded."""
        return timedelta(milliseconds=self._record.active_total_ms(now_ms()))

    # -- setters (persisted through the manager) ------------------------------

    def add_tag(self, tag: str) -> None:
        self._manager.add_tag(self.id, tag)

    def remove_tag(self, tag: str) -> None:
        self._manager.remove_tag(self.id, tag)

    def has_tag(self, tag: str) -> bool:
        return tag in self._record.tags

    def set_metadata(self, key: str, value: str | None) -> None:
        self._manager.set_metadata(self.id, key, value)

    def get_metadata(self, key: str, default: str | None = None) -> str | None:
        return self._record.metadata.get(key, default)

    def set_context(self, key: str, value: str | None) -> None:
        self._manager.set_context(self.id, key, value)

    def get_context(self, key: str, default: str | None = None) -> str | None:
        return self._record.context.get(key, default)

    def refresh(self) -> Session:
        """Re-read this session from the store (after another process wrote)."""
        self._manager.get(self.id)
        return self

    def to_json(self) -> dict[str, Any]:
        """The contract's session object."""
        return self._record.to_json()


@dataclass
class Transition:
    """What a lifecycle action did: the session, and any it paused to make room."""

    session: Session
    paused: list[Session] = field(default_factory=list)


class SessionList(list[Session]):
    """A page of sessions, newest first, with the number that matched in all."""

    def __init__(self, sessions: list[Session], total: int) -> None:
        super().__init__(sessions)
        self.total = total
