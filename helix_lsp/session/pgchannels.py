"""A channel per project: which PostgreSQL notifications a language server hears.

Every change to a session is announced by the store's trigger on the
channel of its project (``pgschema``), and a server ``LISTEN``\\s only on the
channels of its workspace's projects. With one channel for the whole store,
every server received every project's notifications (a team of 200 windows
is 200 deliveries for each commit); with a channel per project, a change
reaches the few windows that show that project.

A channel name is an SQL identifier of at most 63 bytes, and a project name
is any text of any length, so the channel is ``helix_lsp_`` and the first 32
hex digits (128 bits) of the SHA-256 of the name's UTF-8 bytes: 42 ASCII
characters whatever the name, the same in Python (:func:`channel`) and in
SQL (``helix_lsp_channel(project)``, :data:`CHANNEL_FUNCTION`), so both
sides always agree. (SHA-256, not MD5: ``md5()`` fails on a server in FIPS
mode.) Two names sharing a channel would only wake a server for nothing:
the payload still names the project (``project:<name>``) and the server
filters on it.

:class:`Channels` keeps the set a store wants and what its open connection
listens to, so that a changed workspace costs only the difference
(``LISTEN`` the new projects, ``UNLISTEN`` those that left) and a new
connection listens to them all again (PostgreSQL forgets ``LISTEN`` with the
connection).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final, Protocol

PREFIX: Final = "helix_lsp_"
#: hex digits of the name's SHA-256 kept in the channel (128 bits)
DIGITS: Final = 32

def channel_sql(project: str) -> str:
    """The same rule in SQL: the channel of the text expression ``project``.

    The store's trigger and ``helix_lsp_send_moves`` write it out rather than
    call ``helix_lsp_channel``: a call of an SQL function from PL/pgSQL costs
    more than the rest of the notification (measured: 0.13 ms against 0.05 ms
    a change), and every lifecycle change pays it.
    """
    return f"'{PREFIX}' || left(encode(sha256(convert_to({project}, 'UTF8')), 'hex'), {DIGITS})"


#: ``helix_lsp_channel(project)``, for anything outside the store that wants to follow
#: a project (see the README).
CHANNEL_FUNCTION: Final = f"""
CREATE FUNCTION helix_lsp_channel(project TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT {channel_sql("project")}
$$
"""


def channel(project: str) -> str:
    """The notification channel of ``project``: ``helix_lsp_`` and 32 hex digits.

    Always a valid unquoted identifier of 42 bytes, whatever the name
    (unicode, quotes, any length); ``helix_lsp_channel(project)`` in SQL
    gives the same.
    """
    # (a name PostgreSQL cannot hold, with a lone surrogate, is never notified either)
    digest = hashlib.sha256(project.encode("utf-8", "replace")).hexdigest()
    return PREFIX + digest[:DIGITS]


class Executes(Protocol):
    """A connection that runs a statement (psycopg's ``Connection.execute``)."""

    def execute(self, query: str) -> object: ...


class Channels:
    """The channels a store wants to hear, and those its connection listens to."""

    def __init__(self) -> None:
        self.wanted: frozenset[str] = frozenset()
        self._heard: frozenset[str] = frozenset()
        self.listening = False  # ``want`` was called: listen on every connection

    def want(self, projects: Iterable[str]) -> None:
        """Hear the channels of ``projects`` from now on (and only those)."""
        self.wanted = frozenset(channel(p) for p in projects)
        self.listening = True

    def apply(self, conn: Executes) -> None:
        """Bring the open connection's ``LISTEN``\\s to the wanted set, in one statement."""
        statements = [f"LISTEN {name}" for name in sorted(self.wanted - self._heard)]
        statements += [f"UNLISTEN {name}" for name in sorted(self._heard - self.wanted)]
        if statements:
            conn.execute("; ".join(statements))
        self._heard = self.wanted

    def connected(self, conn: Executes) -> None:
        """A new connection listens to nothing yet: listen to every wanted channel."""
        self._heard = frozenset()
        if self.listening:
            self.apply(conn)


__all__ = ["CHANNEL_FUNCTION", "DIGITS", "PREFIX", "Channels", "channel"]
