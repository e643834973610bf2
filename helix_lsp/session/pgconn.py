"""The PostgreSQL connection as the core sees it: ``db.Connection`` over psycopg.

The core writes ``?`` parameters (as sqlite3 takes them); psycopg takes
``%s``, so each statement is translated once (cached) outside quoted text,
and a constraint's refusal becomes ``db.IntegrityError``. ``wrote`` tells the
store whether a transaction changed anything (only then does it count the
change for ``data_version``). Bulk reads stream through a server-side cursor and
bulk writes go out in psycopg's pipeline mode (``db.stream``, ``db.batched``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors

from helix_lsp.session import db

STREAM_BATCH: Final = 500
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


class PgConnection:
    """``db.Connection`` over a psycopg connection: ``?`` parameters, core errors."""

    dialect: Final = db.POSTGRES

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.wrote = False
        self._cursors = 0

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        query, writes = _translate(sql)
        try:
            cur = self.raw.execute(query, list(parameters))
        except pg_errors.IntegrityError as err:
            raise db.IntegrityError(str(err).splitlines()[0]) from err
        self.wrote = self.wrote or writes
        return cur

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
