"""``helix-lsp session history [SESSION]``: a session's timeline for people.

One line per event, in local time with its zone: what happened, who did it
(you, idle for a pause after no activity, switch for a session paused
because another of its project started, import), the mode, and on each event
that ends an active interval how long that interval lasted. The last line is
the total, which is the session's active time: the history adds up.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from helix_lsp.cli import output
from helix_lsp.cli.render import one_line, span, table, when_exact
from helix_lsp.session import SessionManager
from helix_lsp.session.events import Event, walk
from helix_lsp.session.model import now_ms, to_datetime

WHO = {"user": "you", "idle": "idle", "switch": "switch", "import": "import"}
_WHAT = {
    "created": "created",
    "started": "started",
    "paused": "paused",
    "resumed": "resumed",
    "completed": "completed",
    "failed": "failed",
    "modeChanged": "mode changed",
}


def _note(event: Event) -> str:
    data = event.data
    notes = []
    if event.kind == "modeChanged" and isinstance(data.get("from"), str):
        notes.append(f"from {data['from']}")
    if event.kind == "paused" and event.by == "idle":
        notes.append("no activity since")
    if data.get("keptAway"):
        notes.append("away time counted")
    if data.get("reconstructed"):
        notes.append("reconstructed")
    return ", ".join(notes)


def timeline_text(events: list[Event], at: int) -> tuple[list[list[str]], int]:
    """Rows of the timeline and the total active milliseconds it shows."""
    rows = [["WHEN", "EVENT", "BY", "MODE", "ACTIVE", "NOTE"]]
    total = 0
    for event, interval in walk(events, at):
        active = ""
        if interval is not None:
            total += interval.ms
            active = span(timedelta(milliseconds=interval.ms))
        if event is None:  # the interval still open
            assert interval is not None
            rows.append(["now", "(active)", "", interval.mode, active, "so far"])
            continue
        rows.append(
            [
                when_exact(to_datetime(event.at)),
                _WHAT.get(event.kind, event.kind),
                WHO.get(event.by, event.by),
                event.mode,
                active,
                _note(event),
            ]
        )
    return rows, total


def run(mgr: SessionManager, args: argparse.Namespace, ref: str | None) -> int:
    sess, found = mgr.history_events(ref, project=args.project)
    at = now_ms()
    if args.json:
        payload: dict[str, Any] = {
            "session": sess.to_json(),
            "events": [e.to_json() for e in found],
        }
        output.emit(True, "", payload)
        return 0
    rows, total = timeline_text(found, at)
    text = one_line(sess) + "\n" + table(rows)
    text += f"\ntotal active {span(timedelta(milliseconds=total))}"
    output.emit(False, text, None)
    return 0
