"""The PostgreSQL connection as the core sees it: ``db.Connection`` over psycopg.

The core writes ``?`` parameters (as sqlite3 takes them); psycopg takes
``%s``, so each statement is translated once (cached) outside quoted text,
and a constraint's refusal becomes ``db.IntegrityError``. ``wrote`` tells the
store whether a transaction changed anything (only then does it count the
change for ``data_version``). Bulk reads stream through a server-side cursor and
bulk writes go out in psycopg's pipeline mode (``db.stream``, ``db.batched``);
so do a change's statements (``pipelined``). ``open_raw`` opens a connection
that notices a dropped network, and ``SNAPSHOT`` opens a read transaction.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Iterator
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors

from helix_lsp.session import db

STREAM_BATCH: Final = 500
CONNECT_TIMEOUT_S: Final = 5
#: libpq settings that notice a dropped network within seconds (unless the URL sets them)
NETWORK: Final = {
    "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    "tcp_user_timeout": 15_000,
}
_WRITES: Final = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP")


@functools.lru_cache(maxsize=1024)
def _translate(sql: str) -> tuple[str, bool]:
    """``?`` parameters as psycopg's ``%s`` (a literal ``%`` doubled), outside quotes;
    and whether the statement writes."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out), sql.lstrip().upper().startswith(_WRITES)

#: A store's read-only snapshot, opened in one round trip, plans its statements for
#: their values. A snapshot runs the questions over many rows (lists, counts, statistics,
#: reports), whose best plan depends on the values: once psycopg has prepared a
#: statement, PostgreSQL soon switches to one *generic* plan for every value, and
#: for ``owner < ?`` or ``status IN (?)`` that plan is a scan of every session
#: (twenty times slower than the custom one). Planning each time costs a fraction
#: of a millisecond there; the short statements of commands keep their cached
#: plans. JIT compilation, which PostgreSQL starts by estimated cost alone, takes
#: longer than the statistics' whole query over 100,000 sessions: off too. So are
#: parallel workers: a process started per query, from a pool of 8 the whole
#: cluster shares, for scans of tens of milliseconds that many servers ask for;
#: on two cores the statistics ran 10% faster without them.
SNAPSHOT: Final = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
    "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL jit = off; "
    "SET LOCAL max_parallel_workers_per_gather = 0"
)


def open_raw(url: str) -> psycopg.Connection[Any]:
    """A new autocommit connection to ``url`` (psycopg's errors as they come)."""
    options: dict[str, Any] = {"autocommit": True}
    if "connect_timeout" not in url and not os.environ.get("PGCONNECT_TIMEOUT"):
        options["connect_timeout"] = CONNECT_TIMEOUT_S
    # A dropped network sends nothing: without these a statement would wait
    # for TCP to give up (many minutes) and a listening connection never learn.
    options.update({k: v for k, v in NETWORK.items() if k not in url})
    return psycopg.connect(url, **options)


class _Queued:
    """A statement's cursor in pipeline mode: rows are fetched when asked for (psycopg
    waits for them), and so is the count of rows changed (after a sync)."""

    def __init__(self, cur: psycopg.Cursor[Any], pipe: psycopg.Pipeline) -> None:
        self._cur = cur
        self._pipe = pipe

    @property
    def rowcount(self) -> int:
        self._pipe.sync()
        return self._cur.rowcount

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def fetchmany(self, size: int = 0) -> list[Any]:
        return self._cur.fetchmany(size)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur)


class PgConnection:
    """``db.Connection`` over a psycopg connection: ``?`` parameters, core errors."""

    dialect: Final = db.POSTGRES

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.wrote = False
        self._cursors = 0
        self._pipe: psycopg.Pipeline | None = None

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """Statements sent without waiting for each answer (psycopg's pipeline mode).

        Every round trip to the server costs more than most of the statements
        of a change, so a change's statements are queued: only a read (the
        caller fetches its rows) sends what is queued and waits, and the end
        of the block waits for every answer. A statement's error then comes
        with a later statement or the end of the block, still inside the
        transaction, which is rolled back whole. (No server-side cursor,
        ``stream``, in this mode.)
        """
        with self.raw.pipeline() as pipe:
            self._pipe = pipe
            try:
                yield
            finally:
                self._pipe = None

    def run_all(self, statements: list[str]) -> None:
        """Statements without parameters in one round trip (or queued, pipelined)."""
        if self._pipe is None:
            self.raw.execute("; ".join(statements))
        else:
            for statement in statements:
                self.raw.execute(statement)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        query, writes = _translate(sql)
        try:
            cur = self.raw.execute(query, list(parameters))
        except pg_errors.IntegrityError as err:
            raise db.IntegrityError(str(err).splitlines()[0]) from err
        self.wrote = self.wrote or writes
        return cur if self._pipe is None else _Queued(cur, self._pipe)

    def pipeline(self) -> contextlib.AbstractContextManager[object]:
        """psycopg's pipeline mode (see ``db.batched``)."""
        return self.raw.pipeline()

    def stream(self, sql: str, parameters: Any = ()) -> Any:
        """A server-side cursor (inside the caller's transaction): rows come in batches."""
        self._cursors += 1
        cur = self.raw.cursor(name=f"helix_stream_{self._cursors}")
        cur.itersize = STREAM_BATCH
        cur.execute(_translate(sql)[0], list(parameters))
        return cur

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Any:
        query, writes = _translate(sql)
        batch = [list(p) for p in seq_of_parameters]
        cur = self.raw.cursor()
        if batch:
            try:
                cur.executemany(query, batch)
            except pg_errors.IntegrityError as err:
                raise db.IntegrityError(str(err).splitlines()[0]) from err
            self.wrote = self.wrote or writes
        return cur
