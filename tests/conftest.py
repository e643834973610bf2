"""Fixtures shared by the whole suite.

Every test runs with ``HELIX_LSP_DB`` pointing into its own temporary folder,
so nothing in the suite can touch a real user's session store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helix_lsp.session import SessionManager


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELIX_LSP_DB", str(tmp_path / "default-store" / "sessions.db"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "sessions.db"


@pytest.fixture
def mgr(db_path: Path) -> Iterator[SessionManager]:
    with SessionManager(db_path) as manager:
        yield manager
