"""The suite's PostgreSQL server, and a fresh database per test.

The suite starts one throwaway cluster per pytest run (``bench.pgcluster``: a
temp folder, a free loopback port, run as the ``postgres`` user when root),
with durability off (its data is thrown away anyway) and room for many
connections, and stops it at the end.

``HELIX_TEST_PG_URL`` (a ``postgresql://`` URL of a role allowed to create
databases) points the suite at an existing server instead; the tests that
stop and start the server cannot run against it.

Each test gets its own database, ``CREATE DATABASE … TEMPLATE template0``
(about 40 ms with the drop), dropped with its connections afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.pgcluster import Cluster, ClusterError

URL_VARIABLE = "HELIX_TEST_PG_URL"
INSTALL_HINT = (
    "install it with `bash tests/system-packages.sh` (Debian: apt-get install postgresql), "
    f"or point {URL_VARIABLE} at a server"
)
# A throwaway cluster's settings: durability is not what the tests check, speed helps.
SETTINGS: dict[str, object] = {
    "fsync": False,
    "synchronous_commit": False,
    "full_page_writes": False,
    "max_connections": 300,
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started or reached here; the message says what to do."""


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError as err:
        raise PostgresUnavailable(
            "psycopg is not installed: pip install -e '.[test]' (or 'psycopg[binary]>=3.3')."
        ) from err
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def sql(url: str, statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Run one statement on the database at ``url`` (autocommit); its rows, if any."""
    with _connect(url) as conn:
        cur = conn.execute(statement, params or [])
        return cur.fetchall() if cur.description else []


@contextlib.contextmanager
def as_role(url: str, suffix: str, grants: list[str]) -> Iterator[str]:
    """A login role ``<database>_<suffix>`` given ``grants`` (each formatted with
    ``{database}`` and ``{role}``): the URL of the same database as that role,
    and the role dropped with what it owns afterwards."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    role = f"{database}_{suffix}"
    sql(url, f"CREATE ROLE {role} LOGIN")
    try:
        for grant in grants:
            sql(url, grant.format(database=database, role=role))
        yield urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))
    finally:
        sql(url, f"DROP OWNED BY {role}")
        sql(url, f"DROP ROLE {role}")


def backends(url: str) -> dict[int, Any]:
    """Every other connection to the database at ``url``: process id -> start of its
    last query (what a test watches to see that a server ran no query)."""
    with _connect(url) as conn:
        rows = conn.execute(
            "SELECT pid, query_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid: started for pid, started in rows}


def with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead of its own."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


class Server:
    """The PostgreSQL server the tests create their databases on: the suite's own
    ``cluster`` (which a test may stop and start), or the one at ``url``."""

    def __init__(self, url: str, cluster: Cluster | None = None) -> None:
        self.url = url  # of the maintenance database, for CREATE/DROP DATABASE
        self.cluster = cluster
        self._admin: Any = None
        self._names = itertools.count(1)

    def execute(self, sql: str) -> None:
        """Run ``sql`` on the maintenance database (connecting again after a restart)."""
        for attempt in (1, 2):
            if self._admin is None or self._admin.closed:
                self._admin = _connect(self.url)
            try:
                self._admin.execute(sql)
                return
            except Exception:
                if attempt == 2 or not self._admin.broken:
                    raise
                self._admin = None

    def ensure_running(self) -> None:
        """Start the suite's cluster if a test stopped it and failed before starting it."""
        if self.cluster is not None and not self.cluster.running():
            self.cluster.start()

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database; its URL. Dropped afterwards, connections and all."""
        name = f"helix_test_{os.getpid()}_{next(self._names)}"
        self.ensure_running()
        self.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        try:
            yield with_database(self.url, name)
        finally:
            self.ensure_running()
            self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        """Disconnect; stop the suite's cluster and remove its folder."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.cluster is not None:
            self.cluster.destroy()


def open_server() -> Server:
    """``HELIX_TEST_PG_URL``'s server, else a new cluster of the suite's own."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        server = Server(url)
        try:
            server.execute("SELECT 1")
        except PostgresUnavailable:
            raise
        except Exception as err:
            raise PostgresUnavailable(f"{URL_VARIABLE} is set but unusable: {err}") from err
        return server
    cluster = Cluster(settings=SETTINGS)
    try:
        cluster.create()
    except ClusterError as err:
        cluster.destroy()
        raise PostgresUnavailable(f"{err} {INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}.") from err
    server = Server(cluster.url("postgres"), cluster)
    try:
        server.execute("SELECT 1")
    except BaseException:
        server.close()
        raise
    return server
