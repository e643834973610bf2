"""How the command line prints sessions for people: short lines and aligned tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from helix_lsp.session import Session, Stats


def ago(when: datetime | None) -> str:
    if when is None:
        return "-"
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


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


def one_line(sess: Session) -> str:
    return f"{sess.name} ({sess.id}) · {sess.status.value} · {sess.mode.value} · {sess.project_id}"


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def session_table(sessions: Sequence[Session], total: int) -> str:
    if not sessions:
        return "no sessions"
    rows = [["ID", "NAME", "STATUS", "MODE", "PROJECT", "ACTIVE", "CREATED", "TAGS"]]
    rows += [
        [
            s.id,
            s.name,
            s.status.value,
            s.mode.value,
            s.project_id,
            span(s.active_duration),
            ago(s.created_at),
            ",".join(s.tags),
        ]
        for s in sessions
    ]
    text = table(rows)
    if total > len(sessions):
        text += f"\n({len(sessions)} of {total} shown)"
    return text


def details(sess: Session) -> str:
    rows = [
        ["name", sess.name],
        ["id", sess.id],
        ["status", sess.status.value],
        ["mode", sess.mode.value],
        ["project", sess.project_id],
    ]
    if sess.description:
        rows.append(["description", sess.description])
    if sess.tags:
        rows.append(["tags", ", ".join(sess.tags)])
    rows += [["created", ago(sess.created_at)], ["started", ago(sess.started_at)]]
    if sess.last_paused_at:
        rows.append(["last paused", ago(sess.last_paused_at)])
    if sess.ended_at:
        rows.append(["ended", ago(sess.ended_at)])
    if sess.failure_reason:
        rows.append(["failure", sess.failure_reason])
    rows += [["duration", span(sess.duration)], ["active", span(sess.active_duration)]]
    rows += [[f"meta {k}", v] for k, v in sess.metadata.items()]
    rows += [[f"context {k}", v] for k, v in sess.context.items()]
    return table(rows)


def stats(result: Stats) -> str:
    lines = [
        f"{result.total} sessions, {span(timedelta(seconds=result.active_seconds))} active "
        f"(average {span(timedelta(seconds=result.average_active_seconds))} per started session)"
    ]
    lines.append("by status: " + ", ".join(f"{k} {v}" for k, v in result.by_status.items()))
    lines.append("by mode:   " + ", ".join(f"{k} {v}" for k, v in result.by_mode.items()))
    if result.by_project:
        rows = [["PROJECT", "SESSIONS", "ACTIVE", "AVERAGE"]]
        rows += [
            [
                name,
                str(sub.total),
                span(timedelta(seconds=sub.active_seconds)),
                span(timedelta(seconds=sub.average_active_seconds)),
            ]
            for name, sub in sorted(result.by_project.items())
        ]
        lines += ["", table(rows)]
    return "\n".join(lines)
