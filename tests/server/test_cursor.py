"""Cursor positions into the active session's context, through the real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsp_harness import (
    CommitCounter,
    Editor,
    eventually,
    read_context,
    start_editor,
    stop_editor,
    uri,
)
from lsprotocol import types as lsp


def make_folder(root: Path, name: str, branch: str | None = None) -> Path:
    folder = root / name
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "main.py").write_text("pass\n")
    if branch:
        (folder / ".git").mkdir()
        (folder / ".git" / "HEAD").write_text(f"ref: refs/heads/{branch}\n")
    return folder


async def test_position_is_one_based_relative_with_branch(editor: Editor, project: Path) -> None:
    await editor.command("create", name="auth", start=True)
    editor.cursor(project / "src" / "app.py", 41, 7)
    ctx = (await editor.get())["context"]
    assert ctx == {
        "current_file": "src/app.py",
        "current_line": "42",
        "current_column": "8",
        "branch": "feature/payments",
    }


async def test_no_active_session_records_nothing(editor: Editor, project: Path) -> None:
    await editor.command("create", name="waiting")
    editor.cursor(project / "src" / "app.py", 3, 3)
    assert (await editor.get(session="waiting"))["context"] == {}
    await editor.command("start")
    assert (await editor.get())["context"] == {}  # an old position is not replayed


async def test_multi_root_the_file_decides_the_project(tmp_path: Path, db: Path) -> None:
    front = make_folder(tmp_path, "frontend", branch="ui-work")
    back = make_folder(tmp_path, "backend", branch="api-work")
    ed = await start_editor(db, [front, back])
    try:
        f = await ed.command("create", name="ui", project="frontend", start=True)
        b = await ed.command("create", name="api", project="backend", start=True)
        ed.cursor(back / "src" / "main.py", 0, 0)
        current = await ed.get()  # the current project follows the cursor
        assert current["id"] == b["id"]
        assert current["context"] == {
            "current_file": "src/main.py", "current_line": "1", "current_column": "1",
            "branch": "api-work",
        }
        assert (await ed.get(session=f["id"]))["context"] == {}
        ed.cursor(front / "src" / "main.py", 4, 2)
        assert (await ed.get())["id"] == f["id"]
        assert (await ed.get(session=f["id"]))["context"]["branch"] == "ui-work"
        assert (await ed.get(session=b["id"]))["context"]["current_line"] == "1"
    finally:
        await stop_editor(ed)


async def test_file_outside_every_folder_is_absolute(
    editor: Editor, tmp_path: Path
) -> None:
    await editor.command("create", name="scratch", start=True)
    outside = tmp_path / "elsewhere" / "notes.txt"
    outside.parent.mkdir()
    outside.write_text("hi\n")
    editor.cursor(outside, 0, 1)
    ctx = (await editor.get())["context"]
    assert ctx["current_file"] == str(outside.resolve())
    assert ctx["current_line"] == "1" and ctx["current_column"] == "2"


async def test_excluded_files_leave_the_context_untouched(tmp_path: Path, db: Path) -> None:
    folder = make_folder(tmp_path, "svc")
    ed = await start_editor(db, [folder], options={"exclude": ["private/**"]})
    try:
        await ed.command("create", name="svc-work", start=True)
        ed.cursor(folder / "src" / "main.py", 9, 0)
        before = (await ed.get())["context"]
        for secret in [".env", ".env.production", "certs/server.pem", "keys/api.key",
                       "home/.ssh/id_rsa", "private/plan.md"]:
            ed.cursor(folder / secret, 99, 99)
        after = (await ed.get())["context"]
        assert after == before
    finally:
        await stop_editor(ed)
    assert read_context(db, "svc-work") == before


async def test_hidden_file_names_record_a_hash(tmp_path: Path, db: Path) -> None:
    folder = make_folder(tmp_path, "secret-project")
    ed = await start_editor(db, [folder], options={"hideFileNames": True})
    try:
        await ed.command("create", name="hush", start=True)
        ed.cursor(folder / "src" / "main.py", 1, 1)
        first = (await ed.get())["context"]
        assert "main" not in first["current_file"] and "src" not in first["current_file"]
        assert first["current_file"].startswith("sha256:")
        assert first["current_line"] == "2"
        ed.cursor(folder / "src" / "other.py", 1, 1)
        second = (await ed.get())["context"]["current_file"]
        assert second != first["current_file"] and second.startswith("sha256:")
    finally:
        await stop_editor(ed)


async def test_branch_of_a_worktree_is_read_from_its_git_file(tmp_path: Path, db: Path) -> None:
    repo_git = tmp_path / "repo" / ".git"
    (repo_git / "worktrees" / "wt").mkdir(parents=True)
    (repo_git / "HEAD").write_text("ref: refs/heads/main\n")
    (repo_git / "worktrees" / "wt" / "HEAD").write_text("ref: refs/heads/hotfix/login\n")
    wt = make_folder(tmp_path, "wt")
    (wt / ".git").write_text(f"gitdir: {repo_git / 'worktrees' / 'wt'}\n")
    ed = await start_editor(db, [wt])
    try:
        await ed.command("create", name="fix", start=True)
        ed.cursor(wt / "src" / "main.py", 0, 0)
        assert (await ed.get())["context"]["branch"] == "hotfix/login"
    finally:
        await stop_editor(ed)


async def test_burst_is_coalesced_into_a_handful_of_commits(
    editor: Editor, project: Path, db: Path
) -> None:
    await editor.command("create", name="busy", start=True)
    counter = CommitCounter(db)
    path = project / "src" / "app.py"
    for i in range(10_000):
        editor.cursor(path, i % 200, i % 80)
        if i % 500 == 0:
            counter.poll()
            await asyncio.sleep(0)
    want = {"current_line": str(9_999 % 200 + 1), "current_column": str(9_999 % 80 + 1)}

    async def latest_seen() -> bool:
        ctx = (await editor.get())["context"]
        return all(ctx.get(k) == v for k, v in want.items())

    assert await asyncio.wait_for(latest_seen(), 30)

    def stored() -> bool:
        counter.poll()
        ctx = read_context(db, "busy")
        return all(ctx.get(k) == v for k, v in want.items())

    await eventually(stored, 10, "the last position in the store")
    assert 1 <= counter.count <= 10, counter.count


async def test_pending_position_is_flushed_on_shutdown(
    db: Path, project: Path
) -> None:
    ed = await start_editor(db, [project])
    try:
        await ed.command("create", name="flush-me", start=True)
        ed.cursor(project / "src" / "app.py", 1, 0)  # written at once
        ed.cursor(project / "src" / "app.py", 77, 3)  # waits for the next second
        assert (await ed.get())["context"]["current_line"] == "78"
    finally:
        await stop_editor(ed)
    assert read_context(db, "flush-me")["current_line"] == "78"


async def test_pending_position_is_flushed_before_a_lifecycle_change(
    editor: Editor, project: Path, db: Path
) -> None:
    await editor.command("create", name="left", start=True)
    editor.cursor(project / "src" / "app.py", 1, 0)
    editor.cursor(project / "src" / "app.py", 55, 0)
    await editor.command("create", name="right", start=True)  # pauses "left"
    assert read_context(db, "left")["current_line"] == "56"
    assert (await editor.get())["context"] == {}  # "right" did not inherit it


# -- fallbacks for clients without helix/cursorMoved ----------------------------


def text_doc(path: Path) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri(path))


async def test_fallback_requests_record_the_cursor_and_answer_nothing(
    editor: Editor, project: Path
) -> None:
    caps = editor.init_result.capabilities if editor.init_result else None
    assert caps is not None
    assert caps.document_highlight_provider and caps.hover_provider
    assert caps.code_action_provider
    await editor.command("create", name="plain", start=True)
    app = project / "src" / "app.py"
    client = editor.client

    editor.open(app)  # opening (or the editor restoring) a document is no place
    ctx = (await editor.get())["context"]
    assert "current_file" not in ctx

    pos = lsp.Position(line=10, character=4)
    hl = await asyncio.wait_for(client.text_document_document_highlight_async(
        lsp.DocumentHighlightParams(text_document=text_doc(app), position=pos)), 20)
    assert not hl
    assert (await editor.get())["context"]["current_line"] == "11"

    hover = await asyncio.wait_for(client.text_document_hover_async(
        lsp.HoverParams(text_document=text_doc(app), position=lsp.Position(20, 0))), 20)
    assert hover is None
    assert (await editor.get())["context"]["current_line"] == "21"

    rng = lsp.Range(start=lsp.Position(30, 2), end=lsp.Position(31, 0))
    actions = await asyncio.wait_for(client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=text_doc(app), range=rng, context=lsp.CodeActionContext(diagnostics=[]))),
        20)
    assert not actions
    ctx = (await editor.get())["context"]
    assert (ctx["current_line"], ctx["current_column"]) == ("31", "3")

    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(app), version=2),
        content_changes=[
            lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(40, 5), lsp.Position(40, 5)), text="x"),
            lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(2, 0), lsp.Position(2, 0)), text="y"),
        ]))
    ctx = (await editor.get())["context"]
    assert (ctx["current_line"], ctx["current_column"]) == ("41", "6")


async def test_cursor_notifications_turn_the_fallbacks_off(
    db: Path, project: Path
) -> None:
    ed = await start_editor(db, [project], options={"cursorNotifications": True})
    try:
        caps = ed.init_result.capabilities if ed.init_result else None
        assert caps is not None
        assert not caps.document_highlight_provider
        assert not caps.hover_provider
        assert not caps.code_action_provider
        await ed.command("create", name="vscode", start=True)
        app = project / "src" / "app.py"
        ed.open(app)
        ed.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(app), version=2),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(3, 0), lsp.Position(3, 0)), text="z")]))
        assert (await ed.get())["context"] == {}
        ed.cursor(app, 6, 1)
        assert (await ed.get())["context"]["current_line"] == "7"
    finally:
        await stop_editor(ed)


async def test_added_workspace_folder_becomes_a_project(tmp_path: Path, db: Path) -> None:
    first = make_folder(tmp_path, "first")
    added = make_folder(tmp_path, "added")
    ed = await start_editor(db, [first])
    try:
        made = await ed.command("create", name="in-added", project="added", start=True)
        ed.client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
            event=lsp.WorkspaceFoldersChangeEvent(
                added=[lsp.WorkspaceFolder(uri=uri(added), name="added")], removed=[])))
        ed.cursor(added / "src" / "main.py", 2, 2)
        got = await ed.get()
        assert got["id"] == made["id"]
        assert got["context"]["current_file"] == "src/main.py"
    finally:
        await stop_editor(ed)


async def test_export_carries_the_latest_position(editor: Editor, project: Path) -> None:
    await editor.command("create", name="snap", start=True)
    editor.cursor(project / "src" / "app.py", 1, 0)
    editor.cursor(project / "src" / "app.py", 63, 0)
    snapshot = await editor.command("export")
    assert snapshot["sessions"][0]["context"]["current_line"] == "64"
