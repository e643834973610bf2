"""What a PostgreSQL failure tells the user: one sentence in the core's error families.

Kept apart from the store because the driver's messages take some undoing
(libpq's "connection to server … failed:" prefixes, ``FATAL:``, a password
that a server may echo back) and every sentence must name the server the
same way, never with its password; the store only says which failure it met
and whether it was connecting.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors

from helix_lsp.session import db
from helix_lsp.session.errors import (
    ConflictError,
    SessionError,
    StorageError,
    one_active_conflict,
)


def _detail(err: BaseException, secret: str | None) -> str:
    """The driver's first line, without libpq's prefixes and without ``secret``."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    detail = lines[0] if lines else type(err).__name__
    detail = detail.rpartition("failed: ")[2] or detail
    detail = detail.removeprefix("FATAL:").strip()
    detail = detail[:1].lower() + detail[1:] if detail[1:2].islower() else detail
    return detail.replace(secret, "***") if secret else detail


def sentence(
    err: BaseException, place: str, secret: str | None, *, connecting: bool = False
) -> SessionError:
    """One sentence for a driver error, naming the server (``place``), never the
    password (``secret``); ``connecting``: the error came while opening a connection."""
    detail = _detail(err, secret)
    if isinstance(err, db.IntegrityError | pg_errors.IntegrityError):
        if db.one_active_refused(str(err)):
            return one_active_conflict()
        return ConflictError(
            f"another writer changed the session store at {place} at the same time "
            f"({detail}); nothing was changed, try again."
        )
    if isinstance(err, pg_errors.DeadlockDetected | pg_errors.SerializationFailure):
        return ConflictError(
            f"another writer changed the session store at {place} at the same time; "
            "nothing was changed, try again."
        )
    if isinstance(err, pg_errors.ReadOnlySqlTransaction | pg_errors.InsufficientPrivilege):
        return StorageError(
            f"the session store at {place} may not be written ({detail}); nothing was changed."
        )
    if connecting or isinstance(err, psycopg.OperationalError):
        return StorageError(
            f"the session store at {place} is unreachable ({detail}); nothing was changed."
        )
    return StorageError(f"the session store at {place} failed ({detail}).")
