"""A channel per project: a server hears the changes of the projects it shows, no others.

The store's trigger notifies each change on its project's channel
(``helix_lsp_` + a digest of the name, the same in SQL and in Python), and a
language server listens to the channels of its workspace's projects: a
change elsewhere does not reach it at all, a moved place reaches the other
servers of the project at once, a connection opened again listens to every
project again, and a folder added to the workspace is listened to.

Everything a status shows is a session of ``ServerState.projects()``: the
``active`` and ``current`` sessions are the current project's (a folder's,
or, outside every folder, the ``project`` option's or the working folder's),
``sessions`` the active ones of the workspace's projects. So those channels
are all a server listens to; a session the editor starts in another project
(``create`` with ``project``) is not in its status, and not heard.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import psycopg
from lsp_harness import Editor, start_editor, stop_editor, uri
from lsprotocol import types as lsp

from helix_lsp.session import SessionManager
from helix_lsp.session.pgchannels import channel
from tests.cli.shell import cli
from tests.postgres import backends

#: Generous: arrival is what is checked here; how fast it arrives is measured in bench/.
ARRIVES = 10.0

AWKWARD = [
    "api-server",
    "",
    "Projekt Übersicht ünïcødé",
    "プロジェクト/日本語",
    "emoji 🚀 rocket",
    "it's \"quoted\"; DROP TABLE sessions; --",
    "back\\slash $$ dollar $1 %s ?",
    "x" * 200,
    "é" * 200,
    "tab\tand\nnewline",
]


def sql_channels(url: str, names: list[str]) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = [conn.execute("SELECT helix_lsp_channel(%s)", [name]).fetchone() for name in names]
    return [str(row[0]) for row in rows if row is not None]


def test_python_and_sql_name_the_same_channel_for_awkward_names(pg_url: str) -> None:
    SessionManager(pg_url).close()  # the schema, with its function
    names = [channel(name) for name in AWKWARD]
    assert names == sql_channels(pg_url, AWKWARD)
    assert len(set(names)) == len(AWKWARD)
    for name in names:  # an identifier PostgreSQL takes unquoted, within 63 bytes
        assert len(name.encode()) <= 63 and name.isidentifier() and name == name.lower()


def test_a_store_hears_the_projects_it_listens_to_and_no_other(pg_url: str) -> None:
    long_name = "プロジェクト " + "x" * 193  # 200 characters, the longest a project may be
    with SessionManager(pg_url) as watcher, SessionManager(pg_url) as writer:
        store: Any = watcher.store
        store.listen(["alpha", long_name])
        elsewhere = writer.create("elsewhere", project="beta", start=True).id
        here = writer.create("here", project="alpha", start=True).id
        writer.create("long", project=long_name, start=True)
        heard = sorted(store.notifications(timeout=5) + store.notifications(timeout=1))
        assert heard == sorted(["project:alpha", f"project:{long_name}"])

        store.listen(["beta"])  # alpha and the long one leave, beta comes
        writer.pause(here)
        writer.pause(elsewhere)
        assert store.notifications(timeout=5) + store.notifications(timeout=1) == [
            "project:beta"
        ]


def test_a_moved_place_is_told_on_its_project_channel_at_once(pg_url: str) -> None:
    with SessionManager(pg_url) as watcher, SessionManager(pg_url) as writer:
        store: Any = watcher.store
        store.listen(["alpha"])
        made = writer.create("moving", project="alpha", start=True)
        assert store.notifications(timeout=5) == ["project:alpha"]
        for line in ("10", "20", "30"):  # one after another, as a second's writes are
            writer.update_context(made.id, {"current_file": "src/app.py", "current_line": line})
            assert store.notifications(timeout=5) == ["project:alpha"]


def active_of(status: dict[str, Any]) -> dict[str, Any]:
    return status.get("active") or {}


def names_in(status: dict[str, Any]) -> set[str]:
    return {s["name"] for s in status.get("sessions") or []}


def repo(root: Path, name: str) -> Path:
    folder = root / name
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("x = 1\n" * 100)
    return folder


async def editor_on(url: str, folders: list[Path]) -> Editor:
    return await start_editor(None, folders, env={**os.environ, "HELIX_LSP_DB": url})



async def test_a_server_stays_quiet_while_another_project_changes(
    tmp_path: Path, pg_url: str
) -> None:
    alpha = repo(tmp_path, "alpha")
    ed = await editor_on(pg_url, [alpha])
    try:
        await ed.command("create", name="mine", start=True)
        await ed.status_where(lambda s: active_of(s).get("name") == "mine", ARRIVES)
        await asyncio.sleep(1.5)  # the status read after the change is done
        seen, before = ed.status_count(), backends(pg_url)
        with SessionManager(pg_url) as colleague:  # another machine's work on beta
            made = colleague.create("theirs", project="beta", start=True)
            for line in range(5):
                colleague.update_context(made.id, {"current_file": "a.py", "current_line": str(line)})
            colleague.pause(made.id)
        await asyncio.sleep(2)
        assert ed.status_count() == seen, "a change in another project was pushed"
        assert backends(pg_url) == before, "the server queried the store for another project"
    finally:
        await stop_editor(ed)


async def test_another_servers_moved_place_shows_every_time(tmp_path: Path, pg_url: str) -> None:
    a = await editor_on(pg_url, [repo(tmp_path / "laptop", "api")])
    b = await editor_on(pg_url, [repo(tmp_path / "desktop", "api")])
    app = tmp_path / "laptop" / "api" / "src" / "app.py"
    try:
        await a.command("create", name="moving", start=True)
        await b.status_where(lambda s: active_of(s).get("name") == "moving", ARRIVES)
        for line in (10, 20, 30):  # each a second apart: one write each, none held back
            a.cursor(app, line - 1, 0)
            await b.status_where(
                lambda s, n=str(line): active_of(s).get("context", {}).get("current_line") == n,
                ARRIVES,
            )
    finally:
        await stop_editor(a)
        await stop_editor(b)


async def test_a_connection_opened_again_listens_to_every_project(
    tmp_path: Path, pg_url: str
) -> None:
    ed = await editor_on(pg_url, [repo(tmp_path, "alpha"), repo(tmp_path, "beta")])
    try:
        await ed.command("create", name="first", project="alpha", start=True)
        await ed.status_where(lambda s: "first" in names_in(s), ARRIVES)
        with psycopg.connect(pg_url, autocommit=True) as conn:  # the server's link drops
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        await ed.status_where(lambda s: (s.get("store") or {}).get("online") is False, ARRIVES)
        back = await ed.status_where(
            lambda s: (s.get("store") or {}).get("online") is True, ARRIVES
        )
        seen = ed.statuses.index(back) + 1
        for project in ("alpha", "beta"):
            done = cli("create", f"from-shell-{project}", "--start", "--project", project,
                       "--db", pg_url)
            assert done.returncode == 0, done.stderr
            await ed.status_after(
                seen, lambda s, p=project: f"from-shell-{p}" in names_in(s), ARRIVES
            )
    finally:
        await stop_editor(ed)


async def test_a_folder_added_is_heard_and_a_folder_removed_is_not(
    tmp_path: Path, pg_url: str
) -> None:
    alpha, beta = repo(tmp_path, "alpha"), repo(tmp_path, "beta")
    ed = await editor_on(pg_url, [alpha])
    try:
        await ed.command("create", name="in-alpha", start=True)
        await ed.status_where(lambda s: "in-alpha" in names_in(s), ARRIVES)
        ed.client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
            event=lsp.WorkspaceFoldersChangeEvent(
                added=[lsp.WorkspaceFolder(uri=uri(beta), name="beta")],
                removed=[lsp.WorkspaceFolder(uri=uri(alpha), name="alpha")])))
        await ed.status_where(lambda s: "in-alpha" not in names_in(s), ARRIVES)
        seen = ed.status_count()
        done = cli("create", "in-beta", "--start", "--project", "beta", "--db", pg_url)
        assert done.returncode == 0, done.stderr
        await ed.status_after(seen, lambda s: "in-beta" in names_in(s), ARRIVES)

        await asyncio.sleep(1.5)  # the status read after that change is done
        seen = ed.status_count()
        done = cli("pause", "in-alpha", "--project", "alpha", "--db", pg_url)  # alpha left the workspace
        assert done.returncode == 0, done.stderr
        await asyncio.sleep(2)
        assert ed.status_count() == seen, "a change in a project no longer shown was pushed"
    finally:
        await stop_editor(ed)


async def test_a_server_without_folders_hears_the_project_it_shows(
    tmp_path: Path, pg_url: str
) -> None:
    """No workspace folder: the status shows the ``project`` option's sessions (the
    current project, outside every folder), so that project's channel is heard."""
    env = {**os.environ, "HELIX_LSP_DB": pg_url}
    ed = await start_editor(None, [], env=env, options={"project": "loose ends"})
    try:
        await ed.status_where(lambda s: True, ARRIVES)  # the first status: listening
        seen = ed.status_count()
        done = cli("create", "from-shell", "--start", "--project", "loose ends",
                   "--db", pg_url, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        shown = await ed.status_after(seen, lambda s: active_of(s).get("name") == "from-shell",
                                      ARRIVES)
        assert shown["active"]["project"] == "loose ends"
    finally:
        await stop_editor(ed)
