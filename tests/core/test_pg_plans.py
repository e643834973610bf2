"""How the PostgreSQL store has its questions planned: lists and statistics
planned for their values every time, and name searches with or without the
names' trigram index."""

from __future__ import annotations

from helix_lsp.session import SessionManager
from tests.postgres import as_role
from tests.postgres import sql as _sql


def test_lists_and_statistics_are_never_given_one_plan_for_every_value(pg_url: str) -> None:
    # Once psycopg prepares a statement, PostgreSQL would soon plan it once for
    # any value: for "is anyone else's session here" or a status filter that
    # generic plan reads every session.
    with SessionManager(pg_url, owner="ann@example.com") as mgr:
        for i in range(30):
            mgr.create(f"task-{i}", project="p" if i % 2 else "q")
        for _ in range(15):
            assert mgr.list(status="idle", project="p", limit=5).total == 15
            assert mgr.list(query="TASK-1", limit=5).total == 11
            assert mgr.stats().total == 30
        with mgr.read_snapshot() as conn:
            plans = conn.execute(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            ).fetchall()
            jit = conn.execute("SELECT current_setting('jit')").fetchone()[0]
    # (a statement without parameters has one plan anyway)
    asked = ("owner < $1", "LIMIT $", "SELECT COUNT(", "active_since < $1")
    prepared = [row for row in plans if any(part in row[0] for part in asked)]
    assert len(prepared) == 6, "each repeated question was prepared"
    assert [(text, generic) for text, generic, _ in prepared if generic] == []
    assert all(custom >= 10 for _, _, custom in prepared)
    assert jit == "off"


def test_name_searches_use_a_trigram_index_where_the_extension_may_be_added(
    pg_url: str,
) -> None:
    with SessionManager(pg_url) as mgr:
        mgr.create("Fix the Payment form", project="p")
        mgr.create("payments: refunds", project="p")
        mgr.create("release notes", project="p")
        found = mgr.list(query="PAYMENT")
    assert sorted(s.name for s in found) == ["Fix the Payment form", "payments: refunds"]
    assert found.total == 2
    indexes = _sql(pg_url, "SELECT indexdef FROM pg_indexes WHERE tablename = 'sessions'")
    assert any("gin_trgm_ops" in row[0] for row in indexes)


def test_a_role_that_may_not_add_extensions_creates_the_store_without_the_index(
    pg_url: str,
) -> None:
    grants = [
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE, CREATE ON SCHEMA public TO {role}",
    ]
    with as_role(pg_url, "maker", grants) as as_maker:
        with SessionManager(as_maker) as mgr:
            mgr.create("Fix the Payment form", project="p")
            mgr.create("release notes", project="p")
            found = mgr.list(query="payment")
        assert [s.name for s in found] == ["Fix the Payment form"]
        assert found.total == 1
        assert _sql(pg_url, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'") == []
