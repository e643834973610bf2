"""Emacs 28 with Debian's eglot 1.9 and no helix code records the cursor by itself.

eglot 1.9 asks ``textDocument/documentHighlight`` only together with hover,
from its eldoc function; helix-lsp advertises both and answers with no
results, learning the position. Install: tests/editors/emacs.sh.
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

SCRIPT = Path(__file__).parent / "fixtures_server" / "eglot_test.el"


def emacs() -> str:
    found = shutil.which("emacs")
    if found is None or not Path("/usr/share/emacs/site-lisp/elpa").exists():
        pytest.fail("emacs + eglot are not installed: run tests/editors/emacs.sh")
    return found


def run_emacs(tmp_path: Path, project: Path, db: Path, file: Path) -> list[dict[str, Any]]:
    out = tmp_path / "emacs-out.jsonl"
    env = {
        **os.environ,
        "HELIX_TEST_OUT": str(out),
        "HELIX_TEST_ROOT": str(project),
        "HELIX_TEST_FILE": str(file),
        "HELIX_TEST_DB": str(db),
        "HELIX_TEST_PYTHON": sys.executable,
        "HOME": str(tmp_path / "home"),
    }
    proc = subprocess.run(
        [emacs(), "--batch", "-Q", "-l", str(SCRIPT)],
        cwd=project, env=env, capture_output=True, timeout=90, text=True,
    )
    assert out.exists(), f"emacs wrote nothing (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_eglot_records_the_cursor_with_no_configuration(tmp_path: Path) -> None:
    project = tmp_path / "billing"
    project.mkdir()
    source = project / "invoice.py"
    source.write_text("".join(f"amount_{i} = {i}\n" for i in range(40)))
    db = tmp_path / "store" / "sessions.db"

    events = {e["kind"]: e["value"] for e in run_emacs(tmp_path, project, db, source)}
    assert "fatal" not in events, events
    assert events["create"]["name"] == "emacs-task"
    assert events["create"]["status"] == "active"
    context = events["get"]["context"]
    assert context["current_file"] == "invoice.py"
    assert (context["current_line"], context["current_column"]) == ("12", "5")

    with SessionManager(str(db)) as mgr:  # eglot's shutdown left it in the store
        assert mgr.get("emacs-task").context["current_line"] == "12"
