"""Importing a snapshot from a stream: checked in full first, then written in batches.

Two passes over the document, each holding one session at a time:

1. **Check.** Every entry is checked by ``transfer``'s rules, ids must be
   unique in the snapshot and new to the store, and no project may end up
   with two active sessions. Any refusal here leaves the store untouched.
2. **Write.** Sessions are inserted in transactions of ``BATCH`` rows with a
   short pause between them, so another writer (an editor's server) gets the
   store within its busy timeout instead of failing with "store is busy".

A crash or kill during the second pass leaves the batches already committed
and a note in ``store_meta`` (``import:<sha256 of the document>``, the count
of entries written), committed with each batch. Importing the same document
again reads the note and carries on after those entries; the note goes with
the last batch. A stream that cannot be read twice (a pipe) is kept in an
unnamed temporary file (0600) for the second pass.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import time
from collections.abc import Callable
from typing import IO, Any, Final

from helix_lsp.session import rows, transfer
from helix_lsp.session.errors import ConflictError, InvalidArgumentError, StorageError
from helix_lsp.session.jsonstream import SnapshotReader
from helix_lsp.session.model import SessionRecord, Status
from helix_lsp.session.store import Store

Progress = Callable[[int, "int | None"], None]
BATCH: Final = 500
#: Between two batches: long enough for a writer waiting in SQLite's busy
#: handler (which retries every few to 100 ms) to take the lock.
PAUSE_SECONDS: Final = 0.02
_ID_QUERY: Final = 500


def import_stream(store: Store, fp: IO[Any], progress: Progress | None = None) -> list[str]:
    """Import the snapshot read from ``fp``; the ids it added (see the module)."""
    with contextlib.ExitStack() as stack:
        source = fp
        spool: IO[str] | None = None
        start = _tell(fp)
        if start is None:
            spool = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
        check = _Check(progress)
        digest, header = check.run(fp, spool)
        if {"exportedAt", "version"} & set(check.keys_after_sessions):
            source = _rewound(fp, start, spool)  # entries are read against the whole header
            check = _Check(progress, header)
            digest, header = check.run(source, None)
        done = _resume_point(store, digest)
        _refuse_conflicts(store, check, done)
        source = _rewound(fp, start, spool)
        writer = _Writer(store, digest, done, len(check.ids), progress)
        writer.run(source)
        return check.ids[done:]


def _tell(fp: IO[Any]) -> int | None:
    try:
        if fp.seekable():
            return fp.tell()
    except (OSError, ValueError):
        pass
    return None


def _rewound(fp: IO[Any], start: int | None, spool: IO[str] | None) -> IO[Any]:
    if spool is not None:
        spool.seek(0)
        return spool
    assert start is not None
    fp.seek(start)
    return fp


def checked_entry(entry: Any, index: int, header: dict[str, Any]) -> SessionRecord:
    """One entry by ``transfer``'s rules, named by its place in the whole snapshot."""
    doc = {"format": transfer.FORMAT, "version": transfer.FORMAT_VERSION, "sessions": [entry]}
    if "exportedAt" in header:
        doc["exportedAt"] = header["exportedAt"]
    try:
        return transfer.parse(doc)[0]
    except InvalidArgumentError as err:
        where = f"session {index + 1} of the snapshot"
        raise InvalidArgumentError(
            err.message.replace("session 1 of the snapshot", where, 1)
        ) from None


def _check_header(header: dict[str, Any]) -> None:
    if header.get("sessions") is not True:
        raise InvalidArgumentError("the snapshot has no list of sessions.")
    transfer.parse({**header, "sessions": []})


class _Check:
    """The first pass: every entry checked, the ids and active projects noted."""

    def __init__(self, progress: Progress | None, header: dict[str, Any] | None = None) -> None:
        self.progress = progress
        self.known = header or {}
        self.ids: list[str] = []
        self.seen: set[str] = set()
        self.active: dict[str, int] = {}  # project -> index of its active entry
        self.keys_after_sessions: list[str] = []
        self._reader: SnapshotReader | None = None

    def run(self, fp: IO[Any], spool: IO[str] | None) -> tuple[str, dict[str, Any]]:
        reader = self._reader = SnapshotReader(fp, copy_to=spool)
        header = reader.walk(self._entry)
        self.keys_after_sessions = reader.keys_after_sessions
        _check_header(header)
        return reader.digest, header

    def _entry(self, entry: Any) -> None:
        index = len(self.ids)
        if index >= transfer.MAX_IMPORT:
            raise InvalidArgumentError(f"a snapshot holds at most {transfer.MAX_IMPORT} sessions.")
        assert self._reader is not None
        rec = checked_entry(entry, index, self.known or self._reader.header)
        if rec.id in self.seen:
            raise InvalidArgumentError(f"the snapshot holds session {rec.id} twice.")
        if rec.status is Status.ACTIVE:
            if rec.project in self.active:
                raise InvalidArgumentError(
                    f"the snapshot holds two active sessions in project '{rec.project}'."
                )
            self.active[rec.project] = index
        self.seen.add(rec.id)
        self.ids.append(rec.id)
        if self.progress is not None and len(self.ids) % BATCH == 0:
            self.progress(len(self.ids), None)


def _marker(digest: str) -> str:
    return f"import:{digest}"


def _resume_point(store: Store, digest: str) -> int:
    """Entries of this document an interrupted import already wrote (0: none)."""
    with store.reading() as conn:
        try:
            row = conn.execute(
                "SELECT value FROM store_meta WHERE key = ?", [_marker(digest)]
            ).fetchone()
        except sqlite3.OperationalError:  # no store_meta: a store of schema version 1
            return 0
    return 0 if row is None else int(row[0])


def _refuse_conflicts(store: Store, check: _Check, done: int) -> None:
    """Refuse ids already stored and a second active session in a project."""
    pending = check.ids[done:]
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
        active = conn.execute("SELECT project FROM sessions WHERE status = 'active'")
        busy = {row[0] for row in active}
    for project, index in check.active.items():
        if index >= done and project in busy:
            raise ConflictError(
                f"the snapshot would leave two active sessions in project '{project}'; "
                "nothing was imported."
            )


class _Writer:
    """The second pass: the checked entries written in batches, with the resume note."""

    def __init__(
        self, store: Store, digest: str, done: int, total: int, progress: Progress | None
    ) -> None:
        self.store = store
        self.marker = _marker(digest)
        self.digest = digest
        self.skip = done
        self.done = done
        self.total = total
        self.progress = progress
        self.batch: list[SessionRecord] = []
        self.index = 0
        self._header: dict[str, Any] = {}

    def run(self, fp: IO[Any]) -> None:
        reader = SnapshotReader(fp)
        self._header = reader.header
        reader.walk(self._entry)
        if reader.digest != self.digest:
            raise StorageError(
                f"the snapshot changed while it was imported; {self.done} of its sessions "
                "were imported, importing it again adds the rest."
            )
        self._flush(last=True)

    def _entry(self, entry: Any) -> None:
        index = self.index
        self.index += 1
        if index < self.skip:
            return
        self.batch.append(checked_entry(entry, index, self._header))
        if len(self.batch) >= BATCH:
            self._flush(last=False)

    def _flush(self, *, last: bool) -> None:
        if not self.batch and self.done == 0:
            return  # nothing written and no note to remove
        count = self.done + len(self.batch)
        try:
            with self.store.transaction() as conn:
                try:
                    for rec in self.batch:
                        rows.insert(conn, rec)
                except sqlite3.IntegrityError as err:
                    what = f"another writer got in the way ({err})"
                    raise ConflictError(self._partial(what)) from None
                if last:
                    conn.execute("DELETE FROM store_meta WHERE key = ?", [self.marker])
                else:
                    conn.execute(
                        "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)",
                        [self.marker, str(count)],
                    )
        except StorageError as err:
            if self.done == self.skip:
                raise
            raise StorageError(self._partial(str(err).rstrip("."))) from None
        self.done = count
        self.batch = []
        if self.progress is not None:
            self.progress(self.done, self.total)
        if not last:
            time.sleep(PAUSE_SECONDS)

    def _partial(self, what: str) -> str:
        written = self.done - self.skip
        if written == 0:
            return f"{what}; nothing was imported."
        return (
            f"{what}; {written} sessions of the snapshot were imported before it, "
            "and importing the same file again adds the rest."
        )
