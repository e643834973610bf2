"""The PostgreSQL store behind the same manager: schema, transactions, changes seen
by other servers, errors that name the server and never the password, and the
same answers as SQLite for the same sessions."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.store import snapshot
from helix_lsp.report import build_report
from helix_lsp.session import SessionManager
from helix_lsp.session.errors import ConflictError, SessionError, StorageError
from helix_lsp.session.schema import SCHEMA_VERSION
from tests.postgres import as_role
from tests.postgres import sql as _sql

ROOT = Path(__file__).resolve().parents[2]



def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user or 'postgres'}:{password}@{host}"))


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_fresh_database_gets_the_current_schema(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        mgr.create("first", project="p")
    assert _sql(pg_url, "SELECT value FROM store_state WHERE key = 'schema_version'") == [
        (SCHEMA_VERSION,)
    ]
    indexes = {row[0] for row in _sql(pg_url, "SELECT indexname FROM pg_indexes")}
    assert {"sessions_one_active", "sessions_mixed_modes", "session_time_bucket"} <= indexes
    with SessionManager(pg_url) as again:  # opening again changes nothing
        assert [s.name for s in again.list()] == ["first"]


def test_servers_starting_at_once_on_an_empty_database_create_it_once(pg_url: str) -> None:
    problems: list[BaseException] = []

    def open_one() -> None:
        try:
            SessionManager(pg_url).close()
        except BaseException as err:
            problems.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []
    assert _sql(pg_url, "SELECT count(*) FROM store_meta WHERE key = 'secret'") == [(1,)]


def test_a_newer_schema_is_read_but_never_written(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        mgr.create("kept", project="p")
    _sql(pg_url, "UPDATE store_state SET value = 99 WHERE key = 'schema_version'")
    with SessionManager(pg_url) as mgr:
        assert [s.name for s in mgr.list()] == ["kept"]
        with pytest.raises(StorageError, match="schema version 99, newer"):
            mgr.create("refused", project="p")
    assert _sql(pg_url, "SELECT name FROM sessions") == [("kept",)]


def test_someone_elses_sessions_table_is_left_untouched(pg_url: str) -> None:
    _sql(pg_url, "CREATE TABLE sessions (x int)")
    with pytest.raises(StorageError, match="not a helix-lsp store"):
        SessionManager(pg_url)
    assert _sql(pg_url, "SELECT to_regclass('store_state')") == [(None,)]


def test_one_active_session_per_project_across_two_servers(pg_url: str) -> None:
    with SessionManager(pg_url) as one, SessionManager(pg_url) as two:
        first = one.create("first", project="p", start=True)
        second = two.create("second", project="p")
        done = two.start(second.id)
        assert [p.id for p in done.paused] == [first.id]
        assert one.get(first.id).status.value == "paused"
        assert [s.id for s in one.active_sessions(["p"])] == [second.id]


def test_concurrent_writers_lose_no_change(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        sid = mgr.create("shared", project="p").id

    def add(prefix: str) -> None:
        with SessionManager(pg_url) as own:
            for i in range(30):
                own.add_tag(sid, f"{prefix}{i}")

    threads = [threading.Thread(target=add, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with SessionManager(pg_url) as mgr:
        tags = mgr.get(sid).tags
    assert sorted(tags) == sorted(f"{p}{i}" for p in "ab" for i in range(30))


def test_another_servers_commit_moves_data_version_and_is_notified(pg_url: str) -> None:
    with SessionManager(pg_url) as watcher, SessionManager(pg_url) as writer:
        store: Any = watcher.store
        store.listen(["p", "q"])
        seen = watcher.data_version()
        watcher.create("own", project="p")
        assert watcher.data_version() == seen  # its own commit, as SQLite's data_version
        writer.create("other", project="p")
        assert watcher.data_version() != seen
        payloads = store.notifications(timeout=5)
        assert payloads == ["project:p"]  # the changed session's project, nothing else
        watcher.create("own-again", project="q")
        assert store.notifications(timeout=0.2) == []  # its own commits are not news
        seen = watcher.data_version()
        writer.list()  # a read changes nothing
        assert watcher.data_version() == seen


def test_an_unreachable_server_is_named_without_the_password(pg_url: str) -> None:
    port = urlsplit(pg_url).port
    dead = _with_password(pg_url, "s3cr3t-pw").replace(f":{port}/", ":1/")
    with pytest.raises(StorageError) as caught:
        SessionManager(dead)
    message = str(caught.value)
    assert "s3cr3t" not in message
    assert message.startswith("the session store at 127.0.0.1:1/")
    assert "is unreachable (connection refused)" in message
    assert message.count(".") >= 1 and message.endswith("nothing was changed.")


def test_a_password_in_the_url_works_and_is_never_shown(pg_url: str) -> None:
    url = _with_password(pg_url, "hunter2") + "?sslmode=disable"
    with SessionManager(url) as mgr:  # the suite's server trusts local connections
        mgr.create("one", project="p")
        assert "hunter2" not in mgr.path
        assert mgr.path.startswith("postgresql://postgres@")
        assert "sslmode=disable" in mgr.path
        assert mgr.target == url  # what reopens it (for exports), never shown


def test_stopped_server_refuses_with_storage_then_reconnects(
    pg_url: str, pg_cluster: Any
) -> None:
    with SessionManager(pg_url) as mgr:
        sid = mgr.create("survivor", project="p", start=True).id
        pg_cluster.stop()
        try:
            with pytest.raises(StorageError) as caught:
                mgr.pause(sid)
            assert caught.value.kind == "storage"
            assert "127.0.0.1" in str(caught.value)
        finally:
            pg_cluster.start()
        assert mgr.get(sid).status.value == "active"  # the refused pause wrote nothing
        assert mgr.pause(sid).session.status.value == "paused"  # reconnected by itself


def test_import_of_a_stored_id_is_a_conflict(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        mgr.create("one", project="p")
        doc = mgr.export()
        with pytest.raises(ConflictError):
            mgr.import_(doc)


def test_the_same_sessions_give_the_same_answers_on_both_stores(
    pg_url: str, tmp_path: Path
) -> None:
    doc = snapshot(400)
    with SessionManager(tmp_path / "s.db") as lite, SessionManager(pg_url) as pg:
        lite.import_(doc)
        pg.import_(doc)
        sid = doc["sessions"][-1]["id"]
        for mgr in (lite, pg):
            mgr.set_mode(sid, "testing")
        for flt in ({}, {"status": "completed"}, {"tag": "payments"}, {"query": "PAYMENT"},
                    {"project": "project-07", "mode": "debugging"}):
            a, b = lite.list(**flt, limit=30), pg.list(**flt, limit=30)
            assert (a.total, [s.id for s in a]) == (b.total, [s.id for s in b])
        at = 1_900_000_000_000
        sa, sb = lite.stats(), pg.stats()
        sa_json, sb_json = sa.to_json(), sb.to_json()
        for key in ("total", "byStatus", "byMode", "startedSessions"):
            assert sa_json[key] == sb_json[key]
        assert sa_json["activeSecondsByMode"].keys() == sb_json["activeSecondsByMode"].keys()
        ra = build_report(lite, since="1000d", now=at, tz="UTC")
        rb = build_report(pg, since="1000d", now=at, tz="UTC")
        assert dataclasses.asdict(ra) == dataclasses.asdict(rb)
        ea, eb = lite.export()["sessions"], pg.export()["sessions"]
        assert [e["id"] for e in ea] == [e["id"] for e in eb]
        # an open session's duration runs on with the clock; everything else must agree
        def settled(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {k: v for k, v in e.items() if k != "durationSeconds"}
                for e in entries
                if e["status"] != "active"
            ]

        assert settled(ea) == settled(eb)
        assert len(settled(ea)) > 300


def test_opening_a_sqlite_store_or_listing_never_imports_the_driver(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code = (
        "import sys\n"
        "from helix_lsp.session import SessionManager\n"
        f"SessionManager({db!r}).create('x', project='p')\n"
        "from helix_lsp.cli import main\n"
        f"sys.argv = ['helix-lsp', 'session', 'list', '--db', {db!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('psycopg' in sys.modules, file=sys.stderr)\n"
    )
    done = _python(code)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr


def test_without_the_driver_one_sentence_says_how_to_install_it(pg_url: str) -> None:
    url = _with_password(pg_url, "s3cr3t")
    code = (
        "import sys\nsys.modules['psycopg'] = None\n"
        "from helix_lsp.session import SessionManager\n"
        "from helix_lsp.session.errors import StorageError\n"
        f"try:\n    SessionManager({url!r})\nexcept StorageError as err:\n    print(err)\n"
    )
    done = _python(code)
    line = done.stdout.strip()
    assert line.endswith("needs the PostgreSQL driver: pip install 'helix-lsp[postgres]'."), done
    assert "s3cr3t" not in line and line.startswith("the session store postgresql://postgres@")


def test_the_cli_accepts_a_url_in_helix_lsp_db(pg_url: str) -> None:
    env = {"HELIX_LSP_DB": pg_url}
    run = [sys.executable, "-m", "helix_lsp", "session"]
    kw: dict[str, Any] = {
        "cwd": ROOT, "capture_output": True, "text": True, "timeout": 60,
        "env": {**os.environ, "PYTHONPATH": str(ROOT), **env},
    }
    made = subprocess.run([*run, "create", "from-cli", "--project", "p"], **kw)
    assert made.returncode == 0, made.stderr
    listed = subprocess.run([*run, "list", "--project", "p", "--json"], **kw)
    assert "from-cli" in listed.stdout, listed.stderr
    with SessionManager(pg_url) as mgr:
        assert [s.name for s in mgr.list(project="p")] == ["from-cli"]


def test_errors_keep_the_core_family(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        sid = mgr.create("x", project="p").id
        with pytest.raises(SessionError) as caught:
            mgr.pause(sid)
        assert caught.value.kind == "invalid_transition"


def test_the_prompt_line_reads_a_url(pg_url: str) -> None:
    with SessionManager(pg_url) as mgr:
        mgr.create("shown", project="p", start=True)
    done = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", "active", "--format", "{name} {status}",
         "--project", "p", "--db", pg_url],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout == "shown active\n", done.stderr


def test_a_least_privilege_role_reads_and_writes_but_never_creates(pg_url: str) -> None:
    with SessionManager(pg_url) as owner:  # the owner creates the tables once
        owner.create("made-by-owner", project="p")
    grants = [
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA public TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    with as_role(pg_url, "user", grants) as as_user:
        with SessionManager(as_user) as mgr:
            sid = mgr.create("made-by-user", project="p", start=True).id
            mgr.pause(sid)
            mgr.import_(  # import writes its resume note in store_meta
                {"format": "helix-lsp/sessions", "version": 1, "sessions": []}
            )
            assert sorted(s.name for s in mgr.list()) == ["made-by-owner", "made-by-user"]
        _sql(pg_url, "UPDATE store_state SET value = 99 WHERE key = 'schema_version'")
        with SessionManager(as_user) as mgr, pytest.raises(StorageError, match="newer"):
            mgr.create("refused", project="p")


def test_a_later_migration_step_runs_on_postgresql_too(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helix_lsp.session import pgschema, pgstore, schema

    with SessionManager(pg_url) as mgr:
        mgr.create("before", project="p")

    def _migrate_to_next(conn: Any) -> None:  # written once, for both engines
        conn.execute("ALTER TABLE sessions ADD COLUMN next_column TEXT NOT NULL DEFAULT 'x'")

    following = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _migrate_to_next])
    monkeypatch.setattr(pgschema, "MIGRATIONS", schema.MIGRATIONS)
    monkeypatch.setattr(pgschema, "SCHEMA_VERSION", following)
    monkeypatch.setattr(pgstore, "SCHEMA_VERSION", following)
    with SessionManager(pg_url) as mgr:
        assert [s.name for s in mgr.list()] == ["before"]
    assert _sql(pg_url, "SELECT value FROM store_state WHERE key = 'schema_version'") == [
        (following,)
    ]
    assert _sql(pg_url, "SELECT next_column FROM sessions") == [("x",)]


def test_a_watcher_hears_of_a_lost_connection_and_of_the_next_one(
    pg_url: str, pg_cluster: Any
) -> None:
    heard: list[str | None] = []
    with SessionManager(pg_url) as mgr:
        store: Any = mgr.store
        store.watch(heard.append, lambda: None)
        store.listen(["p"])
        pg_cluster.stop()
        try:
            with pytest.raises(StorageError):
                mgr.list()
        finally:
            pg_cluster.start()
        assert heard and heard[-1] is not None and "127.0.0.1" in heard[-1]
        assert store.socket_fd() is None
        mgr.create("back", project="p")  # opened again on demand
        assert heard[-1] is None
        assert store.socket_fd() is not None


def test_a_store_opened_offline_refuses_until_the_server_is_up(
    pg_url: str, pg_cluster: Any
) -> None:
    pg_cluster.stop()
    try:
        with pytest.raises(StorageError, match="unreachable"):
            SessionManager(pg_url)
        mgr = SessionManager(pg_url, offline=True)
        with pytest.raises(StorageError, match="unreachable"):
            mgr.create("early", project="p")
    finally:
        pg_cluster.start()
    with mgr:
        mgr.create("later", project="p")  # connects, creates the schema, writes
        assert [s.name for s in mgr.list()] == ["later"]
