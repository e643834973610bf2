"""SIGKILL at random points under a storm of cursor moves and commands.

After every kill, the store must hold every lifecycle change and metadata
write the server acknowledged, a cursor position at most about a second old,
and pass SQLite's integrity check.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from helix_lsp.session import SessionManager
from tests.conditions import assert_intact
from tests.reliability.rpc import Server

KILLS = 50
#: The position may trail by the coalescing interval (~1 s) plus scheduling slack.
STALE_LIMIT = 1.5


class Cursor:
    """The cursor moves sent, numbered 1, 2, 3… across servers; only those
    sent while the session is active are recorded by the server."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.line = 0
        self.recorded: list[tuple[int, float]] = []  # (line, when it was sent)

    def move(self, server: Server, active: bool) -> None:
        self.line += 1
        server.cursor(self.source, self.line - 1)  # 0-based on the wire
        if active:
            self.recorded.append((self.line, time.monotonic()))


def test_acknowledged_changes_survive_sigkill(tmp_path: Path) -> None:
    ws = tmp_path / "shop"
    ws.mkdir()
    source = ws / "cart.py"
    source.write_text("pass\n")
    db = tmp_path / "store" / "sessions.db"
    rng = random.Random(20261124)
    status = "active"
    metadata: dict[str, str] = {}
    cursor = Cursor(source)
    flushed = 0  # the newest recorded line before the last acknowledged lifecycle change

    for kill in range(KILLS):
        server = Server(db, ws)
        in_flight: set[str] = set()
        try:
            server.initialize([ws])
            if kill == 0:
                created = server.command("helix.session.create", name="checkout", start=True)
                assert created["result"]["status"] == "active"
            for _ in range(rng.randint(1, 40)):
                for _ in range(rng.randint(1, 200)):
                    cursor.move(server, status == "active")
                if rng.random() < 0.5:
                    action = "pause" if status == "active" else "resume"
                    reply = server.command(f"helix.session.{action}", session="checkout")
                    assert "result" in reply, reply
                    status = "paused" if action == "pause" else "active"
                    flushed = cursor.recorded[-1][0] if cursor.recorded else 0
                else:
                    key, value = f"k{kill}", str(rng.randint(0, 10**6))
                    reply = server.command(
                        "helix.session.setMetadata", session="checkout", key=key, value=value
                    )
                    assert "result" in reply, reply
                    metadata[key] = value
            if rng.random() < 0.3:  # die with a command sent but not yet answered
                action = "pause" if status == "active" else "resume"
                server.send(
                    "workspace/executeCommand",
                    {"command": f"helix.session.{action}", "arguments": [{"session": "checkout"}]},
                )
                in_flight.add("paused" if action == "pause" else "active")
            if rng.random() < 0.5:  # and with cursor moves still in the pipe
                for _ in range(rng.randint(1, 500)):
                    cursor.move(server, status == "active" and not in_flight)
            killed_at = time.monotonic()
            server.kill()
        finally:
            server.close()

        assert_intact(db)
        with SessionManager(db) as mgr:
            sess = mgr.get("checkout")
            assert sess.status.value in {status} | in_flight, f"kill {kill}"
            if sess.status.value != status:  # the unanswered command went through
                status = sess.status.value
                flushed = cursor.recorded[-1][0] if cursor.recorded else 0
            for key, value in metadata.items():
                assert sess.get_metadata(key) == value, f"kill {kill}: metadata {key} lost"
            assert sess.get_context("current_file") == "cart.py"
            line = int(sess.get_context("current_line") or 0)
            assert line >= flushed, f"kill {kill}: position older than the last acknowledged change"
            newer = [sent for number, sent in cursor.recorded if number > line]
            if newer:  # a newer position was lost: it must have been a recent one
                age = killed_at - newer[0]
                assert age <= STALE_LIMIT, f"kill {kill}: position {age:.2f} s old"
            cursor.recorded = [(n, t) for n, t in cursor.recorded if n <= line]
