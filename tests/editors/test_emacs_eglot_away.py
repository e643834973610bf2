"""Emacs 28 + stock eglot 1.9 (no helix code), closed without pausing and started again.

The session is worked on at a.py:15, Emacs exits (normally, or kill -9 of
Emacs and its server together), the idle limit passes, and Emacs opens b.py
at line 7 again. The away time must not count, the place must stay a.py:15,
eglot's own handler must ask (with `completing-read`), and accepting resumes
the session there. eglot 1.9 has no window/showDocument, so point stays
where it is; with the few lines of init file that add the handler (as newer
eglot has it) the file opens at the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.editors.away_runner import Phase, closed_and_reopened, phase_env, run_editor
from tests.editors.test_emacs_eglot import emacs

SCRIPT = Path(__file__).parent / "fixtures_server" / "eglot_away_test.el"


def eglot_phases(tmp_path: Path, show_document: bool) -> Phase:
    """Emacs in batch mode on the test script; the handler only when coming back."""

    def run(project: Path, phase: str, exit_: str) -> dict[str, Any]:
        env = phase_env(tmp_path, project, phase, exit_)
        if show_document and phase == "return":
            env["HELIX_TEST_SHOW_DOCUMENT"] = "1"
        return run_editor("emacs", [emacs(), "--batch", "-Q", "-l", str(SCRIPT)], project, env,
                          exit_)

    return run


@pytest.mark.parametrize("exit_", ["qa", "kill"], ids=["exit", "kill-9"])
def test_stock_eglot_closed_and_reopened(tmp_path: Path, exit_: str) -> None:
    back = closed_and_reopened(tmp_path, "billing", eglot_phases(tmp_path, False), exit_)
    # eglot 1.9 cannot open it (it has no window/showDocument): point stays
    assert back["after"] == {"file": "b.py", "line": 7}


def test_eglot_with_a_show_document_handler_opens_the_place(tmp_path: Path) -> None:
    back = closed_and_reopened(tmp_path, "billing", eglot_phases(tmp_path, True), "qa")
    assert back["after"] == {"file": "a.py", "line": 15}
