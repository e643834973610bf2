"""The session's data: modes, statuses, the record and its JSON form.

Timestamps are kept as integer milliseconds since the Unix epoch (UTC) so that
durations add up exactly over any number of pause/resume cycles and survive a
JSON round trip without loss.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Final

from helix_lsp.session import clock
from helix_lsp.session.errors import InvalidArgumentError


class _ParseableEnum(str, enum.Enum):
    """A ``str`` enum that parses its members' values case-insensitively."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def parse(cls, value: object) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value.strip().lower())
            except ValueError:
                pass
        valid = ", ".join(m.value for m in cls)
        raise InvalidArgumentError(
            f"{value!r} is not a valid {cls.__name__.lower()}; use one of {valid}."
        )


class Mode(_ParseableEnum):
    """What kind of work a session is for."""

    PLANNING = "planning"
    BUILDING = "building"
    TESTING = "testing"
    REFACTORING = "refactoring"
    DEBUGGING = "debugging"
    DEPLOYMENT = "deployment"

    @classmethod
    def parse(cls, value: object) -> Mode:
        result: Mode = super().parse(value)
        return result


class Status(_ParseableEnum):
    """Where a session stands in its lifecycle."""

    IDLE = "idle"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (Status.COMPLETED, Status.FAILED)

    @classmethod
    def parse(cls, value: object) -> Status:
        result: Status = super().parse(value)
        return result


#: status -> the lifecycle actions legal from it, filled from ``lifecycle``'s table
#: on first use (``lifecycle`` imports this module, so it cannot be imported here).
_ACTIONS_BY_STATUS: dict[Status, tuple[str, ...]] = {}


def actions_of(status: Status) -> list[str]:
    """The lifecycle actions legal from ``status`` (a new list each call)."""
    actions = _ACTIONS_BY_STATUS.get(status)
    if actions is None:
        from helix_lsp.session.lifecycle import legal_actions

        for each in Status:
            _ACTIONS_BY_STATUS[each] = tuple(legal_actions(each))
        actions = _ACTIONS_BY_STATUS[status]
    return list(actions)


def now_ms() -> int:
    """The current time in whole milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def to_datetime(ms: int | None) -> datetime | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc) + timedelta(milliseconds=ms % 1000)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DAY_PREFIX: dict[int, str] = {}


_ISO: dict[int, str] = {}


def to_iso(ms: int | None) -> str | None:
    """``2026-11-24T18:00:00.000Z`` (what JavaScript's ``toISOString`` prints).

    Every session object carries eight of these, mostly the same few times
    shown again and again (a status push, a ``get``), so recent ones are kept;
    the date part is cached per day and the time is plain integer arithmetic.
    """
    if ms is None:
        return None
    text = _ISO.get(ms)
    if text is None:
        if len(_ISO) >= 8192:
            _ISO.clear()
        text = _ISO[ms] = _format_iso(ms)
    return text


def _format_iso(ms: int) -> str:
    day, rest = divmod(ms, 86_400_000)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        if len(_DAY_PREFIX) > 4096:
            _DAY_PREFIX.clear()
        prefix = _DAY_PREFIX[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
    seconds, milli = divmod(rest, 1000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{milli:03d}Z"


#: The timestamps a record may hold: 1970-01-01 up to the end of 9999 (UTC), so
#: that every one prints as an ISO date and sums of them stay in 64 bits.
MIN_MS: Final = 0
MAX_MS: Final = 253_402_300_799_999


def from_iso(value: object, field_name: str) -> int | None:
    """Parse an ISO 8601 timestamp back to milliseconds (``None`` stays ``None``).

    A time outside ``MIN_MS``..``MAX_MS`` in UTC is refused, even when its own
    offset keeps it inside (``0001-01-01T00:00:00+01:00`` is in year 0 in UTC).
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{field_name} must be an ISO 8601 timestamp or null.")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgumentError(
            f"{field_name} {value!r} is not an ISO 8601 timestamp."
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    delta = dt - _EPOCH
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    if not MIN_MS <= ms <= MAX_MS:
        raise InvalidArgumentError(
            f"{field_name} {value!r} is outside the years 1970 to 9999 (UTC)."
        )
    return ms


@dataclass
class SessionRecord:
    """One row of the store, as plain data (no store, no behaviour)."""

    id: str
    name: str
    mode: Mode
    status: Status
    project: str
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    created_at: int = 0
    updated_at: int = 0
    started_at: int | None = None
    last_paused_at: int | None = None
    ended_at: int | None = None
    failure_reason: str | None = None
    active_ms: int = 0
    """Milliseconds spent active in closed intervals (before ``active_since``)."""
    active_since: int | None = None
    """Start of the current active interval; set only while active."""
    version: int = 1
    last_activity_at: int | None = None
    """The latest activity (a position, an edit, a command) on the session."""
    paused_by: str | None = None
    """Who made the latest pause: ``user``, ``idle``, ``switch`` or ``import``."""
    active_by_mode: dict[str, int] = field(default_factory=dict)
    """Milliseconds of the closed active intervals per mode (they sum to ``active_ms``)."""
    owner: str = ""
    """Who the session belongs to: only they may change it (see ``owner``)."""
    seq: int = 0
    """The store's creation sequence number: breaks ties between equal timestamps."""

    def copy(self) -> SessionRecord:
        """An independent copy (its tags, metadata and context are new containers)."""
        return dataclasses.replace(
            self,
            tags=list(self.tags),
            metadata=dict(self.metadata),
            context=dict(self.context),
            active_by_mode=dict(self.active_by_mode),
        )

    def interval_start(self, end: int, *preceding: int | None) -> int:
        """When the open active interval, ending at ``end``, certainly began.

        ``active_since`` raised to the creation (first interval) or the last
        pause, and to any ``preceding`` time, when that is not after ``end``:
        see ``clock`` for why.
        """
        assert self.active_since is not None
        previous = self.last_paused_at if self.last_paused_at is not None else self.created_at
        return clock.interval_start(self.active_since, end, previous, *preceding)

    def _open_ms(self, at: int) -> int:
        """The open active interval's time up to ``at`` (0 when not active)."""
        if self.active_since is None:
            return 0
        return max(0, at - self.interval_start(at))

    def active_total_ms(self, at: int) -> int:
        """Active time up to ``at``: closed intervals plus the open one."""
        return self.active_ms + self._open_ms(at)

    def active_by_mode_ms(self, at: int, open_ms: int | None = None) -> dict[str, int]:
        """Active time per mode up to ``at``: the closed intervals, the open one in
        the current mode (which is always listed); ``open_ms`` if already known."""
        result = {mode: ms for mode, ms in self.active_by_mode.items() if ms}
        opened = self._open_ms(at) if open_ms is None else open_ms
        result[self.mode.value] = result.get(self.mode.value, 0) + opened
        return result

    @property
    def away_since(self) -> int | None:
        """When a session paused for being away was last active (None otherwise)."""
        if self.status is Status.PAUSED and self.paused_by == "idle":
            return self.last_paused_at
        return None

    def duration_ms(self, at: int) -> int | None:
        """Wall time since the first start, up to the end or ``at``."""
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else at
        return max(0, end - clock.interval_start(self.started_at, end, self.created_at))

    def to_json(self, at: int | None = None) -> dict[str, Any]:
        """The contract's session object (camelCase keys, ISO timestamps)."""
        at = now_ms() if at is None else at
        duration = self.duration_ms(at)
        open_ms = self._open_ms(at)
        return {
            "id": self.id,
            "name": self.name,
            "mode": self.mode.value,
            "status": self.status.value,
            "project": self.project,
            "owner": self.owner,
            "description": self.description,
            "tags": list(self.tags),
            "metadata": dict(self.metadata),
            "context": dict(self.context),
            "createdAt": to_iso(self.created_at),
            "updatedAt": to_iso(self.updated_at),
            "startedAt": to_iso(self.started_at),
            "lastPausedAt": to_iso(self.last_paused_at),
            "endedAt": to_iso(self.ended_at),
            "failureReason": self.failure_reason,
            "durationSeconds": None if duration is None else duration / 1000,
            "activeSeconds": (self.active_ms + open_ms) / 1000,
            "activeSince": to_iso(self.active_since),
            "lastActivityAt": to_iso(self.last_activity_at),
            "awaySince": to_iso(self.away_since),
            "activeSecondsByMode": {
                mode: ms / 1000 for mode, ms in self.active_by_mode_ms(at, open_ms).items()
            },
            "actions": actions_of(self.status),
        }
