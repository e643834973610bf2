"""Different owners write to one PostgreSQL store at the same time; one owner's
writers still queue. Two developers busy in one project lose nothing of each
other's changes: their sessions, histories and the project's running totals."""

from __future__ import annotations

import threading
from typing import Any

import psycopg

from helix_lsp.session import SessionManager
from helix_lsp.session.activity import Activity
from helix_lsp.session.model import now_ms

ROUNDS = 60
WAIT = 60.0


def _sql(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def _in_thread(fn: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as err:  # reported by the test
            errors.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def test_another_owner_writes_while_one_owner_is_in_a_change(pg_url: str) -> None:
    with (
        SessionManager(pg_url, owner="ann@team.example") as ann,
        SessionManager(pg_url, owner="ann@team.example") as ann_again,
        SessionManager(pg_url, owner="bob@team.example") as bob,
    ):
        ann.create("ann-work", project="shop", start=True)
        bob.create("bob-work", project="shop", start=True)
        store: Any = ann.store
        with store.transaction() as conn:  # ann's change, not yet committed
            conn.execute("SELECT 1")
            other, other_errors = _in_thread(lambda: bob.set_metadata("bob-work", "k", "v"))
            other.join(WAIT)
            assert not other.is_alive(), "another owner's change waited for ann's"
            assert other_errors == []
            same, same_errors = _in_thread(lambda: ann_again.set_metadata("ann-work", "k", "v"))
            same.join(0.5)
            assert same.is_alive(), "ann's second writer did not queue behind her first"
        same.join(WAIT)
        assert not same.is_alive() and same_errors == []
        assert bob.get("bob-work").get_metadata("k") == "v"
        assert ann.get("ann-work").get_metadata("k") == "v"


def test_two_owners_busy_in_one_project_lose_nothing(pg_url: str) -> None:
    owners = ("ann@team.example", "bob@team.example")
    managers = {who: SessionManager(pg_url, owner=who) for who in owners}
    try:
        ids = {
            who: mgr.create(f"{who}-work", project="shop", start=True).id
            for who, mgr in managers.items()
        }
        start = threading.Barrier(len(owners))

        def busy(who: str) -> None:
            mgr, sid = managers[who], ids[who]
            start.wait(WAIT)
            for i in range(ROUNDS):
                at = now_ms()
                mgr.record_activity(sid, [Activity(at, "src/app.py", "main", i + 1, 1)])
                mgr.set_metadata(sid, f"k{i}", str(i))
                mgr.pause(sid)
                mgr.resume(sid)

        threads = [_in_thread(lambda who=who: busy(who)) for who in owners]
        for thread, _ in threads:
            thread.join(WAIT * 4)
        assert [errors for _, errors in threads] == [[], []]
        assert not any(thread.is_alive() for thread, _ in threads)

        for who, mgr in managers.items():
            sess = mgr.get(ids[who])
            assert sess.status.value == "active"
            assert sess.metadata == {f"k{i}": str(i) for i in range(ROUNDS)}
            (pauses,) = _sql(
                pg_url,
                "SELECT count(*) FROM session_events e JOIN sessions s ON s.seq = e.session_seq "
                "WHERE s.id = %s AND e.kind = 'paused'",
                [ids[who]],
            )[0]
            assert pauses == ROUNDS
        # the project's running totals hold every closed interval of both histories
        (rolled, recorded) = _sql(
            pg_url,
            "SELECT (SELECT COALESCE(SUM(ms), 0) FROM time_rollup "
            "WHERE project = 'shop' AND span = 86400000), "
            "(SELECT COALESCE(SUM(active_ms), 0) FROM sessions WHERE project = 'shop')",
        )[0]
        assert rolled == recorded
    finally:
        for mgr in managers.values():
            mgr.close()
