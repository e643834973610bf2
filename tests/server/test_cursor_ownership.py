"""A cursor position belongs to the session that was active when it was taken.

Switching sessions must not carry the place where you were in one session into
another: that is what lets Resume bring you back to where *that* session was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager
from tests.reliability.rpc import Server


def context(server: Server, name: str) -> dict[str, str]:
    reply = server.command("helix.session.get", session=name)
    return dict(reply["result"]["context"])


def stored(db: Path, name: str) -> dict[str, str]:
    """The context on disk, as a third process reads it."""
    with SessionManager(str(db)) as mgr:
        return mgr.get(name).context


def until(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_switching_keeps_each_session_where_it_was(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    server = Server(tmp_path / "sessions.db", ws)
    try:
        server.initialize([ws], {"cursorNotifications": True})
        server.command("helix.session.create", name="alpha", start=True)
        server.cursor(ws / "app.py", 6, 2)
        started = server.command("helix.session.create", name="beta", start=True)
        assert started["result"]["status"] == "active"
        assert context(server, "alpha")["current_line"] == "7"

        server.cursor(ws / "notes.txt", 0)  # beta is active: this is beta's place
        resumed = server.command("helix.session.resume", session="alpha")["result"]
        assert resumed["session"]["context"]["current_file"] == "app.py"
        assert resumed["session"]["context"]["current_line"] == "7"
        assert context(server, "alpha")["current_file"] == "app.py"
        assert context(server, "beta")["current_file"] == "notes.txt"

        server.command("helix.session.pause", session="alpha")
        server.cursor(ws / "elsewhere.py", 40)  # no session active: nobody's place
        again = server.command("helix.session.resume", session="alpha")["result"]
        assert again["session"]["context"]["current_file"] == "app.py"
        assert context(server, "alpha")["current_line"] == "7"
        server.shutdown()
    finally:
        server.close()


def test_a_position_waiting_in_one_window_stays_out_of_a_session_another_started(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    window_a, window_b = Server(db, ws), Server(db, ws)
    try:
        for window in (window_a, window_b):
            window.initialize([ws], {"cursorNotifications": True})
        window_b.command("helix.session.create", name="b-task", start=True)
        window_b.cursor(ws / "b.py", 1)  # written at once
        window_b.cursor(ws / "b.py", 55)  # waits up to a second in window B
        assert context(window_b, "b-task")["current_line"] == "56"  # B has taken it

        started = window_a.command("helix.session.create", name="a-task", start=True)
        assert started["result"]["status"] == "active"  # b-task is paused meanwhile

        until(lambda: stored(db, "b-task").get("current_line") == "56",
              "window B's position in the session that was active when it was taken")
        assert "current_file" not in stored(db, "a-task")
        assert "current_file" not in context(window_b, "a-task")
        for window in (window_a, window_b):
            window.shutdown()
    finally:
        window_a.close()
        window_b.close()
    assert "current_file" not in stored(db, "a-task")


@pytest.mark.skipif(shutil.which("faketime") is None, reason="needs faketime")
def test_a_session_started_with_a_clock_ahead_still_gets_the_positions(tmp_path: Path) -> None:
    """Which session a position belongs to must not hinge on clocks agreeing."""
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    subprocess.run(
        ["faketime", "-f", "+1d", sys.executable, "-m", "helix_lsp", "session", "create",
         "--db", str(db), "--project", "proj", "--start", "tomorrow"],
        check=True, capture_output=True, cwd=ws,
    )
    server = Server(db, ws)
    try:
        server.initialize([ws], {"cursorNotifications": True})
        server.cursor(ws / "today.py", 11)
        server.shutdown()
    finally:
        server.close()
    assert stored(db, "tomorrow").get("current_line") == "12"
