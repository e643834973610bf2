"""A cursor position belongs to the session that was active when it was taken.

Switching sessions must not carry the place where you were in one session into
another: that is what lets Resume bring you back to where *that* session was.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.rpc import Server


def context(server: Server, name: str) -> dict[str, str]:
    reply = server.command("helix.session.get", session=name)
    return dict(reply["result"]["context"])


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
