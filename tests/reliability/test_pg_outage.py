"""PostgreSQL goes away in the middle of a command storm, then comes back.

The language server keeps answering: each command is either acknowledged
(and then its change is in the store) or refused with kind ``storage`` and
one sentence naming the server (and then it wrote nothing). ``helix/status``
says the store is offline, the server reconnects by itself (no command asks
it to), says once that the store is back, and writes the cursor position
taken during the outage. No message, status or log line holds the password.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from helix_lsp.session import SessionManager
from tests.postgres import Cluster
from tests.reliability.rpc import Server

PASSWORD = "hunter2-secret"
#: generous bounds: these say that something happens, bench/ says how fast
WAIT = 60.0


def with_password(url: str) -> str:
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user}:{PASSWORD}@{host}"))


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "api-server"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("x = 1\n" * 300)
    return folder


def store_states(srv: Server) -> list[bool]:
    """The ``store.online`` values of every status so far, in order."""
    return [
        bool(m["params"]["store"]["online"])
        for m in list(srv.seen)
        if m.get("method") == "helix/status" and "store" in (m.get("params") or {})
    ]


def until(check: Any, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def line_in_store(url: str) -> str | None:
    with SessionManager(url) as mgr:
        return mgr.get("storm").context.get("current_line")


class Storm:
    """Commands back to back from a thread, each one's fate written down."""

    def __init__(self, srv: Server, file: Path) -> None:
        self.srv, self.file = srv, file
        self.acked: list[str] = []
        self.refused: list[tuple[str, dict[str, Any]]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        i = 0
        while not self.stop.is_set():
            key = f"k{i:05d}"
            self.srv.cursor(self.file, i % 100)
            reply = self.srv.command("helix.session.setMetadata", key=key, value=str(i))
            if "result" in reply:
                self.acked.append(key)
            else:
                self.refused.append((key, reply["error"]))
            i += 1

    def __enter__(self) -> Storm:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=WAIT)


def test_an_outage_loses_nothing_acknowledged_and_heals_by_itself(
    tmp_path: Path, pg_url: str, pg_cluster: Cluster
) -> None:
    url = with_password(pg_url)
    ws = project(tmp_path)
    app = ws / "src" / "app.py"
    log = tmp_path / "server.log"
    srv = Server(None, ws, "--log-file", str(log), env={"HELIX_LSP_DB": url})
    try:
        srv.initialize([ws])
        made = srv.command("helix.session.create", name="storm", start=True)
        assert "result" in made, made

        with Storm(srv, app) as storm:
            until(lambda: len(storm.acked) >= 30, "commands before the outage")
            pg_cluster.stop()
            until(lambda: len(storm.refused) >= 5, "refusals during the outage")
        until(lambda: False in store_states(srv), "a status saying the store is offline")
        assert srv.alive()

        # the server still answers, and refuses what needs the store
        refused = srv.command("helix.session.setMetadata", key="during", value="x")
        assert refused["error"]["data"]["kind"] == "storage"
        # a place taken while the store is away
        srv.cursor(app, 149, 2)
        time.sleep(1.5)  # a cursor write would be due now, and cannot happen

        pg_cluster.start()
        # nothing asks it to: the server reconnects by itself and says so once
        until(lambda: store_states(srv)[-1:] == [True], "a status saying the store is back")
        until(lambda: line_in_store(pg_url) == "150", "the place taken offline, written")
        after = srv.command("helix.session.setMetadata", key="after", value="y")
        assert "result" in after, after
    finally:
        srv.shutdown()
        srv.close()

    states = store_states(srv)
    first_offline = states.index(False)
    assert True in states[first_offline:]
    assert states.count(True) == 1  # "back" is said once

    for _, error in [*storm.refused, ("during", refused["error"])]:
        assert error["code"] == -32803 and error["data"]["kind"] == "storage", error
        message = error["message"]
        assert f"127.0.0.1:{pg_cluster.port}" in message, message
        assert "\n" not in message and message.rstrip().endswith(".")
    everything = str(srv.seen) + str(storm.refused) + log.read_text()
    assert PASSWORD not in everything

    with SessionManager(pg_url) as mgr:
        sess = mgr.get("storm")
    stored = sess.metadata
    assert all(key in stored for key in storm.acked), "an acknowledged change was lost"
    assert not [key for key, _ in storm.refused if key in stored], "a refused change was written"
    assert "during" not in stored and stored["after"] == "y"
    assert (sess.context["current_file"], sess.context["current_line"]) == ("src/app.py", "150")

