"""Two servers (two editor windows) writing to one store at the same time.

Neither may lose the other's changes, and when both try the same transition
of the same session, exactly one wins and the other is told why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from helix_lsp.session import SessionManager
from tests.reliability.rpc import Server

CHANGES = 1000
SHARED = ("shared-0", "shared-1", "shared-2")


def both(left: Callable[[], Any], right: Callable[[], Any]) -> list[Any]:
    """Run two calls at the same moment, one per thread."""
    gate = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(index: int, call: Callable[[], Any]) -> None:
        gate.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((left, right))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def hammer(server: Server, label: str) -> dict[str, Any]:
    """CHANGES changes in turn: own metadata, shared metadata, shared tags, own context."""
    written: dict[tuple[str, str], str] = {}
    tags: set[tuple[str, str]] = set()
    for i in range(CHANGES):
        kind, shared = i % 4, SHARED[i % 3]
        if kind == 0:
            key = f"k{i % 97}"
            reply = server.command("helix.session.setMetadata", session=f"own-{label}",
                                   key=key, value=str(i))
            written[(f"own-{label}", key)] = str(i)
        elif kind == 1:
            key = f"{label}{i % 61}"
            reply = server.command("helix.session.setMetadata", session=shared,
                                   key=key, value=str(i))
            written[(shared, key)] = str(i)
        elif kind == 2:
            tag = f"{label}{i % 30}"
            reply = server.command("helix.session.addTag", session=shared, tag=tag)
            tags.add((shared, tag))
        else:
            reply = server.command("helix.session.setContext", session=f"own-{label}",
                                   key="step", value=str(i))
            written[(f"own-{label}", "context:step")] = str(i)
        assert "result" in reply, reply
    return {"written": written, "tags": tags}


def assert_none_lost(mgr: SessionManager, results: Iterable[dict[str, Any]]) -> None:
    """Every value and tag ``hammer`` wrote is in the store."""
    for result in results:
        for (name, key), value in result["written"].items():
            sess = mgr.get(name)
            if key.startswith("context:"):
                assert sess.get_context(key.removeprefix("context:")) == value
            else:
                assert sess.get_metadata(key) == value, f"{name} {key} lost"
        for name, tag in result["tags"]:
            assert mgr.get(name).has_tag(tag), f"tag {tag} of {name} lost"


def test_two_servers_lose_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "team"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    servers = {label: Server(db, ws) for label in ("a", "b")}
    try:
        for server in servers.values():
            server.initialize([ws])
        for name in SHARED:
            assert "result" in servers["a"].command(
                "helix.session.create", name=name, project="shared"
            )
        for label, server in servers.items():
            assert "result" in server.command(
                "helix.session.create", name=f"own-{label}", project=label
            )

        left, right = both(lambda: hammer(servers["a"], "a"), lambda: hammer(servers["b"], "b"))

        with SessionManager(db) as mgr:
            assert_none_lost(mgr, (left, right))
            shared_keys = {k for r in (left, right) for (n, k) in r["written"] if n == "shared-0"}
            assert set(mgr.get("shared-0").metadata) == shared_keys

        # The same transition from both windows at once: exactly one wins.
        assert "result" in servers["a"].command("helix.session.start", session="shared-0")
        for round_ in range(20):
            action = "pause" if round_ % 2 == 0 else "resume"
            command = f"helix.session.{action}"
            replies = both(
                lambda c=command: servers["a"].command(c, session="shared-0"),
                lambda c=command: servers["b"].command(c, session="shared-0"),
            )
            wins = [r for r in replies if "result" in r]
            losses = [r for r in replies if "error" in r]
            assert len(wins) == 1 and len(losses) == 1, replies
            error = losses[0]["error"]
            assert error["code"] == -32803
            assert error["data"]["kind"] in ("invalid_transition", "conflict")
            assert "shared-0" in error["message"]
    finally:
        for server in servers.values():
            server.close()


def test_exporting_every_session_keeps_the_server_answering(tmp_path: Path) -> None:
    """``export {all: true}`` of a large store is produced beside the message loop."""
    from bench.store import snapshot

    db = tmp_path / "big.db"
    with SessionManager(str(db)) as mgr:
        mgr.import_(snapshot(20_000))
    ws = tmp_path / "project-00"
    ws.mkdir()
    srv = Server(db, ws)
    try:
        srv.initialize([ws])
        export = srv.send("workspace/executeCommand",
                          {"command": "helix.session.export", "arguments": [{"all": True}]})
        listed = srv.command("helix.session.list", limit=1)
        assert listed["result"]["total"] == 20_000
        assert export not in srv.replies  # answered while the export was still being made
        sessions = srv.wait(export, timeout=120)["result"]["sessions"]
        assert len(sessions) == 20_000 and len({s["id"] for s in sessions}) == 20_000
    finally:
        srv.close()
