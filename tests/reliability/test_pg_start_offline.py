"""A language server started while its PostgreSQL server is down.

It starts anyway, says the store is offline, refuses commands with a
sentence naming the server, opens the store by itself once the server is
up, says so once, and serves as if it had opened at start-up.
"""

from __future__ import annotations

from pathlib import Path

from helix_lsp.session import SessionManager
from tests.postgres import Cluster
from tests.reliability.rpc import Server
from tests.reliability.test_pg_outage import PASSWORD, project, store_states, until, with_password


def test_a_server_started_while_the_database_is_down_serves_once_it_is_up(
    tmp_path: Path, pg_url: str, pg_cluster: Cluster
) -> None:
    url = with_password(pg_url)
    ws = project(tmp_path)
    pg_cluster.stop()
    srv = Server(None, ws, env={"HELIX_LSP_DB": url})
    try:
        try:
            assert "result" in srv.initialize([ws])
            until(lambda: store_states(srv) == [False], "a status saying the store is offline")
            refused = srv.command("helix.session.create", name="early")
            error = refused["error"]
            assert error["data"]["kind"] == "storage"
            assert f"127.0.0.1:{pg_cluster.port}" in error["message"]
        finally:
            pg_cluster.start()
        until(lambda: store_states(srv)[-1:] == [True], "a status saying the store is back")
        made = srv.command("helix.session.create", name="later", start=True)
        assert "result" in made, made
    finally:
        srv.shutdown()
        srv.close()
    assert PASSWORD not in str(srv.seen)
    with SessionManager(pg_url) as mgr:
        assert [s.name for s in mgr.list()] == ["later"]
