"""Who the sessions belong to: the owner of a manager's changes, resolved once.

The first found wins: an explicit value (the server's ``owner`` option, the
CLI's ``--owner``), ``$HELIX_LSP_OWNER``, on a SQLite store the owner it
records for the person whose file it is (see ``localowner``: faces started
with another HOME are still that person), git's global ``user.email``, the
login name. Git is asked only when nothing earlier answers, with a short
timeout, and a machine without git simply goes on to the login name, so
resolving never fails for want of a setting. Every value passes the same
text rules as a project name; ``*`` is refused because it means "everyone"
where a filter is accepted (``list``, ``stats``, ``report``).
"""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import os
import subprocess
from collections.abc import Iterator
from typing import Final

from helix_lsp.session import validation
from helix_lsp.session.errors import InvalidArgumentError

OWNER_ENV: Final = "HELIX_LSP_OWNER"
EVERYONE: Final = "*"
MAX_OWNER: Final = 200
GIT_TIMEOUT_S: Final = 2.0


def normalise(value: object, what: str = "the owner") -> str:
    """A usable owner name: stripped, non-empty, visible characters only, not ``*``."""
    name = validation.text(value, what, MAX_OWNER)
    if name == EVERYONE:
        raise InvalidArgumentError(f"{what} cannot be '*'; that means every owner in a filter.")
    return name


def git_email() -> str | None:
    """``git config --global --get user.email``, or None (no git, no setting, too slow)."""
    try:
        done = subprocess.run(
            ["git", "config", "--global", "--get", "user.email"],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    email = done.stdout.strip() if done.returncode == 0 else ""
    return email or None


def login_name() -> str:
    """The login name of this process's user (``unknown`` when the system has none)."""
    with contextlib.suppress(Exception):
        name = getpass.getuser().strip()
        if name:
            return name
    return "unknown"


def resolve(explicit: str | None = None, *, recorded: str | None = None) -> str:
    """The owner: ``explicit``, else ``$HELIX_LSP_OWNER``, else ``recorded`` (a
    local store's owner), else git's global ``user.email``, else the login name.

    An explicit value or the environment variable that breaks the text rules is
    refused (``InvalidArgumentError``); a recorded owner or a git setting that
    does is passed over.
    """
    if explicit is not None:
        return normalise(explicit)
    env = os.environ.get(OWNER_ENV)
    if env is not None and env.strip():
        return normalise(env, f"${OWNER_ENV}")
    if recorded is not None:
        with contextlib.suppress(InvalidArgumentError):
            return normalise(recorded)
    email = git_email()
    if email is not None:
        with contextlib.suppress(InvalidArgumentError):
            return normalise(email)
    return normalise(login_name())


def scope(value: object, own: str) -> str | None:
    """Whose sessions a listing shows: None (everyone) for ``*``, else an owner name;
    ``own`` when no value is given."""
    if value is None:
        return own
    if isinstance(value, str) and value.strip() == EVERYONE:
        return None
    return normalise(value, "the owner filter")


_migrating: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "helix_lsp_migrating_owner", default=None
)


@contextlib.contextmanager
def migrating_as(name: str | None) -> Iterator[None]:
    """Within this block a migration gives sessions without an owner to ``name``."""
    token = _migrating.set(name)
    try:
        yield
    finally:
        _migrating.reset(token)


def for_migration() -> str:
    """The owner that a migration writes into sessions that have none yet:
    the opening manager's, else the local one resolved now."""
    return _migrating.get() or resolve()


__all__ = [
    "EVERYONE",
    "OWNER_ENV",
    "for_migration",
    "git_email",
    "login_name",
    "migrating_as",
    "normalise",
    "resolve",
    "scope",
]
