"""How the command line prints sessions for people: short lines and aligned tables.

Every value a user or a recorded file could have chosen goes through
:func:`helix_lsp.cli.safe.clean` here, so no session can write terminal
control sequences. Times are local and always carry their zone, so the two
``01:30`` of a night when clocks go back print differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from helix_lsp.cli.safe import clean
from helix_lsp.session import Session, Stats


def when(moment: datetime | None, layout: str = "%Y-%m-%d %H:%M") -> str:
    """``2026-11-01 01:30 EDT``: local time with the zone's abbreviation.

    Where the zone has no alphabetic abbreviation (``+03``), the UTC offset
    is shown instead (``2026-11-01 12:00 +03:00``).
    """
    if moment is None:
        return "-"
    local = moment.astimezone()
    zone = local.tzname() or ""
    if not zone.isalpha():
        offset = local.strftime("%z")
        zone = f"{offset[:3]}:{offset[3:]}" if len(offset) == 5 else "UTC"
    return f"{local.strftime(layout)} {zone}"


def when_exact(moment: datetime | None) -> str:
    """``when`` to the second (a history's events may be seconds apart)."""
    return when(moment, "%Y-%m-%d %H:%M:%S")


def span(delta: timedelta | None) -> str:
    """``2h15m30s`` (the way the source document prints durations)."""
    if delta is None:
        return "-"
    total = int(delta.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{seconds:02d}s"
    if minutes:
        return f"{minutes}m{seconds:02d}s"
    return f"{seconds}s"


def plural(count: int, noun: str) -> str:
    """``1 session``, ``2 sessions``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def one_line(sess: Session) -> str:
    return (
        f"{clean(sess.name)} ({clean(sess.id)}) · {sess.status.value} · {sess.mode.value} · "
        f"{clean(sess.project_id)}"
    )


def table(rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns; a cell may hold several lines (continued under its column)."""
    split = [[cell.split("\n") for cell in row] for row in rows]
    widths = [max(len(line) for row in split for line in row[i]) for i in range(len(rows[0]))]
    out = []
    for row in split:
        height = max(len(cell) for cell in row)
        for n in range(height):
            out.append(
                "  ".join(
                    (cell[n] if n < len(cell) else "").ljust(w)
                    for cell, w in zip(row, widths, strict=True)
                ).rstrip()
            )
    return "\n".join(out)


def session_table(sessions: Sequence[Session], total: int) -> str:
    if not sessions:
        return "no sessions"
    rows = [["ID", "NAME", "STATUS", "MODE", "PROJECT", "ACTIVE", "CREATED", "TAGS"]]
    rows += [
        [
            clean(s.id),
            clean(s.name),
            s.status.value,
            s.mode.value,
            clean(s.project_id),
            span(s.active_duration),
            when(s.created_at),
            clean(",".join(s.tags)),
        ]
        for s in sessions
    ]
    text = table(rows)
    if total > len(sessions):
        text += f"\n({len(sessions)} of {total} shown)"
    return text


def _entries(label: str, values: Mapping[str, str]) -> list[list[str]]:
    return [[f"{label} {clean(k)}", clean(v)] for k, v in values.items()]


def details(sess: Session, actions: Sequence[str] = ()) -> str:
    """Every field of one session, one per line, and what can be done with it next."""
    rows = [
        ["name", clean(sess.name)],
        ["id", clean(sess.id)],
        ["status", sess.status.value],
        ["mode", sess.mode.value],
        ["project", clean(sess.project_id)],
    ]
    if sess.description:
        rows.append(["description", clean(sess.description, multiline=True)])
    if sess.tags:
        rows.append(["tags", clean(", ".join(sess.tags))])
    rows += [["created", when(sess.created_at)], ["started", when(sess.started_at)]]
    if sess.last_paused_at:
        rows.append(["last paused", when(sess.last_paused_at)])
    if sess.ended_at:
        rows.append(["ended", when(sess.ended_at)])
    if sess.failure_reason:
        rows.append(["failure", clean(sess.failure_reason, multiline=True)])
    if sess.away_since:
        rows.append(["away since", when(sess.away_since)])
    if sess.last_activity_at:
        rows.append(["last activity", when(sess.last_activity_at)])
    rows += [["duration", span(sess.duration)], ["active", span(sess.active_duration)]]
    by_mode = [(m, d) for m, d in sess.active_duration_by_mode.items() if d]
    if len(by_mode) > 1:
        rows.append(["active by mode", ", ".join(f"{m} {span(d)}" for m, d in by_mode)])
    rows += _entries("meta", sess.metadata)
    rows += _entries("context", sess.context)
    rows.append(["actions", ", ".join(actions) if actions else "none (the session has ended)"])
    return table(rows)


def stats(result: Stats) -> str:
    lines = [
        f"{plural(result.total, 'session')}, "
        f"{span(timedelta(seconds=result.active_seconds))} active "
        f"(average {span(timedelta(seconds=result.average_active_seconds))} per started session)"
    ]
    lines.append("by status: " + ", ".join(f"{k} {v}" for k, v in result.by_status.items()))
    lines.append("by mode:   " + ", ".join(f"{k} {v}" for k, v in result.by_mode.items()))
    if result.active_seconds_by_mode:
        lines.append(
            "active by mode: "
            + ", ".join(
                f"{mode} {span(timedelta(seconds=seconds))}"
                for mode, seconds in sorted(
                    result.active_seconds_by_mode.items(), key=lambda kv: -kv[1]
                )
            )
        )
    if result.by_project:
        rows = [["PROJECT", "SESSIONS", "ACTIVE", "AVERAGE"]]
        rows += [
            [
                clean(name),
                str(sub.total),
                span(timedelta(seconds=sub.active_seconds)),
                span(timedelta(seconds=sub.average_active_seconds)),
            ]
            for name, sub in sorted(result.by_project.items())
        ]
        lines += ["", table(rows)]
    return "\n".join(lines)


def actions_of(payload: Mapping[str, Any]) -> list[str]:
    """The lifecycle actions the core says are legal now (its ``actions`` field)."""
    found = payload.get("actions")
    return [str(a) for a in found] if isinstance(found, list) else []
