"""Stock Neovim (0.7.2, `nvim` on PATH) with a plain init.lua and no helix plugin.

Also Neovim 0.10 when tests/editors/neovim.sh has unpacked it.

The user configures helix-lsp like any language server: the cursor reaches the
session through ``vim.lsp.buf.document_highlight()`` and commands run through
``workspace/executeCommand``. Install: ``apt-get install neovim`` (see
tests/editors/neovim.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helix_lsp.session import SessionManager

INIT = Path(__file__).parent / "fixtures_server" / "plain_init.lua"


def nvim(version: str) -> str:
    if version == "0.10":
        cache = Path(os.environ.get("HELIX_TEST_CACHE", Path.home() / ".cache/helix-lsp-tests"))
        wrapper = cache / "nvim-0.10" / "nvim"
        if not wrapper.exists():
            pytest.skip("Neovim 0.10 is not unpacked: run tests/editors/neovim.sh")
        return str(wrapper)
    found = shutil.which("nvim")
    if found is None:
        pytest.fail("nvim is not installed: run tests/editors/neovim.sh (apt-get install neovim)")
    return found


def run_nvim(
    tmp_path: Path, project: Path, db: Path, file: Path, version: str
) -> list[dict[str, Any]]:
    out = tmp_path / "nvim-out.jsonl"
    env = {
        **os.environ,
        "HELIX_TEST_OUT": str(out),
        "HELIX_TEST_ROOT": str(project),
        "HELIX_TEST_DB": str(db),
        "HELIX_TEST_PYTHON": sys.executable,
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
    }
    proc = subprocess.run(
        [nvim(version), "--headless", "--clean", "-u", str(INIT), str(file)],
        cwd=project, env=env, capture_output=True, timeout=90, text=True,
    )
    assert out.exists(), f"nvim wrote nothing (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.mark.parametrize("version", ["0.7", "0.10"])
def test_plain_neovim_records_the_cursor_and_runs_commands(tmp_path: Path, version: str) -> None:
    project = tmp_path / "shop"
    (project / "src").mkdir(parents=True)
    source = project / "src" / "cart.py"
    source.write_text("".join(f"line_{i} = {i}\n" for i in range(40)))
    db = tmp_path / "store" / "sessions.db"

    events = {e["kind"]: e["value"] for e in run_nvim(tmp_path, project, db, source, version)}
    assert "fatal" not in events, events
    assert events["highlightProvider"] is True
    assert events["create"]["name"] == "nvim-task"
    assert events["create"]["status"] == "active"
    assert events["create"]["project"] == "shop"
    assert events["create"]["actions"] == ["pause", "complete", "fail"]

    # an idle session is the project's current one, with Start among its actions
    assert events["idle"]["actions"] == ["start", "fail"]
    status = events["status_idle"]
    assert status.get("active") is None  # null arrives as nil in Lua
    assert status["current"]["name"] == "waiting task"
    assert status["current"]["actions"] == ["start", "fail"]

    got = events["get"]
    assert got["context"]["current_file"] == "src/cart.py"
    assert (got["context"]["current_line"], got["context"]["current_column"]) == ("12", "5")
    assert got["tags"] == ["from-nvim"]

    refused = events["refused"]
    assert refused["code"] == -32602
    assert refused["data"]["kind"] == "not_found"

    with SessionManager(str(db)) as mgr:  # what Neovim's exit left in the store
        stored = mgr.get("nvim-task")
        assert stored.context["current_line"] == "12"
        assert stored.context["current_file"] == "src/cart.py"
