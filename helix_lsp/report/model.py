"""The report object: where the time of a range went, ready to render.

This is the payload of ``helix.session.report`` (camelCase JSON, seconds as
numbers, times as ISO 8601 in UTC) plus what the renderers need beyond it:
the zone the days were cut in (``tz``), the project it was limited to, and
``timeline``, the active intervals for the timeline chart. Renderers read
only this object, so the text, the HTML and every face show the same figures
whichever way the object was computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from helix_lsp.session.errors import InvalidArgumentError
from helix_lsp.session.model import Mode, from_iso, to_iso

#: The modes in the order every report lists them.
MODES: tuple[str, ...] = tuple(m.value for m in Mode)


def _seconds(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidArgumentError(f"{what} must be a number of seconds, not {value!r}.")
    return float(value)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be a string, not {value!r}.")
    return value


def _seconds_by(raw: object, what: str) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise InvalidArgumentError(f"{what} must be an object of seconds by name.")
    return {_text(k, what): _seconds(v, f"{what}.{k}") for k, v in raw.items()}


@dataclass(frozen=True)
class DayTotal:
    """Active time on one local calendar day (``date`` is ``YYYY-MM-DD``)."""

    date: str
    seconds: float
    by_mode: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "seconds": self.seconds, "byMode": dict(self.by_mode)}


@dataclass(frozen=True)
class SessionTotal:
    """One session's active time inside the range."""

    id: str
    name: str
    project: str
    mode: str
    status: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project": self.project,
            "mode": self.mode,
            "status": self.status,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class PlaceTotal:
    """Active time attributed to one file or one branch of a project."""

    project: str
    name: str
    seconds: float


@dataclass(frozen=True)
class Interval:
    """One active interval of a session, in UTC milliseconds (end exclusive)."""

    session_id: str
    start_ms: int
    end_ms: int
    mode: str

    def to_json(self) -> dict[str, Any]:
        return {
            "sessionId": self.session_id,
            "start": to_iso(self.start_ms),
            "end": to_iso(self.end_ms),
            "mode": self.mode,
        }


@dataclass(frozen=True)
class Report:
    """Totals of one range: by day, mode, project, session, file and branch."""

    from_ms: int
    to_ms: int
    tz: str
    project: str | None = None
    total_seconds: float = 0.0
    by_day: list[DayTotal] = field(default_factory=list)
    by_mode: dict[str, float] = field(default_factory=dict)
    by_project: dict[str, float] = field(default_factory=dict)
    sessions: list[SessionTotal] = field(default_factory=list)
    files: list[PlaceTotal] = field(default_factory=list)
    branches: list[PlaceTotal] = field(default_factory=list)
    timeline: list[Interval] = field(default_factory=list)
    """Active intervals by start, each within one local day (cut at midnight)."""
    session_count: int | None = None
    """How many sessions have time in the range; ``sessions`` may list only the
    most active of them (None: as many as are listed)."""

    @property
    def sessions_total(self) -> int:
        """The number of sessions with time in the range (what the Sessions tile shows)."""
        return len(self.sessions) if self.session_count is None else self.session_count

    def to_json(self) -> dict[str, Any]:
        """The contract's report object (plus ``tz``, ``project`` and ``timeline``)."""
        return {
            "from": to_iso(self.from_ms),
            "to": to_iso(self.to_ms),
            "tz": self.tz,
            "project": self.project,
            "totalSeconds": self.total_seconds,
            "byDay": [d.to_json() for d in self.by_day],
            "byMode": dict(self.by_mode),
            "byProject": dict(self.by_project),
            "sessionCount": self.sessions_total,
            "sessions": [s.to_json() for s in self.sessions],
            "files": [
                {"project": f.project, "file": f.name, "seconds": f.seconds} for f in self.files
            ],
            "branches": [
                {"project": b.project, "branch": b.name, "seconds": b.seconds}
                for b in self.branches
            ],
            "timeline": [i.to_json() for i in self.timeline],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Report:
        """Read a report object back (what ``to_json`` wrote, or a server's answer).

        ``tz``, ``project`` and ``timeline`` may be missing (UTC, all
        projects, no intervals); anything malformed raises ``InvalidArgumentError``
        naming the field.
        """

        def when(key: str) -> int:
            ms = from_iso(raw.get(key), key)
            if ms is None:
                raise InvalidArgumentError(f"{key} must be an ISO 8601 timestamp.")
            return ms

        def places(key: str, label: str) -> list[PlaceTotal]:
            return [
                PlaceTotal(
                    _text(p["project"], f"{key}.project"),
                    _text(p[label], f"{key}.{label}"),
                    _seconds(p["seconds"], f"{key}.seconds"),
                )
                for p in raw.get(key, [])
            ]

        def interval(i: Mapping[str, Any]) -> Interval:
            start = from_iso(i["start"], "timeline.start")
            end = from_iso(i["end"], "timeline.end")
            if start is None or end is None:
                raise InvalidArgumentError("timeline intervals need a start and an end.")
            return Interval(
                _text(i["sessionId"], "timeline.sessionId"), start, end, _text(i["mode"], "mode")
            )

        try:
            project = raw.get("project")
            count = raw.get("sessionCount")
            if count is not None and (
                isinstance(count, bool) or not isinstance(count, int) or count < 0
            ):
                raise InvalidArgumentError(f"sessionCount must be a whole number, not {count!r}.")
            report = cls(
                from_ms=when("from"),
                to_ms=when("to"),
                tz=_text(raw.get("tz", "UTC"), "tz"),
                project=None if project is None else _text(project, "project"),
                total_seconds=_seconds(raw["totalSeconds"], "totalSeconds"),
                by_day=[
                    DayTotal(
                        _text(d["date"], "byDay.date"),
                        _seconds(d["seconds"], "byDay.seconds"),
                        _seconds_by(d.get("byMode", {}), "byDay.byMode"),
                    )
                    for d in raw.get("byDay", [])
                ],
                by_mode=_seconds_by(raw.get("byMode", {}), "byMode"),
                by_project=_seconds_by(raw.get("byProject", {}), "byProject"),
                sessions=[
                    SessionTotal(
                        _text(s["id"], "sessions.id"),
                        _text(s["name"], "sessions.name"),
                        _text(s["project"], "sessions.project"),
                        _text(s["mode"], "sessions.mode"),
                        _text(s["status"], "sessions.status"),
                        _seconds(s["seconds"], "sessions.seconds"),
                    )
                    for s in raw.get("sessions", [])
                ],
                files=places("files", "file"),
                branches=places("branches", "branch"),
                timeline=[interval(i) for i in raw.get("timeline", [])],
            )
            # None stands for "as many as are listed"
            listed = len(report.sessions)
            return report if count in (None, listed) else replace(report, session_count=count)
        except (KeyError, TypeError) as err:
            raise InvalidArgumentError(
                f"not a report object: {err!r} is missing or malformed."
            ) from None
