"""Two machines on one PostgreSQL store: live status, and the same place in another checkout.

Each "machine" is a language server with a HOME of its own and its own
checkout of the same repository at a different path. A change made on one
shows in the other's ``helix/status`` without a command there (the store's
notifications, not polling); a session paused on one resumes on the other at
the same file and line, because places are kept relative to the workspace
folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lsp_harness import Editor, start_editor, stop_editor

from helix_lsp.session import SessionManager

#: Generous: arrival is what is checked here; how fast it arrives is measured in bench/.
ARRIVES = 10.0


def checkout(root: Path, name: str = "api-server") -> Path:
    """A clone of the same repository under ``root``."""
    folder = root / name
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("print('hello')\n" * 200)
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


async def machine(tmp_path: Path, label: str, url: str, repo: Path,
                  options: dict[str, Any] | None = None) -> Editor:
    home = tmp_path / label / "home"
    home.mkdir(parents=True)
    env = {**os.environ, "HOME": str(home), "HELIX_LSP_DB": url}
    return await start_editor(None, [repo], env=env, options=options)


def active_of(status: dict[str, Any]) -> dict[str, Any]:
    return status.get("active") or {}


async def test_a_change_on_one_machine_shows_on_the_other(tmp_path: Path, pg_url: str) -> None:
    repo_a = checkout(tmp_path / "laptop" / "code")
    repo_b = checkout(tmp_path / "desktop" / "work" / "clones")
    a = await machine(tmp_path, "laptop", pg_url, repo_a)
    b = await machine(tmp_path, "desktop", pg_url, repo_b)
    try:
        made = await a.command("create", name="payments", start=True)
        shown = await b.status_where(lambda s: active_of(s).get("id") == made["id"], ARRIVES)
        assert shown["active"]["name"] == "payments"

        # a cursor move on the laptop: the desktop's status shows the place, relative
        a.cursor(repo_a / "src" / "app.py", 41, 4)
        place = await b.status_where(
            lambda s: active_of(s).get("context", {}).get("current_line") == "42", ARRIVES
        )
        assert place["active"]["context"]["current_file"] == "src/app.py"
        assert place["active"]["context"]["current_column"] == "5"

        # paused on the laptop: the desktop shows nothing active, the session current
        seen = b.status_count()
        await a.command("pause")
        paused = await b.status_after(seen, lambda s: s["active"] is None, ARRIVES)
        assert paused["current"]["id"] == made["id"]
        assert paused["current"]["status"] == "paused"

        # resumed on the desktop: the same file and line, in the desktop's checkout
        resumed = (await b.command("resume"))["session"]
        assert resumed["id"] == made["id"]
        assert resumed["context"]["current_file"] == "src/app.py"
        assert resumed["context"]["current_line"] == "42"
        assert not os.path.isabs(resumed["context"]["current_file"])
        await a.status_where(lambda s: active_of(s).get("status") == "active", ARRIVES)

        # the desktop's own moves are recorded relative to its own checkout
        b.cursor(repo_b / "src" / "app.py", 9, 0)
        moved = await a.status_where(
            lambda s: active_of(s).get("context", {}).get("current_line") == "10", ARRIVES
        )
        assert moved["active"]["context"]["current_file"] == "src/app.py"
    finally:
        await stop_editor(a)
        await stop_editor(b)
    with SessionManager(pg_url) as mgr:
        context = mgr.get("payments").context
    assert (context["current_file"], context["current_line"]) == ("src/app.py", "10")


async def test_checkouts_named_differently_share_a_project_by_option(
    tmp_path: Path, pg_url: str
) -> None:
    repo_a = checkout(tmp_path / "laptop", "api-server")
    repo_b = checkout(tmp_path / "desktop", "api-server-main")
    options = {"project": "api-server"}
    a = await machine(tmp_path, "laptop", pg_url, repo_a, options)
    b = await machine(tmp_path, "desktop", pg_url, repo_b, options)
    try:
        made = await a.command("create", name="checkout", start=True)
        a.cursor(repo_a / "src" / "app.py", 99, 0)
        await b.status_where(
            lambda s: active_of(s).get("context", {}).get("current_line") == "100", ARRIVES
        )
        await a.command("pause")
        resumed = (await b.command("resume"))["session"]
        assert resumed["id"] == made["id"] and resumed["project"] == "api-server"
        assert (resumed["context"]["current_file"], resumed["context"]["current_line"]) == (
            "src/app.py", "100"
        )
    finally:
        await stop_editor(a)
        await stop_editor(b)


async def test_a_change_from_the_command_line_shows_in_the_editor(
    tmp_path: Path, pg_url: str
) -> None:
    from tests.cli.shell import cli

    repo = checkout(tmp_path / "laptop")
    ed = await machine(tmp_path, "laptop", pg_url, repo)
    try:
        done = cli("create", "from-shell", "--start", "--db", pg_url, cwd=repo)
        assert done.returncode == 0, done.stderr
        await ed.status_where(lambda s: active_of(s).get("name") == "from-shell", ARRIVES)
        seen = ed.status_count()
        done = cli("meta", "ticket", "PAY-7", "--db", pg_url, cwd=repo)
        assert done.returncode == 0, done.stderr
        shown = await ed.status_after(
            seen, lambda s: active_of(s).get("metadata", {}).get("ticket") == "PAY-7", ARRIVES
        )
        assert shown["active"]["name"] == "from-shell"
    finally:
        await stop_editor(ed)


async def test_changes_in_other_projects_leave_the_status_alone(
    tmp_path: Path, pg_url: str
) -> None:
    from tests.cli.shell import cli

    repo = checkout(tmp_path / "laptop")
    ed = await machine(tmp_path, "laptop", pg_url, repo)
    try:
        await ed.command("create", name="mine", start=True)
        await ed.status_where(lambda s: active_of(s).get("name") == "mine", ARRIVES)
        seen = ed.status_count()
        for i in range(3):  # a colleague's work in another project
            done = cli("create", f"theirs-{i}", "--start", "--project", "billing",
                       "--db", pg_url, cwd=repo)
            assert done.returncode == 0, done.stderr
        done = cli("meta", "ticket", "T-3", "--db", pg_url, cwd=repo)
        assert done.returncode == 0, done.stderr
        shown = await ed.status_after(
            seen, lambda s: active_of(s).get("metadata", {}).get("ticket") == "T-3", ARRIVES
        )
        assert ed.statuses[seen:] == [shown]  # refreshed for its own project only
    finally:
        await stop_editor(ed)
