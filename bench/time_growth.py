"""How much the store grows per hour of steady work with time attribution on.

An hour of a user moving the cursor twice a second, coalesced (as the server
does) into one ``record_activity`` write a second carrying both positions,
moving between a few files and lines on two branches. The hour is simulated:
the core's clock is advanced one second per write instead of waiting, so the
figure takes seconds to measure and is the same on any machine. The growth
is the store file's size after a full checkpoint, before and after; the goal
is at most 50 KB per hour.

    python -m bench.time_growth
"""

from __future__ import annotations

import contextlib
import importlib
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helix_lsp.session import Activity, SessionManager

_CLOCKED = ("model", "manager", "handle", "transfer", "exporting")
FILES = ("src/app.py", "src/utils.py", "tests/test_app.py", "README.md")
BRANCHES = ("main", "feature/login")
GOAL_BYTES_PER_HOUR = 50 * 1024


@contextlib.contextmanager
def _simulated_clock(start: int) -> Iterator[list[int]]:
    """The core reads ``now`` from here while the hour is simulated."""
    now = [start]
    modules = [importlib.import_module(f"helix_lsp.session.{m}") for m in _CLOCKED]
    saved = [getattr(m, "now_ms") for m in modules]  # noqa: B009 (set below the same way)
    for module in modules:
        setattr(module, "now_ms", lambda: now[0])  # noqa: B010
    try:
        yield now
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "now_ms", original)  # noqa: B010


def _settled_size(db: Path) -> int:
    """The file's size with every committed page checkpointed into it."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size


def measure(seconds: int = 8 * 3600, moves_per_second: int = 2) -> dict[str, Any]:
    """Store growth over ``seconds`` of steady activity (a working day by default,
    as SQLite grows by whole pages); bytes per hour and more."""
    with tempfile.TemporaryDirectory(prefix="helix-bench-") as folder:
        db = Path(folder) / "sessions.db"
        start = 1_800_000_000_000
        with _simulated_clock(start) as now, SessionManager(db) as mgr:
            sess = mgr.create("steady-work", project="bench", start=True)
            before = _settled_size(db)
            began = time.perf_counter()
            for second in range(seconds):
                now[0] = start + (second + 1) * 1000
                step = 1000 // moves_per_second
                points = [
                    Activity(
                        now[0] - 1000 + (k + 1) * step,
                        FILES[(second // 30) % len(FILES)],
                        BRANCHES[(second // 900) % len(BRANCHES)],
                        1 + (second * moves_per_second + k) % 400,
                        1 + k,
                    )
                    for k in range(moves_per_second)
                ]
                mgr.record_activity(sess.id, points)
            spent = time.perf_counter() - began
            with mgr.read_snapshot() as conn:
                time_rows = conn.execute("SELECT count(*) FROM session_time").fetchone()[0]
                attributed = conn.execute("SELECT sum(ms) FROM session_time").fetchone()[0]
                payload = conn.execute(
                    "SELECT sum(length(file) + length(branch) + 24) FROM session_time"
                ).fetchone()[0]
            active = mgr.get(sess.id).record.active_total_ms(now[0])
        after = _settled_size(db)
    per_hour = (after - before) * 3600 / seconds
    return {
        "simulated_seconds": seconds,
        "writes": seconds,
        "moves": seconds * moves_per_second,
        "bytes_before": before,
        "bytes_after": after,
        "growth_bytes_per_hour": round(per_hour),
        "goal_bytes_per_hour": GOAL_BYTES_PER_HOUR,
        "within_goal": per_hour <= GOAL_BYTES_PER_HOUR,
        "time_rows": time_rows,
        "time_row_bytes_per_hour": round((payload or 0) * 3600 / seconds),
        "attributed_seconds": (attributed or 0) / 1000,
        "active_seconds": active / 1000,
        "write_ms_mean": round(spent * 1000 / seconds, 3),
    }


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key}: {value}")
