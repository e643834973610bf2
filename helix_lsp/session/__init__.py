"""The session core: model, lifecycle, store, manager and queries.

A plain library: it imports nothing from the language server's stack, so that
scripts, the CLI and the server share one implementation.
"""

from helix_lsp.session.activity import DEFAULT_IDLE_MINUTES, Activity
from helix_lsp.session.errors import (
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    InvalidTransitionError,
    NotFoundError,
    SessionError,
    StorageError,
)
from helix_lsp.session.handle import Session, SessionList, Transition
from helix_lsp.session.lifecycle import legal_actions
from helix_lsp.session.lookup import default_project
from helix_lsp.session.manager import SessionManager
from helix_lsp.session.model import Mode, Status
from helix_lsp.session.queries import Stats
from helix_lsp.session.store import default_db_path

__all__ = [
    "DEFAULT_IDLE_MINUTES",
    "Activity",
    "ConflictError",
    "ForbiddenError",
    "InvalidArgumentError",
    "InvalidTransitionError",
    "Mode",
    "NotFoundError",
    "Session",
    "SessionError",
    "SessionList",
    "SessionManager",
    "Stats",
    "Status",
    "StorageError",
    "Transition",
    "default_db_path",
    "default_project",
    "legal_actions",
]
