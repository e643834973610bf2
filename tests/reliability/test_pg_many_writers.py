"""Two language servers and a shell loop writing to one PostgreSQL store at once.

Two times 1,000 interleaved changes from the servers, on their own sessions and on
shared ones, while the command line changes a shared session too: none is
lost, and each server's ``helix/status`` ends up showing the store as it is.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from helix_lsp.session import SessionManager
from tests.cli.shell import cli
from tests.reliability.rpc import Server
from tests.reliability.test_two_servers import SHARED, assert_none_lost, both, hammer

WAIT = 60.0


def latest_status(server: Server) -> dict[str, Any] | None:
    statuses = [m["params"] for m in list(server.seen) if m.get("method") == "helix/status"]
    return statuses[-1] if statuses else None


def test_two_servers_and_the_shell_lose_nothing(tmp_path: Path, pg_url: str) -> None:
    ws = tmp_path / "team"
    ws.mkdir()
    servers = {label: Server(None, ws, env={"HELIX_LSP_DB": pg_url}) for label in ("a", "b")}
    shell_done: list[int] = []
    stop = threading.Event()

    def shell_loop() -> None:
        j = 0
        while not stop.is_set():
            done = cli("meta", f"shell{j}", str(j), "--session", "shared-0", "--db", pg_url,
                       cwd=ws)
            assert done.returncode == 0, done.stderr
            shell_done.append(j)
            j += 1

    try:
        for server in servers.values():
            server.initialize([ws])
        for name in SHARED:
            assert "result" in servers["a"].command("helix.session.create", name=name)
        assert "result" in servers["a"].command("helix.session.start", session="shared-0")
        for label, server in servers.items():
            reply = server.command("helix.session.create", name=f"own-{label}", project=label)
            assert "result" in reply

        shell = threading.Thread(target=shell_loop, daemon=True)
        shell.start()
        try:
            left, right = both(lambda: hammer(servers["a"], "a"),
                               lambda: hammer(servers["b"], "b"))
        finally:
            stop.set()
            shell.join(timeout=WAIT)
        assert shell_done, "the shell loop made no change"

        with SessionManager(pg_url) as mgr:
            assert_none_lost(mgr, (left, right))
            shared = mgr.get("shared-0")
            for j in shell_done:
                assert shared.get_metadata(f"shell{j}") == str(j), f"shell change {j} lost"
            final = shared.to_json()["metadata"]

        # every server's status settles on the store as it is, without a command
        for server in servers.values():
            deadline = time.monotonic() + WAIT
            while True:
                status = latest_status(server) or {}
                if (status.get("active") or {}).get("metadata") == final:
                    break
                assert time.monotonic() < deadline, "a server's status missed the last change"
                time.sleep(0.1)
    finally:
        for server in servers.values():
            server.close()
