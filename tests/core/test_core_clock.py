"""Clock jumps do not corrupt durations (the rules are in ``helix_lsp.session.clock``).

Each step runs the command line in a process of its own, some under
``faketime`` with a shifted or frozen clock, as a user whose computer's clock
was wrong for a while would.

SQLite only: the rules are the core's own, the same on every store (the
command line on PostgreSQL is tested in test_cli).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helix_lsp.session import SessionManager
from helix_lsp.session.model import from_iso, now_ms

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None, reason="needs faketime")

DAY_S = 86_400


def helix(db: Path, *args: str, clock: str | None = None) -> dict[str, Any]:
    """``helix-lsp session ARGS --json`` with the clock shifted (``-1d``) or set."""
    command = [sys.executable, "-m", "helix_lsp", "session", *args, "--db", str(db), "--json"]
    if clock is not None:
        command = ["faketime", "-f", clock, *command]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result.get("session", result)


def ms(value: str | None) -> int:
    parsed = from_iso(value, "time")
    assert parsed is not None
    return parsed


def test_created_a_year_ahead_then_worked_with_the_right_clock(db_path: Path) -> None:
    helix(db_path, "create", "from-the-future", "--project", "p", clock="+365d")
    started = helix(db_path, "start", "from-the-future")
    done = helix(db_path, "complete", "from-the-future")
    assert ms(started["startedAt"]) <= now_ms()  # not dragged a year ahead
    assert 0 < done["activeSeconds"] < 60  # the real seconds between start and complete
    assert done["durationSeconds"] == done["activeSeconds"]
    assert ms(done["endedAt"]) <= now_ms()


def test_started_with_the_clock_a_day_behind(db_path: Path) -> None:
    helix(db_path, "create", "earlier-work", "--project", "p")
    helix(db_path, "create", "fix-login", "--project", "p", "--start", clock="-1d")
    done = helix(db_path, "complete", "fix-login")
    assert done["activeSeconds"] < 60  # not a day of work
    assert done["durationSeconds"] < 60
    earlier = SessionManager(db_path).get("earlier-work")
    assert ms(done["startedAt"]) >= ms(earlier.to_json()["createdAt"])


def test_started_with_the_right_clock_and_resumed_a_day_behind(db_path: Path) -> None:
    helix(db_path, "create", "fix-login", "--project", "p", "--start")
    helix(db_path, "pause", "fix-login")
    helix(db_path, "resume", "fix-login", clock="-1d")
    done = helix(db_path, "complete", "fix-login")
    assert done["activeSeconds"] < 60


def test_one_reading_far_ahead_does_not_drag_later_ones_along(db_path: Path) -> None:
    helix(db_path, "create", "fix-login", "--project", "p", "--start")
    helix(db_path, "pause", "fix-login", clock="+365d")
    helix(db_path, "resume", "fix-login")
    shown = helix(db_path, "show", "fix-login")
    assert ms(shown["activeSince"]) <= now_ms()
    done = helix(db_path, "complete", "fix-login")
    assert ms(done["endedAt"]) <= now_ms()
    later = helix(db_path, "create", "next", "--project", "p", "--start")
    assert ms(later["startedAt"]) <= now_ms()
    again = helix(db_path, "complete", "next")
    assert 0 < again["activeSeconds"] < 60


def test_a_small_step_back_keeps_a_session_in_order(db_path: Path) -> None:
    helix(db_path, "create", "fix-login", "--project", "p", "--start")
    paused = helix(db_path, "pause", "fix-login", clock="-10s")
    assert ms(paused["lastPausedAt"]) >= ms(paused["startedAt"])
    assert paused["activeSeconds"] >= 0


def test_pauses_in_one_millisecond_resume_the_last_paused(db_path: Path) -> None:
    frozen = "2026-11-30 10:00:00"  # every process sees this same instant
    helix(db_path, "create", "first", "--project", "p", clock=frozen)
    helix(db_path, "create", "second", "--project", "p", clock=frozen)
    helix(db_path, "start", "second", clock=frozen)
    helix(db_path, "start", "first", clock=frozen)  # pauses second
    helix(db_path, "pause", "first", clock=frozen)
    resumed = helix(db_path, "resume", "--project", "p", clock=frozen)
    assert resumed["name"] == "first"  # paused last, though created first
