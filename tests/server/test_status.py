"""``helix/status``: pushed after initialized, after changes, and across processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsp_harness import Editor, start_editor, stop_editor

from helix_lsp.session import SessionManager


def active_name(status: dict[str, Any]) -> str | None:
    return None if status["active"] is None else str(status["active"]["name"])


def current_of(status: dict[str, Any]) -> tuple[str, str] | None:
    current = status["current"]
    return None if current is None else (str(current["name"]), str(current["status"]))


async def test_status_follows_every_change(editor: Editor) -> None:
    first = await editor.status_where(lambda s: True)
    assert first == {"active": None, "current": None, "sessions": []}

    steps: list[tuple[str, dict[str, Any], Any]] = [
        ("create", {"name": "auth"}, lambda s: s["active"] is None and s["sessions"] == []),
        ("start", {}, lambda s: active_name(s) == "auth"),
        ("addTag", {"tag": "security"}, lambda s: s["active"]["tags"] == ["security"]),
        ("pause", {}, lambda s: s["active"] is None and s["sessions"] == []),
        # another project's session is not this workspace's
        ("create", {"name": "other", "project": "elsewhere", "start": True},
         lambda s: s["active"] is None and s["sessions"] == []),
    ]
    for name, params, check in steps:  # every change is followed by a status showing it
        count = editor.status_count()
        await editor.command(name, **params)
        assert check(await editor.status_after(count, lambda s: True)), (name, editor.statuses[-1])

    # A burst of changes makes a status that shows them all, not one push each.
    count = editor.status_count()
    for tag in ("a", "b", "c", "d"):
        await editor.command("addTag", session="auth", tag=tag)
    await editor.status_after(count, lambda s: True)
    await editor.command("resume", session="auth")
    last = await editor.status_after(count, lambda s: active_name(s) == "auth")
    assert last["active"]["tags"] == ["security", "a", "b", "c", "d"]
    assert editor.status_count() - count <= 3


async def test_current_shows_the_idle_then_active_then_paused_session(editor: Editor) -> None:
    """What a status bar shows: an idle session after Create, with Start on offer."""
    await editor.status_where(lambda s: True)
    steps: list[tuple[str, dict[str, Any], tuple[str, str] | None]] = [
        ("create", {"name": "later"}, ("later", "idle")),
        ("create", {"name": "newest"}, ("newest", "idle")),  # the one start would take
        ("start", {}, ("newest", "active")),
        ("pause", {}, ("newest", "paused")),
        ("resume", {"session": "newest"}, ("newest", "active")),
        ("complete", {}, ("later", "idle")),  # done: the remaining idle one is current
        ("fail", {"session": "later", "reason": "dropped"}, None),
    ]
    for name, params, want in steps:
        count = editor.status_count()
        await editor.command(name, **params)
        status = await editor.status_after(count, lambda s: True)
        assert current_of(status) == want, (name, status["current"])
    idle = await editor.command("create", name="fresh")
    status = await editor.status_where(lambda s: current_of(s) == ("fresh", "idle"))
    assert status["current"]["id"] == idle["id"] and status["active"] is None
    assert "start" in status["current"]["actions"]


async def test_read_commands_push_nothing(editor: Editor) -> None:
    await editor.command("create", name="quiet", start=True)
    await editor.status_where(lambda s: active_name(s) == "quiet")
    count = editor.status_count()
    for name in ("get", "active", "list", "stats", "export"):
        await editor.command(name)
    await editor.command("addTag", tag="marker")  # a change, to know pushes went out
    await editor.status_where(lambda s: s["active"] and s["active"]["tags"] == ["marker"])
    assert editor.status_count() == count + 1


async def test_cursor_moves_alone_push_rarely_but_the_last_one_arrives(
    editor: Editor, project: Path
) -> None:
    await editor.command("create", name="typing", start=True)
    await editor.status_where(lambda s: active_name(s) == "typing")
    count = editor.status_count()
    for line in range(300):
        editor.cursor(project / "src" / "app.py", line, 0)
    await editor.get()  # every move has been handled
    final = await editor.status_where(
        lambda s: s["active"] and s["active"]["context"].get("current_line") == "300"
    )
    assert final["active"]["context"]["current_file"] == "src/app.py"
    assert editor.status_count() - count <= 3


async def test_two_servers_on_one_store_see_each_other(db: Path, project: Path) -> None:
    one = await start_editor(db, [project])
    two = await start_editor(db, [project])
    try:
        await one.status_where(lambda s: True)
        await two.status_where(lambda s: True)
        made = await one.command("create", name="shared", start=True)
        seen = await two.status_where(lambda s: active_name(s) == "shared", timeout=10)
        assert seen["active"]["id"] == made["id"]

        count = one.statuses.index(await one.status_where(lambda s: active_name(s) == "shared"))
        await two.command("pause", session="shared")
        await one.status_after(count + 1, lambda s: s["active"] is None, timeout=10)
        assert (await one.get())["status"] == "paused"
    finally:
        await stop_editor(one)
        await stop_editor(two)


async def test_auto_pause_when_idle_and_resume_on_activity(db: Path, project: Path) -> None:
    ed = await start_editor(db, [project], options={"autoPauseMinutes": 0.02})  # 1.2 s
    try:
        await ed.command("create", name="coffee-break", start=True)
        started = await ed.status_where(lambda s: active_name(s) == "coffee-break")
        count = ed.statuses.index(started) + 1
        paused = await ed.status_after(count, lambda s: s["active"] is None)
        assert paused["sessions"] == []
        assert (await ed.get(session="coffee-break"))["status"] == "paused"

        count = ed.statuses.index(paused) + 1
        ed.cursor(project / "src" / "app.py", 4, 0)
        back = await ed.status_after(count, lambda s: active_name(s) == "coffee-break")
        assert back["active"]["status"] == "active"
        assert (await ed.get())["context"]["current_line"] == "5"
    finally:
        await stop_editor(ed)


async def test_a_paused_session_is_not_resumed_by_activity(db: Path, project: Path) -> None:
    ed = await start_editor(db, [project], options={"autoPauseMinutes": 0.02})
    try:
        await ed.command("create", name="by-hand", start=True)
        await ed.command("pause")  # a person paused it: activity must not undo that
        ed.cursor(project / "src" / "app.py", 4, 0)
        await ed.command("list")
        assert (await ed.get(session="by-hand"))["status"] == "paused"
    finally:
        await stop_editor(ed)


async def test_a_pause_by_hand_after_an_auto_pause_is_not_undone(
    db: Path, project: Path
) -> None:
    ed = await start_editor(db, [project], options={"autoPauseMinutes": 0.02})
    try:
        await ed.command("create", name="errand", start=True)
        started = await ed.status_where(lambda s: active_name(s) == "errand")
        await ed.status_after(ed.statuses.index(started) + 1, lambda s: s["active"] is None)
        with SessionManager(str(db)) as shell:  # back in the shell: resume, then pause by hand
            shell.resume("errand")
            shell.pause("errand")
        ed.cursor(project / "src" / "app.py", 4, 0)
        await ed.command("list")  # the move has been handled
        assert (await ed.get(session="errand"))["status"] == "paused"
    finally:
        await stop_editor(ed)


async def test_status_follows_the_project_of_the_cursor(tmp_path: Path, db: Path) -> None:
    folders = []
    for name in ("web", "api"):
        folder = tmp_path / name
        (folder / "src").mkdir(parents=True)
        folders.append(folder)
    ed = await start_editor(db, folders)
    try:
        await ed.command("create", name="web-task", project="web", start=True)
        await ed.status_where(lambda s: active_name(s) == "web-task")
        count = ed.status_count()
        ed.cursor(folders[1] / "src" / "server.py", 0, 0)  # api has no active session
        moved = await ed.status_after(count, lambda s: True)
        assert moved["active"] is None
        assert [s["name"] for s in moved["sessions"]] == ["web-task"]
    finally:
        await stop_editor(ed)
