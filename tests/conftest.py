"""Fixtures shared by the whole suite.

Every test runs with ``HELIX_LSP_DB`` pointing into its own temporary folder,
so nothing in the suite can touch a real user's session store, as one owner
(``HELIX_LSP_OWNER``; the tests of owners set their own), and with this
checkout first on ``PYTHONPATH``, so the servers and commands the tests start
from temporary folders run this code, whatever ``pip install -e`` points at.

Stores: ``db_path``/``mgr`` are a SQLite file. ``store_target`` runs a test
once per store (``[sqlite]``: a file path, ``[postgresql]``: the URL of a
fresh database on the suite's PostgreSQL server, see ``tests/postgres.py``);
``new_store`` gives more fresh targets of the same kind. ``pg_url`` is a fresh
PostgreSQL database, ``pg_cluster`` the server itself, to stop and start.
Without PostgreSQL, the tests that need it fail, saying how to install it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.pgcluster import Cluster
from helix_lsp.session import SessionManager
from tests import postgres
from tests.stores import NewStore

STORES = ["sqlite", "postgresql"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELIX_LSP_DB", str(tmp_path / "default-store" / "sessions.db"))
    # one person throughout, whatever HOME a started editor or server is given
    monkeypatch.setenv("HELIX_LSP_OWNER", "tester@example.com")
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}{os.pathsep}{path}" if path else str(ROOT))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "sessions.db"


@pytest.fixture
def mgr(db_path: Path) -> Iterator[SessionManager]:
    with SessionManager(db_path) as manager:
        yield manager


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.Server]:
    """The suite's PostgreSQL server, started at its first use, stopped at the end."""
    try:
        server = postgres.open_server()
    except postgres.PostgresUnavailable as err:
        problem = str(err)
    else:
        problem = ""
    if problem:  # (outside the except: the report shows the sentence, not a traceback)
        pytest.fail(f"PostgreSQL is needed here: {problem}", pytrace=False)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_cluster(pg_server: postgres.Server) -> Cluster:
    """The suite's own cluster, for tests that stop and start the server
    (``pg_cluster.stop()``, ``pg_cluster.start()``: same port and data)."""
    if pg_server.cluster is None:
        pytest.fail(
            f"this test stops and starts PostgreSQL, which it cannot do to the server "
            f"{postgres.URL_VARIABLE} names: unset it to use a cluster of the suite's own.",
            pytrace=False,
        )
    return pg_server.cluster


@pytest.fixture
def pg_url(pg_server: postgres.Server) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with pg_server.database() as url:
        yield url


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def new_store(store_kind: str, request: pytest.FixtureRequest) -> NewStore:
    """Fresh empty stores of this test's kind: ``with new_store() as target: ...``."""
    if store_kind == "sqlite":

        @contextlib.contextmanager
        def sqlite_store() -> Iterator[str]:
            with tempfile.TemporaryDirectory(prefix="helix-store-") as folder:
                yield str(Path(folder) / "sessions.db")

        return sqlite_store
    server: postgres.Server = request.getfixturevalue("pg_server")
    return server.database


@pytest.fixture
def store_target(store_kind: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """Where this test's store is: a SQLite file path or a PostgreSQL URL."""
    if store_kind == "sqlite":
        return str(db_path)
    url: str = request.getfixturevalue("pg_url")
    return url
