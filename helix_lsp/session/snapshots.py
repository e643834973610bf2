"""Snapshots in and out, and the store's secret: the part of ``SessionManager``
that moves sessions between stores.

A mixin so that the manager module stays about changes and lookups; the
streaming machinery (``exporting``, ``importing``) is imported only when a
snapshot is actually read or written, so ordinary verbs never load it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

from helix_lsp.session import db, lookup, transfer

if TYPE_CHECKING:
    from helix_lsp.session.exporting import Progress


class Snapshots:
    """Export, import and the store-level services of the manager's store."""

    _store: db.SessionStore

    @property
    def owner(self) -> str:
        raise NotImplementedError

    @property
    def warnings(self) -> builtins.list[str]:
        raise NotImplementedError

    def export(self, ref: str | None = None) -> dict[str, Any]:
        """A snapshot of one session (``ref``) or of the whole store.

        Of a damaged store, every session that can still be read; a sentence
        on what could not be read is added to ``warnings``.
        """
        with self._store.snapshot() as conn:
            if ref is not None:
                records = [lookup.find(conn, ref)]
            else:
                from helix_lsp.session import exporting

                records = list(exporting.readable_records(conn, self._skipped(None)))
            return transfer.snapshot(records, conn)

    def import_(self, snapshot: Mapping[str, Any]) -> builtins.list[str]:
        """Add every session of a snapshot, all or nothing, in one transaction
        (a session without an owner becomes this manager's owner's)."""
        from helix_lsp.session import importing

        return importing.import_records(self._store, transfer.parse(snapshot, self.owner))

    # -- store-level services ----------------------------------------------------

    def secret(self) -> bytes:
        """32 random bytes of this store, created with it (e.g. to key hashed file names)."""
        return self._store.secret()

    def export_to(
        self,
        fp: IO[str],
        ref: str | None = None,
        progress: Progress | None = None,
        on_skip: Callable[[str], None] | None = None,
    ) -> int:
        """Write the snapshot ``export`` would return to ``fp``, one session at a time.

        Memory stays that of one session whatever the store holds. Of a
        damaged store it writes every session that can still be read and
        tells ``on_skip`` (default: ``warnings``) in a sentence what could
        not be read. ``progress(done, total)`` hears of every few hundred
        sessions. Returns how many sessions were written.
        """
        from helix_lsp.session import exporting

        with self._store.snapshot() as conn:
            if ref is not None:
                records = iter([lookup.find(conn, ref)])
                total: int | None = 1
            else:
                total = exporting.count_rows(conn)
                records = exporting.readable_records(conn, self._skipped(on_skip))
            return exporting.write_snapshot(fp, records, conn, total=total, progress=progress)

    def import_from(self, fp: IO[Any], progress: Progress | None = None) -> builtins.list[str]:
        """Import a snapshot read from ``fp`` (text or UTF-8 bytes) in bounded memory.

        Every entry is checked and every id compared with the store before
        the first write, so a refused snapshot writes nothing; the sessions
        are then written in batches, letting other writers in between. An
        import cut short (a crash, a kill) is completed by importing the same
        document again. Returns the ids added. See ``importing``.
        """
        from helix_lsp.session import importing

        return importing.import_stream(self._store, fp, progress, self.owner)

    def _skipped(self, on_skip: Callable[[str], None] | None) -> Callable[[str], None]:
        if on_skip is not None:
            return on_skip
        return lambda sentence: self.warnings.append(f"export: {sentence}.")


__all__ = ["Snapshots"]
