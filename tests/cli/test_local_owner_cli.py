"""The prompt line on a local store: with another owner active in the project too,
a shell without the git settings of the store's creator still shows the creator's
session (the store's recorded owner), as every other verb treats them."""

from __future__ import annotations

from pathlib import Path

from tests.homes import face_env, home, session


def test_the_prompt_line_shows_the_local_owners_session(tmp_path: Path, db_path: Path) -> None:
    project = tmp_path / "api-server"
    project.mkdir()
    shell_home = home(tmp_path, "shell-home", "dev@example.org")
    editor_home = home(tmp_path, "editor-home")
    db = ("--db", str(db_path))
    shell, editor = face_env(shell_home), face_env(editor_home)
    assert session("create", "api-auth", "--start", *db, env=shell, cwd=project).returncode == 0
    visitor = {**editor, "HELIX_LSP_OWNER": "bob@example.com"}
    assert session("create", "api-cache", "--start", *db, env=visitor, cwd=project).returncode == 0
    line = session("active", "--format", "{name}", *db, env=editor, cwd=project)
    assert (line.returncode, line.stdout) == (0, "api-auth\n"), line.stderr
    line = session("active", "--format", "{name}", *db, env=visitor, cwd=project)
    assert line.stdout == "api-cache\n"
