"""The range of a report and its days, in the user's time zone.

A day is a local calendar day: it starts at local midnight, so around a
daylight-saving change it lasts 23 or 25 hours. Boundaries are computed with
``zoneinfo`` from the calendar date, never by adding 24 hours.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helix_lsp.session.errors import InvalidArgumentError

#: The longest range a report covers (a little over ten years).
MAX_DAYS = 3700

_SINCE = re.compile(r"^\s*(\d{1,5})\s*([hdw]?)\s*$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``, or this computer's zone when ``name`` is None."""
    if name is None:
        return local_zone()
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgumentError(
            f"{name!r} is not a time zone name such as Europe/Berlin or America/New_York."
        ) from None


def local_zone() -> ZoneInfo:
    """This computer's zone with its rules (``TZ``, else ``/etc/localtime``, else UTC).

    A fixed UTC offset would put hours on the wrong day after a DST change,
    so the zone is looked up by its IANA name or read from the zone file.
    """
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    for key in candidates:
        if key:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    localtime = Path("/etc/localtime")
    if localtime.is_file():
        with localtime.open("rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    return ZoneInfo("UTC")


def _ms(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def midnight_ms(day: date, tz: tzinfo) -> int:
    """When ``day`` begins in ``tz`` (where midnight is skipped, the first instant after)."""
    return _ms(datetime.combine(day, time(0), tzinfo=tz))


def local_date(ms: int, tz: tzinfo) -> date:
    return datetime.fromtimestamp(ms / 1000, tz=tz).date()


def _instant(value: str, what: str, tz: tzinfo, *, end: bool) -> int:
    """A date (the start of that day, or for an end the start of the next) or a timestamp."""
    text = value.strip()
    if _DATE_ONLY.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidArgumentError(f"{what} {value!r} is not a date.") from None
        return midnight_ms(day + timedelta(days=1) if end else day, tz)
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    except ValueError:
        raise InvalidArgumentError(
            f"{what} {value!r} is not a date (2026-11-24) or a timestamp (2026-11-24T09:00)."
        ) from None
    return _ms(moment if moment.tzinfo else moment.replace(tzinfo=tz))


def since_start(since: str, now_ms: int, tz: tzinfo) -> int:
    """The start of ``--since``: ``7d`` is today and the six days before, ``12h`` the last 12 hours."""
    match = _SINCE.match(since)
    if match is None or int(match.group(1)) == 0:
        raise InvalidArgumentError(f"--since {since!r} is not a length such as 7d, 2w or 12h.")
    count, unit = int(match.group(1)), (match.group(2) or "d").lower()
    if unit == "h":
        return now_ms - count * 3_600_000
    days = count * 7 if unit == "w" else count
    if days > MAX_DAYS:
        raise InvalidArgumentError(f"--since {since!r} is longer than {MAX_DAYS} days.")
    return midnight_ms(local_date(now_ms - 1, tz) - timedelta(days=days - 1), tz)


@dataclass(frozen=True)
class Period:
    """A half-open range ``[start_ms, end_ms)`` and the local days it touches."""

    start_ms: int
    end_ms: int
    tz: ZoneInfo

    @property
    def days(self) -> list[date]:
        first = local_date(self.start_ms, self.tz)
        last = local_date(self.end_ms - 1, self.tz)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def boundaries(self) -> list[int]:
        """The start of each day after the first, in UTC ms (where intervals are cut)."""
        return [midnight_ms(d, self.tz) for d in self.days[1:]]


def resolve(
    *,
    since: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    tz: str | None = None,
    now_ms: int,
) -> Period:
    """The range the user asked for: ``since``, or ``from_``/``to``, default the last 7 days.

    Dates are local days in ``tz`` and ``to`` includes its day; timestamps
    without an offset are local times. ``to`` defaults to now.
    """
    zone_ = zone(tz)
    if since is not None and (from_ is not None or to is not None):
        raise InvalidArgumentError("give either --since or --from/--to, not both.")
    end = now_ms if to is None else _instant(to, "--to", zone_, end=True)
    if from_ is not None:
        start = _instant(from_, "--from", zone_, end=False)
    else:
        start = since_start(since or "7d", end, zone_)
    if start >= end:
        raise InvalidArgumentError(
            f"the range is empty: it starts {datetime.fromtimestamp(start / 1000, zone_):%Y-%m-%d %H:%M} "
            f"and ends {datetime.fromtimestamp(end / 1000, zone_):%Y-%m-%d %H:%M}."
        )
    if end - start > MAX_DAYS * 86_400_000:
        raise InvalidArgumentError(f"the range is longer than {MAX_DAYS} days.")
    return Period(start, end, zone_)
