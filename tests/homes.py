"""Faces started as real processes with a HOME of their own.

Who a face is (its owner) depends on its environment: ``$HELIX_LSP_OWNER``,
git's global ``user.email`` under its HOME, its login name. Tests that are
about different environments (an editor started without the shell's git
settings) build them here and run ``helix-lsp session`` in them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The login name every face built here has.
LOGIN = "loginname"


def face_env(home: Path, **extra: str) -> dict[str, str]:
    """A face's environment: its own HOME, no owner set, ``LOGIN`` as the login name."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "XDG_CONFIG")) and k != "HELIX_LSP_OWNER"
    }
    env.update(HOME=str(home), USER=LOGIN, LOGNAME=LOGIN, **extra)
    return env


def home(base: Path, name: str, email: str | None = None) -> Path:
    """A new HOME folder ``base/name``, with git's global ``user.email`` when given."""
    folder = base / name
    folder.mkdir()
    if email is not None:
        (folder / ".gitconfig").write_text(f"[user]\n\temail = {email}\n", encoding="utf-8")
    return folder


def session(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``helix-lsp session ARGS`` run in ``env`` from ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
