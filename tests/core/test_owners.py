"""Owners: every session belongs to someone, who alone may change it.

Two managers on one store stand for two people sharing it: each keeps an
active session in the same project, neither can change the other's (refused
as ``forbidden``, nothing written), both can read everything, and listings
default to one's own sessions. What does not depend on the store runs on every
store (``store_target``: SQLite and PostgreSQL); the migration of an older store
is checked on each engine's own way of holding one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helix_lsp.session import (
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    SessionManager,
    Status,
)
from helix_lsp.session.owner import resolve
from helix_lsp.session.schema import SCHEMA_VERSION
from tests.stores import NewStore, query

ALICE = "alice@example.com"
BOB = "bob@example.com"


@pytest.fixture
def pair(store_target: str) -> Iterator[tuple[SessionManager, SessionManager]]:
    with SessionManager(store_target, owner=ALICE) as alice, SessionManager(
        store_target, owner=BOB
    ) as bob:
        yield alice, bob


def _row(target: str, sid: str) -> tuple[object, ...]:
    """The stored row of session ``sid`` and how many events it has, read behind
    the managers' backs."""
    (row,) = query(target, "SELECT * FROM sessions WHERE id = ?", [sid])
    (events,) = query(
        target,
        "SELECT count(*) AS n FROM session_events e JOIN sessions s ON s.seq = e.session_seq "
        "WHERE s.id = ?",
        [sid],
    )
    return (*row.items(), events["n"])


def test_two_owners_each_keep_an_active_session_in_one_project(
    pair: tuple[SessionManager, SessionManager],
) -> None:
    alice, bob = pair
    mine = alice.create("api-auth", project="shop", start=True)
    theirs = bob.create("api-cache", project="shop", start=True)
    assert mine.owner == ALICE and theirs.owner == BOB
    assert alice.get(mine.id).status is Status.ACTIVE  # not paused by bob's start
    second = alice.create("api-docs", project="shop")
    result = alice.start(second.id)
    assert [s.id for s in result.paused] == [mine.id]  # only her own was paused
    assert bob.get(theirs.id).status is Status.ACTIVE
    assert alice.active("shop").id == second.id and bob.active("shop").id == theirs.id
    assert alice.current("shop").id == second.id and bob.current("shop").id == theirs.id
    assert [s.id for s in bob.active_sessions(["shop"])] == [theirs.id]
    assert second.to_json()["owner"] == ALICE


@pytest.mark.parametrize(
    "change",
    [
        lambda m, sid: m.pause(sid),
        lambda m, sid: m.complete(sid),
        lambda m, sid: m.fail(sid, "not mine"),
        lambda m, sid: m.set_mode(sid, "testing"),
        lambda m, sid: m.add_tag(sid, "x"),
        lambda m, sid: m.set_context(sid, "branch", "main"),
        lambda m, sid: m.set_metadata(sid, "sprint", "3"),
        lambda m, sid: m.touch(sid),
    ],
)
def test_changing_another_owners_session_is_forbidden_and_writes_nothing(
    pair: tuple[SessionManager, SessionManager], store_target: str, change: object
) -> None:
    alice, bob = pair
    theirs = bob.create("api-cache", project="shop", start=True)
    before = _row(store_target, theirs.id)
    with pytest.raises(ForbiddenError) as refused:
        change(alice, theirs.id)  # type: ignore[operator]
    assert refused.value.kind == "forbidden"
    assert BOB in str(refused.value) and "api-cache" in str(refused.value)
    assert _row(store_target, theirs.id) == before
    bob.pause(theirs.id)  # its owner still may


def test_resume_and_delete_of_another_owners_session_are_forbidden(
    pair: tuple[SessionManager, SessionManager], store_target: str
) -> None:
    alice, bob = pair
    theirs = bob.create("api-cache", project="shop", start=True)
    bob.pause(theirs.id)
    before = _row(store_target, theirs.id)
    for change in (lambda: alice.resume(theirs.id), lambda: alice.delete(theirs.id)):
        with pytest.raises(ForbiddenError, match=BOB):
            change()
    assert _row(store_target, theirs.id) == before
    bob.delete(theirs.id)


def test_reading_another_owners_session_is_allowed(
    pair: tuple[SessionManager, SessionManager],
) -> None:
    alice, bob = pair
    theirs = bob.create("api-cache", project="shop", start=True)
    assert alice.get(theirs.id).name == "api-cache"
    assert alice.get("api-cache").id == theirs.id
    assert [e["kind"] for e in alice.history(theirs.id)] == ["created", "started"]


def test_a_name_means_your_own_session_first(
    pair: tuple[SessionManager, SessionManager],
) -> None:
    alice, bob = pair
    theirs = bob.create("fix-login", project="shop")
    mine = alice.create("fix-login", project="shop")
    assert alice.get("fix-login").id == mine.id and bob.get("fix-login").id == theirs.id
    alice.start("fix-login")
    assert alice.get(mine.id).status is Status.ACTIVE
    assert bob.get(theirs.id).status is Status.IDLE


def test_the_current_session_is_your_own(pair: tuple[SessionManager, SessionManager]) -> None:
    alice, bob = pair
    bob.create("api-cache", project="shop", start=True)
    assert alice.current("shop") is None
    with pytest.raises(Exception, match="no active or paused session"):
        alice.pause(project="shop")


def test_list_stats_and_report_default_to_your_own(
    pair: tuple[SessionManager, SessionManager],
) -> None:
    from helix_lsp.report import build_report

    alice, bob = pair
    mine = alice.create("api-auth", project="shop", start=True)
    bob.create("api-cache", project="shop", start=True)
    bob.create("web-ui", project="web")
    assert [s.id for s in alice.list()] == [mine.id] and alice.list().total == 1
    assert alice.list(owner=BOB).total == 2
    assert alice.list(owner="*").total == 3
    assert alice.list(owner="*", project="shop").total == 2
    assert alice.stats().total == 1 and bob.stats().total == 2
    assert alice.stats(owner="*").total == 3
    assert alice.stats(owner=BOB).by_project.keys() == {"shop", "web"}
    assert [s.id for s in build_report(alice).sessions] == [mine.id]
    assert {s.name for s in build_report(alice, owner="*").sessions} == {"api-auth", "api-cache"}
    with pytest.raises(InvalidArgumentError):
        alice.list(owner="\x1b[31m")


def test_the_idle_rule_pauses_only_your_own(
    pair: tuple[SessionManager, SessionManager],
) -> None:
    alice, bob = pair
    mine = alice.create("api-auth", project="shop", start=True)
    theirs = bob.create("api-cache", project="shop", start=True)
    later = mine.record.last_activity_at + 60 * 60_000  # type: ignore[operator]
    assert [s.id for s in alice.pause_away(15, now=later)] == [mine.id]
    assert bob.get(theirs.id).status is Status.ACTIVE


def test_export_and_import_carry_the_owner(store_target: str, new_store: NewStore) -> None:
    with SessionManager(store_target, owner=BOB) as bob:
        bob.create("api-cache", project="shop", start=True)
        snapshot = bob.export()
    assert snapshot["sessions"][0]["owner"] == BOB
    with new_store() as other, SessionManager(other, owner=ALICE) as alice:
        alice.create("api-auth", project="shop", start=True)
        (imported,) = alice.import_(snapshot)  # bob's active session beside hers
        assert alice.get(imported).owner == BOB
        older = dict(snapshot["sessions"][0], id="0123456789ab", status="idle", activeSince=None)
        older.pop("owner")
        older.update(startedAt=None, activeSeconds=0, activeMs=0, history=[])
        (filled,) = alice.import_({**snapshot, "sessions": [older]})
        assert alice.get(filled).owner == ALICE  # a snapshot from before owners


def test_an_owner_is_refused_when_empty_invisible_or_everyone(db_path: Path) -> None:
    for bad in ("", "  ", "a\x07b", "*"):
        with pytest.raises(InvalidArgumentError):
            SessionManager(db_path, owner=bad)
    assert not db_path.exists()


def _resolve_in(env: dict[str, str], cwd: Path) -> str:
    """The owner a fresh process resolves with ``env`` (HOME decides git's global config)."""
    done = subprocess.run(
        [sys.executable, "-c", "from helix_lsp.session.owner import resolve; print(resolve())"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_resolution_order_env_then_git_global_email_then_login(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "XDG_CONFIG"))}
    env.pop("HELIX_LSP_OWNER", None)
    env.update(HOME=str(home), PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    env.update(USER="loginname", LOGNAME="loginname")
    assert _resolve_in(env, tmp_path) == "loginname"  # no git config at all
    (home / ".gitconfig").write_text("[user]\n\temail =  dev@example.org \n", encoding="utf-8")
    assert _resolve_in(env, tmp_path) == "dev@example.org"
    assert _resolve_in({**env, "HELIX_LSP_OWNER": " me@example.net "}, tmp_path) == (
        "me@example.net"
    )
    assert resolve(" given@example.com ") == "given@example.com"  # an explicit value first


def test_a_store_of_version_3_migrates_with_the_local_owner(tmp_path: Path) -> None:
    from helix_lsp.session.schema import MIGRATIONS

    db = tmp_path / "v3.db"
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        for step in range(3):
            MIGRATIONS[step](conn)
        for name, project, status, since in (
            ("one", "shop", "active", 1_790_000_000_000),
            ("two", "web", "active", 1_790_000_000_000),
            ("three", "shop", "idle", None),
        ):
            conn.execute(
                "INSERT INTO sessions (id, name, mode, status, project, created_at, updated_at, "
                "started_at, active_since) VALUES (?, ?, 'building', ?, ?, ?, ?, ?, ?)",
                [name * 2, name, status, project, 1_790_000_000_000, 1_790_000_000_000, since,
                 since],
            )
        conn.execute("PRAGMA user_version = 3")
        conn.execute("COMMIT")
    with SessionManager(db, owner="carol") as mgr:
        assert {s.name: s.owner for s in mgr.list()} == {"one": "carol", "two": "carol",
                                                          "three": "carol"}
        assert mgr.active("shop").name == "one"  # hers: the idle rule runs only when asked
        mgr.start("three")  # the unique index is per owner: hers paused "one"
        assert mgr.get("one").status is Status.PAUSED
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.execute("UPDATE sessions SET status = 'idle', active_since = NULL")
        conn.execute("UPDATE sessions SET status = 'active' WHERE name = 'one'")
        conn.execute(
            "INSERT INTO sessions (id, name, mode, status, project, created_at, updated_at, "
            "owner) VALUES ('x1', 'dan-1', 'building', 'active', 'shop', 1, 1, 'dan')"
        )  # another owner may have an active session in the project
        with pytest.raises(sqlite3.IntegrityError):  # the same owner may not have two
            conn.execute(
                "INSERT INTO sessions (id, name, mode, status, project, created_at, "
                "updated_at, owner) VALUES ('x2', 'dan-2', 'building', 'active', 'shop', 1, 1, "
                "'dan')"
            )


def test_a_postgres_store_of_version_3_migrates_with_the_opening_owner(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL stores begin at version 3: owners and running totals are migrations
    there too, run with the opening manager's owner and filled from the history."""
    import psycopg

    from helix_lsp.report import build_report
    from helix_lsp.session import pgschema, rollup
    from helix_lsp.session.pgconn import PgConnection

    t0, half_hour = 1_790_000_000_000, 1_800_000
    with psycopg.connect(pg_url, autocommit=True) as raw:
        with monkeypatch.context() as patch:
            patch.setattr(pgschema, "SCHEMA_VERSION", pgschema.BASE)  # as helix-lsp 3 left it
            assert pgschema.prepare(PgConnection(raw), os.urandom(32)) == pgschema.BASE
        for name, project, status, since, ended in (
            ("one", "shop", "active", t0, None),
            ("two", "web", "completed", None, t0 + half_hour),
            ("three", "shop", "idle", None, None),
        ):
            raw.execute(
                "INSERT INTO sessions (id, name, mode, status, project, created_at, updated_at, "
                "started_at, active_since, ended_at, active_ms, active_by_mode) "
                "VALUES (%s, %s, 'building', %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [name * 2, name, status, project, t0, t0, t0 if status != "idle" else None,
                 since, ended, half_hour if ended else 0,
                 '{"building": 1800000}' if ended else "{}"],
            )
        raw.execute(
            "INSERT INTO session_events (session_seq, at, kind, \"by\", mode) "
            "SELECT seq, %s, 'created', 'user', 'building' FROM sessions UNION ALL "
            "SELECT seq, %s, 'started', 'user', 'building' FROM sessions WHERE name <> 'three' "
            "UNION ALL SELECT seq, %s, 'completed', 'user', 'building' FROM sessions "
            "WHERE name = 'two'",
            [t0, t0, t0 + half_hour],
        )
        raw.execute(
            "INSERT INTO session_time (session_seq, file, branch, bucket, ms) "
            "SELECT seq, 'app.py', 'main', %s, %s FROM sessions WHERE name = 'two'",
            [t0 - t0 % 900_000, half_hour],
        )
    with SessionManager(pg_url, owner="carol") as mgr:
        assert {s.name: s.owner for s in mgr.list()} == {
            "one": "carol",
            "two": "carol",
            "three": "carol",
        }
        with mgr.read_snapshot() as conn:
            assert rollup.stored(conn) == rollup.summarised(conn)  # backfilled
            assert rollup.stored(conn)[2] == [(2, t0, t0 + half_hour, "building")]
        report = build_report(mgr, from_="2026-09-20", to="2026-09-23", tz="UTC", now=t0 + 60_000)
        assert {s.name: s.seconds for s in report.sessions} == {"one": 60.0, "two": 1800.0}
        assert [(f.name, f.seconds) for f in report.files] == [("app.py", 1800.0)]
        mgr.start("three")  # the unique index is per owner: hers paused "one"
        assert mgr.get("one").status is Status.PAUSED
    (version,) = query(pg_url, "SELECT value FROM store_state WHERE key = 'schema_version'")
    assert version["value"] == SCHEMA_VERSION


def test_a_write_leaving_an_owner_two_active_sessions_is_a_conflict(
    pair: tuple[SessionManager, SessionManager], store_target: str
) -> None:
    """The per-(owner, project) unique index refuses it the same way on every store."""
    alice, bob = pair
    mine = alice.create("api-auth", project="shop", start=True)
    bob.create("api-cache", project="shop", start=True)  # another owner's: allowed
    other = alice.create("api-docs", project="shop")
    # (inside the manager's own transaction, as another program's write would be)
    with pytest.raises(ConflictError) as refused, alice.store.transaction() as conn:
        conn.execute("UPDATE sessions SET status = 'active' WHERE id = ?", [other.id])
    assert refused.value.kind == "conflict"
    assert "became active in that project at the same time" in str(refused.value)
    assert alice.get(other.id).status is Status.IDLE
    assert alice.get(mine.id).status is Status.ACTIVE
