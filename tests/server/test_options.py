"""Initialization options and the store path's order of precedence."""

from __future__ import annotations

import os
from pathlib import Path

from lsp_harness import start_editor, stop_editor

from helix_lsp.session import SessionManager


def names_in(db: Path) -> list[str]:
    if not db.exists():
        return []
    with SessionManager(str(db)) as mgr:
        return [s.name for s in mgr.list()]


async def test_store_path_precedence(tmp_path: Path, project: Path) -> None:
    flag, option, env_db = (tmp_path / n / "sessions.db" for n in ("flag", "option", "env"))
    env = {**os.environ, "HELIX_LSP_DB": str(env_db)}

    ed = await start_editor(flag, [project], options={"dbPath": str(option)}, env=env)
    await ed.command("create", name="via-flag")
    await stop_editor(ed)
    ed = await start_editor(None, [project], options={"dbPath": str(option)}, env=env)
    await ed.command("create", name="via-option")
    await stop_editor(ed)
    ed = await start_editor(None, [project], env=env)
    await ed.command("create", name="via-env")
    await stop_editor(ed)

    assert names_in(flag) == ["via-flag"]
    assert names_in(option) == ["via-option"]
    assert names_in(env_db) == ["via-env"]


async def test_project_option_names_every_folder(
    tmp_path: Path, db: Path, project: Path
) -> None:
    ed = await start_editor(db, [project], options={"project": "payments"})
    try:
        made = await ed.command("create", name="charge", start=True)
        assert made["project"] == "payments"
        ed.cursor(project / "src" / "app.py", 2, 0)
        got = await ed.get()
        assert got["id"] == made["id"]
        assert got["context"]["current_file"] == "src/app.py"
        status = await ed.status_where(lambda s: s["active"] is not None)
        assert status["active"]["project"] == "payments"
    finally:
        await stop_editor(ed)


async def test_folder_name_from_the_client_is_the_project(
    db: Path, project: Path
) -> None:
    ed = await start_editor(db, [project], names=["Storefront"])
    try:
        assert (await ed.command("create", name="x"))["project"] == "Storefront"
    finally:
        await stop_editor(ed)


async def test_wrong_option_types_do_not_stop_the_server(db: Path, project: Path) -> None:
    ed = await start_editor(db, [project], options={
        "cursorNotifications": "sure", "autoPauseMinutes": "ten", "exclude": "*.py",
    })
    try:
        caps = ed.init_result.capabilities if ed.init_result else None
        assert caps is not None and caps.hover_provider  # fallbacks stay on
        await ed.command("create", name="still-works", start=True)
        ed.cursor(project / "src" / "app.py", 0, 0)
        assert (await ed.get())["context"]["current_file"] == "src/app.py"
        warnings = [m.message for m in ed.client.log_messages]
        assert any("cursorNotifications" in m for m in warnings), warnings
    finally:
        await stop_editor(ed)


async def test_logs_reach_the_client_and_the_log_file(
    tmp_path: Path, db: Path, project: Path
) -> None:
    log_file = tmp_path / "server.log"
    ed = await start_editor(db, [project], args=("--log-file", str(log_file)))
    try:
        await ed.command("create", name="logged", start=True)
        assert any(str(db) in m.message for m in ed.client.log_messages)
    finally:
        await stop_editor(ed)
    text = log_file.read_text()
    assert str(db) in text and "cursor writes committed" in text
