"""What the session core needs of a database, whichever engine holds the store.

The core's modules take a ``Connection`` and run SQL on it: ``sqlite3``'s
connection satisfies the protocol as it is (the SQLite path pays nothing for
it), and the PostgreSQL store hands out a thin adapter that does too. The SQL
the core writes runs unchanged on both engines (``?`` parameters, ``ON
CONFLICT``, ``RETURNING``, ``CASE``); the few constructs that cannot be
written once (JSON tables, float sums, SQLite's index hints) come from the
connection's ``Dialect``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, Protocol


class Cursor(Protocol):
    """The result of one statement: rows to fetch or iterate, and how many it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection the core runs its statements on (``?`` marks a parameter)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Cursor: ...


class IntegrityError(Exception):
    """A constraint refused a write (PostgreSQL's; SQLite raises ``sqlite3.IntegrityError``)."""


#: The partial unique index that keeps one active session per (owner, project).
ONE_ACTIVE_INDEX: Final = "sessions_one_active"


def one_active_refused(detail: str) -> bool:
    """Whether a constraint's refusal (its text) is ``ONE_ACTIVE_INDEX``'s, as either
    engine words it: PostgreSQL names the index, SQLite its columns."""
    return ONE_ACTIVE_INDEX in detail or "sessions.owner, sessions.project" in detail


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between the engines, as small text builders."""

    name: str
    #: ``LIKE`` as SQLite means it (case-insensitive for ASCII letters).
    like: str
    #: A table name that makes SQLite scan instead of walking an index.
    not_indexed: str
    #: The sessions whose closed time is not all in their current mode, written
    #: exactly as the partial index ``sessions_mixed_modes`` says (see ``schema``).
    mixed_modes: str
    #: Ends a subquery that is to be planned on its own. PostgreSQL cannot
    #: estimate ``mixed_modes`` (it guesses nearly every row) and, joined to the
    #: rows' JSON, would scan every session instead of that condition's small
    #: partial index; ``OFFSET 0`` keeps the subquery (the index) apart.
    fence: str = ""

    def total(self, expr: str) -> str:
        """A float sum that is 0.0 over no rows and cannot overflow (SQLite's TOTAL)."""
        if self.name == "sqlite":
            return f"TOTAL({expr})"
        return f"CAST(COALESCE(SUM({expr}), 0) AS DOUBLE PRECISION)"

    def object_items(self, text: str, alias: str) -> str:
        """A FROM item with ``alias.key`` and ``alias.value`` of a JSON object held as text."""
        if self.name == "sqlite":
            return f"json_each({text}) {alias}"
        return f"jsonb_each(CAST({text} AS jsonb)) {alias}"

    def item_number(self, alias: str) -> str:
        """``alias.value`` of ``object_items`` as a number."""
        if self.name == "sqlite":
            return f"{alias}.value"
        return f"CAST({alias}.value AS NUMERIC)"

    def valid_json(self, text: str, fallback: str) -> str:
        """``text`` when it is JSON, else ``fallback`` (PostgreSQL 15 cannot ask: rows
        there are only ever written by the core)."""
        if self.name == "sqlite":
            return f"CASE WHEN json_valid({text}) THEN {text} ELSE {fallback} END"
        return text

    def array_numbers(self) -> str:
        """A subquery of the integers of one JSON array parameter (``?``)."""
        if self.name == "sqlite":
            return "SELECT value FROM json_each(?)"
        return "SELECT CAST(jsonb_array_elements_text(CAST(? AS jsonb)) AS BIGINT)"


SQLITE: Final = Dialect(
    "sqlite",
    like="LIKE",
    not_indexed="sessions NOT INDEXED",
    mixed_modes="active_by_mode <> '{\"' || mode || '\":' || active_ms || '}'",
)
#: (An index predicate must be immutable: ``text || bigint`` is not, the cast is.)
POSTGRES: Final = Dialect(
    "postgresql",
    like="ILIKE",
    not_indexed="sessions",
    mixed_modes="active_by_mode <> '{\"' || mode || '\":' || CAST(active_ms AS TEXT) || '}'",
    fence=" OFFSET 0",
)


def stream(conn: Connection, sql: str, parameters: Any = ()) -> Cursor:
    """``execute`` for a result read in batches (``fetchmany``) that may not fit in memory.

    SQLite steps through its rows anyway; the PostgreSQL adapter reads them
    through a server-side cursor instead of fetching them all at once.
    """
    streaming = getattr(conn, "stream", None)
    if streaming is None:
        return conn.execute(sql, parameters)
    found: Cursor = streaming(sql, parameters)
    return found


def batched(conn: Connection) -> contextlib.AbstractContextManager[object]:
    """Statements sent together where the engine can (PostgreSQL's pipeline mode):
    a bulk write that needs no answer between them pays one round trip, not one each."""
    pipeline = getattr(conn, "pipeline", None)
    if pipeline is None:
        return contextlib.nullcontext()
    found: contextlib.AbstractContextManager[object] = pipeline()
    return found


def dialect(conn: object) -> Dialect:
    """The dialect of ``conn``: the PostgreSQL adapter names its own, else SQLite."""
    found = getattr(conn, "dialect", SQLITE)
    return found if isinstance(found, Dialect) else SQLITE


class SessionStore(Protocol):
    """An open store: its connection, its transactions, what it may not do.

    ``transaction`` is one write transaction that no other writer of the same
    owner interleaves with (read-check-write never works on a stale row), nor,
    when ``store_wide`` (an import), any other writer at all; ``snapshot`` a read
    transaction that sees one state; ``reading`` statements without a
    common snapshot. ``path`` is what users are shown: a file, or a URL
    without its password.
    """

    path: str
    target: str
    read_only_reason: str | None
    warnings: list[str]

    def close(self) -> None: ...

    def refuse(self, reason: str) -> None: ...

    def transaction(
        self, *, store_wide: bool = False
    ) -> contextlib.AbstractContextManager[Connection]: ...

    def snapshot(self) -> contextlib.AbstractContextManager[Connection]: ...

    def reading(self) -> contextlib.AbstractContextManager[Connection]: ...

    def data_version(self) -> int: ...

    def secret(self) -> bytes: ...

    def check_integrity(self) -> str | None: ...


__all__ = [
    "ONE_ACTIVE_INDEX",
    "POSTGRES",
    "SQLITE",
    "Connection",
    "Cursor",
    "Dialect",
    "IntegrityError",
    "SessionStore",
    "batched",
    "dialect",
    "one_active_refused",
    "stream",
]
