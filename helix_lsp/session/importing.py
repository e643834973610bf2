"""Importing a snapshot from a stream: checked in full first, then written in batches.

1. **Check.** The document is read once, one session at a time. Each entry is
   checked by ``transfer``'s rules; ids must be unique in the snapshot and
   new to the store, and no project may end up with two active sessions.
   The checked rows go to an unnamed temporary file (0600), one line each.
   Any refusal here leaves the store untouched.
2. **Write.** The rows are read back and inserted in transactions of at
   most ``BATCH`` rows or ``BATCH_SECONDS``, with a pause after each, so
   another writer (an editor's server) gets the store within its busy
   timeout instead of failing with "store is busy".

A crash or kill during the second pass leaves the batches already committed
and a note in ``store_meta`` (``import:<sha256 of the document>``, the count
of entries written), committed with each batch. Importing the same document
again reads the note and carries on after those entries; the note goes with
the last batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from typing import IO, Any, Final

from helix_lsp.session import db, timeline, transfer
from helix_lsp.session.errors import ConflictError, InvalidArgumentError, StorageError
from helix_lsp.session.exporting import Progress
from helix_lsp.session.jsonstream import SnapshotReader
from helix_lsp.session.model import Status
from helix_lsp.session.timeline import Imported

BATCH: Final = 500
#: Between two batches: long enough for a writer waiting in SQLite's busy
#: handler (which retries every few to 100 ms) to take the lock.
PAUSE_SECONDS: Final = 0.02
#: The longest one batch holds the write lock (unless one row takes longer).
BATCH_SECONDS: Final = 0.1
_ID_QUERY: Final = 500
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)


def import_stream(
    store: db.SessionStore, fp: IO[Any], progress: Progress | None = None, owner: str = ""
) -> list[str]:
    """Import the snapshot read from ``fp``; the ids it added (see the module).

    Entries without an owner become ``owner``'s."""
    with contextlib.ExitStack() as stack:
        checked = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
        start = _tell(fp)
        copy = None if start is not None else stack.enter_context(_spool())
        check = _Check(checked, progress, owner=owner)
        check.run(fp, copy)
        if "exportedAt" in check.keys_after_sessions:  # entries need it: read them again
            again = copy if copy is not None else fp
            again.seek(0 if start is None else start)
            checked.seek(0)
            checked.truncate()
            check = _Check(checked, progress, known=check.header, owner=owner)
            check.run(again, None)
        done = _resume_point(store, check.digest)
        _refuse_conflicts(store, check.ids, check.active, done)
        checked.seek(0)
        for _ in range(done):  # written by the interrupted import
            checked.readline()
        _write(store, map(json.loads, checked), len(check.ids), check.digest, done, progress)
        return check.ids[done:]


def import_records(store: db.SessionStore, items: list[Imported]) -> list[str]:
    """Add checked records: refused as a whole before any write, written in batches.

    A snapshot of up to ``BATCH`` sessions is one transaction; a larger one
    is written like a streamed import (with the resume note), so that other
    writers are not kept out for the whole import.
    """
    records = [item.record for item in items]
    ids = [rec.id for rec in records]
    active: dict[tuple[str, str], int] = {}
    for index, rec in enumerate(records):
        if rec.status is Status.ACTIVE:
            if (rec.owner, rec.project) in active:
                raise ConflictError(
                    f"the snapshot would leave two active sessions in project "
                    f"'{rec.project}' for {rec.owner}; nothing was imported."
                )
            active[rec.owner, rec.project] = index
    encoded = [item.encoded() for item in items]
    digest = hashlib.sha256()
    for values in encoded:
        digest.update(_ENCODER.encode(values).encode("utf-8", "surrogatepass"))
    done = _resume_point(store, digest.hexdigest()) if len(records) > BATCH else 0
    _refuse_conflicts(store, ids, active, done)
    _write(store, iter(encoded[done:]), len(ids), digest.hexdigest(), done, None)
    return ids[done:]


def _spool() -> IO[str]:
    return tempfile.TemporaryFile("w+", encoding="utf-8")


def _tell(fp: IO[Any]) -> int | None:
    try:
        if fp.seekable():
            return fp.tell()
    except (OSError, ValueError):
        pass
    return None


class _Check:
    """The first pass: every entry checked and kept as a row; ids and active projects noted."""

    def __init__(
        self,
        out: IO[str],
        progress: Progress | None,
        known: dict[str, Any] | None = None,
        owner: str = "",
    ) -> None:
        self.out = out
        self.owner = owner
        self.progress = progress
        self.known = known
        self.ids: list[str] = []
        self.seen: set[str] = set()
        self.active: dict[tuple[str, str], int] = {}  # (owner, project) -> its active entry
        self.keys_after_sessions: list[str] = []
        self.header: dict[str, Any] = {}
        self.digest = ""
        self._reader: SnapshotReader | None = None

    def run(self, fp: IO[Any], copy: IO[str] | None) -> None:
        reader = self._reader = SnapshotReader(fp, copy_to=copy)
        self.header = reader.walk(self._entry)
        self.keys_after_sessions = reader.keys_after_sessions
        self.digest = reader.digest
        if self.header.get("sessions") is not True:
            raise InvalidArgumentError("the snapshot has no list of sessions.")
        transfer.check_header(self.header)

    def _entry(self, entry: Any) -> None:
        index = len(self.ids)
        if index >= transfer.MAX_IMPORT:
            raise InvalidArgumentError(f"a snapshot holds at most {transfer.MAX_IMPORT} sessions.")
        assert self._reader is not None
        header = self.known if self.known is not None else self._reader.header
        item = transfer.read_entry(entry, index, header.get("exportedAt"), self.owner)
        rec = item.record
        if rec.id in self.seen:
            raise InvalidArgumentError(f"the snapshot holds session {rec.id} twice.")
        if rec.status is Status.ACTIVE:
            if (rec.owner, rec.project) in self.active:
                raise InvalidArgumentError(
                    f"the snapshot holds two active sessions in project '{rec.project}' "
                    f"for {rec.owner}."
                )
            self.active[rec.owner, rec.project] = index
        self.seen.add(rec.id)
        self.ids.append(rec.id)
        self.out.write(_ENCODER.encode(item.encoded()) + "\n")
        if self.progress is not None and len(self.ids) % BATCH == 0:
            self.progress(len(self.ids), None)


def _marker(digest: str) -> str:
    return f"import:{digest}"


def _resume_point(store: db.SessionStore, digest: str) -> int:
    """Entries of this document an interrupted import already wrote (0: none)."""
    with store.reading() as conn:
        try:
            row = conn.execute(
                "SELECT value FROM store_meta WHERE key = ?", [_marker(digest)]
            ).fetchone()
        except sqlite3.OperationalError:  # no store_meta: a store of schema version 1
            return 0
    return 0 if row is None else int(row[0])


def _refuse_conflicts(
    store: db.SessionStore, ids: list[str], active: dict[tuple[str, str], int], done: int
) -> None:
    """Refuse ids already stored and a second active session of an owner in a project.

    ``active`` maps (owner, project) to the index of the snapshot's active session
    in it; the first ``done`` entries were written by an interrupted import.
    """
    pending = ids[done:]
    with store.reading() as conn:
        for at in range(0, len(pending), _ID_QUERY):
            chunk = pending[at : at + _ID_QUERY]
            found = conn.execute(
                f"SELECT id, name FROM sessions WHERE id IN ({','.join('?' * len(chunk))}) LIMIT 1",
                chunk,
            ).fetchone()
            if found is not None:
                raise ConflictError(
                    f"session {found[0]} ('{found[1]}') is already in the store; "
                    "nothing was imported."
                )
        stored = conn.execute("SELECT owner, project FROM sessions WHERE status = 'active'")
        busy = {(row[0], row[1]) for row in stored}
    for (owner, project), index in active.items():
        if index >= done and (owner, project) in busy:
            raise ConflictError(
                f"the snapshot would leave two active sessions in project '{project}' "
                f"for {owner}; nothing was imported."
            )


def _write(
    store: db.SessionStore,
    pending: Iterator[list[Any]],
    total: int,
    digest: str,
    done: int,
    progress: Progress | None,
) -> None:
    """The second pass: encoded rows in batches, each committed with the resume note.

    A batch ends after ``BATCH`` rows or ``BATCH_SECONDS``, whichever comes
    first, and the pause after it lasts at least half as long as the batch
    held the lock: on a slow or busy machine a waiting writer still finds
    the store free within SQLite's retry interval. (PostgreSQL queues the
    writers waiting for its lock in order: no pause there, and a batch's
    statements go out in one pipeline.)
    """
    marker = _marker(digest)
    written = done
    while written < total or done:
        started = time.monotonic()
        try:
            with store.transaction(store_wide=True) as conn, db.batched(conn):
                count = 0
                queued = db.dialect(conn) is not db.SQLITE
                try:
                    while written + count < total and count < BATCH:
                        timeline.insert_encoded(conn, next(pending))
                        count += 1
                        if time.monotonic() - started > BATCH_SECONDS:
                            break
                except (sqlite3.IntegrityError, db.IntegrityError) as err:
                    what = f"another writer got in the way ({err})"
                    raise ConflictError(_partial(what, written - done)) from None
                last = written + count >= total
                if last:
                    conn.execute("DELETE FROM store_meta WHERE key = ?", [marker])
                else:
                    conn.execute(
                        "INSERT INTO store_meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [marker, str(written + count)],
                    )
        except StorageError as err:
            if written == done:
                raise
            raise StorageError(_partial(str(err).rstrip("."), written - done)) from None
        written += count
        if progress is not None:
            progress(written, total)
        if last:
            return
        if not queued:
            time.sleep(max(PAUSE_SECONDS, (time.monotonic() - started) / 2))


def _partial(what: str, written: int) -> str:
    if written == 0:
        return f"{what}; nothing was imported."
    return (
        f"{what}; {written} sessions of the snapshot were imported before it, "
        "and importing the same snapshot again adds the rest."
    )
