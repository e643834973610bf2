"""Owners through the language server: the ``owner`` option and ``--owner``, the
``forbidden`` refusal, and listings that default to one's own sessions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lsp_harness import start_editor, stop_editor
from pygls.exceptions import JsonRpcException

from helix_lsp.session import SessionManager

REQUEST_FAILED = -32803


async def test_two_owners_in_one_project_through_two_servers(db: Path, project: Path) -> None:
    alice = await start_editor(db, [project], options={"owner": "alice@example.com"})
    bob = await start_editor(db, [project], args=("--owner", "bob@example.com"))
    try:
        mine = await alice.command("create", name="api-auth", start=True)
        theirs = await bob.command("create", name="api-cache", start=True)
        assert (mine["owner"], theirs["owner"]) == ("alice@example.com", "bob@example.com")
        assert (await alice.command("get"))["id"] == mine["id"]  # the current one is hers
        with pytest.raises(JsonRpcException) as refused:
            await alice.command("pause", session=theirs["id"])
        assert refused.value.code == REQUEST_FAILED
        assert refused.value.data == {"kind": "forbidden"}
        assert "bob@example.com" in refused.value.message
        assert (await bob.command("get"))["status"] == "active"  # nothing was written
        assert (await alice.command("get", session=theirs["id"]))["name"] == "api-cache"

        assert [s["id"] for s in (await alice.command("list"))["sessions"]] == [mine["id"]]
        assert (await alice.command("list", owner="*"))["total"] == 2
        assert (await alice.command("list", owner="bob@example.com"))["total"] == 1
        assert (await bob.command("stats"))["total"] == 1
        assert (await bob.command("stats", owner="*"))["total"] == 2
        report = await alice.command("report", owner="*")
        assert {s["name"] for s in report["sessions"]} == {"api-auth", "api-cache"}
        assert [s["name"] for s in (await bob.command("report"))["sessions"]] == ["api-cache"]
        status = alice.statuses[-1]
        assert [s["id"] for s in status["sessions"]] == [mine["id"]]  # her own only
    finally:
        await stop_editor(alice)
        await stop_editor(bob)


async def test_a_bad_owner_option_is_ignored_and_the_default_used(
    db: Path, project: Path
) -> None:
    editor = await start_editor(
        db, [project], options={"owner": "a\u202eb"},
        env={**os.environ, "HELIX_LSP_OWNER": "env-owner"},
    )
    try:
        sess = await editor.command("create", name="x")
        assert sess["owner"] == "env-owner"
    finally:
        await stop_editor(editor)
    with SessionManager(db, owner="env-owner") as mgr:
        assert mgr.list().total == 1
