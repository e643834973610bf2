"""PostgreSQL store URLs as they may be shown: never with a password.

A URL may carry a password (``postgresql://me:secret@host/db``) or a
``password=`` parameter; libpq accepts both, but helix-lsp shows a URL only
through these functions, which drop them, so no message, log line or reply
can hold one. Nothing here imports the driver: the CLI and the server name a
store before (and without) connecting to it.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

SCHEMES: Final = ("postgresql://", "postgres://")
_SECRET_PARAMS: Final = frozenset({"password", "sslpassword"})


def is_url(target: object) -> bool:
    """Whether a store target names a PostgreSQL server rather than a file."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redacted(url: str) -> str:
    """The URL without its password (in the authority or as a parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hosts = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hosts}" if user else hosts
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if k not in _SECRET_PARAMS]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def password(url: str) -> str | None:
    """The password a URL carries, if any (only to scrub it from driver messages)."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key == "password" and value:
            return value
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo:
        return unquote(userinfo.split(":", 1)[1]) or None
    return None


def place(url: str) -> str:
    """``host:port/database`` for sentences ("the session store at db.example:5432/helix")."""
    parts = urlsplit(url)
    hosts = parts.netloc.rpartition("@")[2] or "localhost"
    params = dict(parse_qsl(parts.query))
    if "host" in params and hosts == "localhost":
        hosts = params["host"]
    database = unquote(parts.path.lstrip("/")) or params.get("dbname", "")
    return f"{hosts}/{database}" if database else hosts
