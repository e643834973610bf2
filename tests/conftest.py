"""Fixtures shared by the whole suite.

Every test runs with ``HELIX_LSP_DB`` pointing into its own temporary folder,
so nothing in the suite can touch a real user's session store, as one owner
(``HELIX_LSP_OWNER``; the tests of owners set their own), and with this
checkout first on ``PYTHONPATH``, so the servers and commands the tests start
from temporary folders run this code, whatever ``pip install -e`` points at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager

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
