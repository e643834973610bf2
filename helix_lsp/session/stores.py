"""Which store a target names: a ``postgresql://`` URL, or a file.

The PostgreSQL store (and psycopg with it) is imported only when a URL is
given, so opening a SQLite store costs what it always did.
"""

from __future__ import annotations

import os

from helix_lsp.session import db, pgurl
from helix_lsp.session.store import DB_ENV, Store


def default_target() -> str | None:
    """``$HELIX_LSP_DB`` when it is a URL (a path is left to ``default_db_path``)."""
    env = os.environ.get(DB_ENV)
    return env if env and pgurl.is_url(env) else None


def open_store(
    target: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    verify: bool = True,
    offline: bool = False,
    owner: str | None = None,
) -> db.SessionStore:
    """The store at ``target`` (None: ``$HELIX_LSP_DB``, else the default file).

    ``offline``: a PostgreSQL server that cannot be reached yet opens a store
    whose statements connect when they run (a language server starts anyway).
    ``owner``: who the sessions of an older store (without owners) are given
    to when it is migrated.
    """
    if target is None:
        target = default_target()
    if isinstance(target, str) and pgurl.is_url(target):
        try:
            from helix_lsp.session.pgstore import PostgresStore
        except ImportError:  # pragma: no cover - psycopg's own imports failed
            raise _missing(target) from None
        return PostgresStore(target, create=create, offline=offline, owner=owner)
    return Store(target, create=create, verify=verify, owner=owner)


def _missing(target: str) -> Exception:
    from helix_lsp.session.errors import StorageError

    return StorageError(
        f"the session store {pgurl.redacted(target)} needs the PostgreSQL driver: "
        "pip install 'helix-lsp[postgres]'."
    )
