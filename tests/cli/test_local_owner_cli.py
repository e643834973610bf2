"""The prompt line on a local store: with another owner active in the project too,
a shell without the git settings of the store's creator still shows the creator's
session (the store's recorded owner), as every other verb treats them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "XDG_CONFIG")) and k != "HELIX_LSP_OWNER"
    }
    env.update(HOME=str(home), USER="loginname", LOGNAME="loginname", **extra)
    return env


def _session(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_prompt_line_shows_the_local_owners_session(tmp_path: Path, db_path: Path) -> None:
    project = tmp_path / "api-server"
    project.mkdir()
    shell_home, editor_home = tmp_path / "shell-home", tmp_path / "editor-home"
    shell_home.mkdir()
    editor_home.mkdir()
    (shell_home / ".gitconfig").write_text("[user]\n\temail = dev@example.org\n", "utf-8")
    db = ("--db", str(db_path))
    shell, editor = _env(shell_home), _env(editor_home)
    assert _session("create", "api-auth", "--start", *db, env=shell, cwd=project).returncode == 0
    visitor = {**editor, "HELIX_LSP_OWNER": "bob@example.com"}
    assert _session("create", "api-cache", "--start", *db, env=visitor, cwd=project).returncode == 0
    line = _session("active", "--format", "{name}", *db, env=editor, cwd=project)
    assert (line.returncode, line.stdout) == (0, "api-auth\n"), line.stderr
    line = _session("active", "--format", "{name}", *db, env=visitor, cwd=project)
    assert line.stdout == "api-cache\n"
