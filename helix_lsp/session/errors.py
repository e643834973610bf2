"""The one family of errors the session core raises.

Every error carries a ``kind`` that the language server maps to a JSON-RPC
error (``data.kind``) and the CLI to an exit status, so that callers never
have to parse messages. Messages are one sentence a person understands.
"""

from __future__ import annotations


class SessionError(Exception):
    """Base of every refusal; nothing was written when one is raised."""

    kind = "invalid_argument"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(SessionError):
    """A value is malformed, out of range, or ambiguous."""

    kind = "invalid_argument"


class NotFoundError(SessionError):
    """No session answers to the given id, name or project."""

    kind = "not_found"


class InvalidTransitionError(SessionError):
    """The lifecycle does not allow this action from the session's status."""

    kind = "invalid_transition"


class ConflictError(SessionError):
    """Another writer got there first (existing id, store busy)."""

    kind = "conflict"


def one_active_conflict() -> ConflictError:
    """The refusal of a write that would leave one owner two active sessions in a
    project (another writer started one at the same time), on every store."""
    return ConflictError(
        "another session of the same owner became active in that project at the same "
        "time; nothing was changed, try again."
    )


class ForbiddenError(SessionError):
    """The session belongs to another owner: it may be read, not changed."""

    kind = "forbidden"


class StorageError(SessionError):
    """The store cannot be opened, read or written."""

    kind = "storage"


def damaged_store_message(path: str, problem: str) -> str:
    """The one sentence every face gives when it refuses to write into a damaged store."""
    return (
        f"the session store {path} is damaged ({problem}); nothing was changed, and "
        "helix-lsp will not write to it: move it away or restore a backup "
        "('helix-lsp session export --all' saves every session that can still be read)."
    )
