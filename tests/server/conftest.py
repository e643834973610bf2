"""Fixtures of the language server's end-to-end tests (see lsp_harness.py)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).parent))
from lsp_harness import Editor, start_editor, stop_editor


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "api-server"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("print('hello')\n" * 200)
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/feature/payments\n")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "sessions.db"


@pytest_asyncio.fixture
async def editor(db: Path, project: Path) -> AsyncIterator[Editor]:
    ed = await start_editor(db, [project])
    yield ed
    await stop_editor(ed)
