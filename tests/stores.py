"""What the tests that run on every store share: a manager fixture body and a way
to read stored rows behind the manager's back, on SQLite or PostgreSQL alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from hypothesis import HealthCheck, settings

from helix_lsp.session import SessionManager

NewStore = Callable[[], AbstractContextManager[str]]
"""The ``new_store`` fixture: ``with new_store() as target:`` a fresh empty store."""


def machine_settings(sqlite: int, postgresql: int) -> dict[str, settings]:
    """A state machine's settings per store kind: runs of 40 steps, ``sqlite`` or
    ``postgresql`` examples (each example opens a fresh store: a new database on
    PostgreSQL), no deadline."""
    return {
        kind: settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        for kind, examples in {"sqlite": sqlite, "postgresql": postgresql}.items()
    }


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def manager_on_each_store(store_target: str) -> Iterator[SessionManager]:
    """A manager on this test's store (``store_target``), for a module whose tests
    hold on every store: ``mgr = pytest.fixture(name="mgr")(manager_on_each_store)``."""
    with SessionManager(store_target) as manager:
        yield manager


def query(target: str, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows ``sql`` (with ``?`` placeholders) reads, through a connection of
    its own, as dictionaries."""
    if is_postgres(target):
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(target, row_factory=dict_row) as conn:
            return list(conn.execute(sql.replace("?", "%s"), list(params)).fetchall())
    with sqlite3.connect(target) as conn:
        conn.row_factory = sqlite3.Row
        found = [dict(row) for row in conn.execute(sql, list(params)).fetchall()]
    conn.close()
    return found
