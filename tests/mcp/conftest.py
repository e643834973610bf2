"""Fixtures of the MCP server's end-to-end tests (see mcp_harness.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("mcp", reason="the MCP tests need the 'mcp' extra (pip install -e '.[test]')")


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """The folder the server starts in: its name is the project."""
    folder = tmp_path / "api-server"
    folder.mkdir()
    return folder
