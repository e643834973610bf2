"""Every workspace command through the real server: results and refusals."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from lsp_harness import Editor, start_editor, stop_editor
from pygls.exceptions import JsonRpcException

INVALID_PARAMS, REQUEST_FAILED = -32602, -32803


async def total(editor: Editor) -> int:
    return int((await editor.command("list"))["total"])


async def test_commands_are_advertised(editor: Editor) -> None:
    assert editor.init_result is not None
    advertised = editor.init_result.capabilities.execute_command_provider
    assert advertised is not None
    names = {c.removeprefix("helix.session.") for c in advertised.commands}
    assert names == {
        "create", "start", "pause", "resume", "complete", "fail", "setMode", "addTag",
        "removeTag", "setMetadata", "setContext", "get", "active", "list", "stats",
        "delete", "export", "import", "trimHistory", "history", "report",
    }


async def test_create_takes_every_field_and_defaults_to_the_folder_project(
    editor: Editor,
) -> None:
    sess = await editor.command(
        "create", name="implement-user-auth", description="login and tokens",
        tags=["authentication", "security"], metadata={"sprint": "23"},
        context={"branch": "feature/auth"},
    )
    assert sess["name"] == "implement-user-auth"
    assert sess["mode"] == "building"
    assert sess["status"] == "idle"
    assert sess["project"] == "api-server"
    assert sess["tags"] == ["authentication", "security"]
    assert sess["metadata"] == {"sprint": "23"}
    assert sess["context"] == {"branch": "feature/auth"}
    assert sess["description"] == "login and tokens"
    assert sess["startedAt"] is None

    other = await editor.command("create", name="deploy", mode="deployment", project="ops",
                                 start=True)
    assert (other["mode"], other["project"], other["status"]) == ("deployment", "ops", "active")


async def test_lifecycle_on_the_current_session(editor: Editor) -> None:
    first = await editor.command("create", name="first")
    started = await editor.command("start")  # the most recently created idle one
    assert started["session"]["id"] == first["id"]
    assert started["session"]["status"] == "active"
    assert "paused" not in started

    second = await editor.command("create", name="second")
    switched = await editor.command("start", session="second")
    assert switched["session"]["id"] == second["id"]
    assert [s["id"] for s in switched["paused"]] == [first["id"]]

    paused = await editor.command("pause")  # the active one: second
    assert paused["session"]["id"] == second["id"]
    assert paused["session"]["status"] == "paused"
    assert paused["session"]["lastPausedAt"] is not None

    resumed = await editor.command("resume")  # the most recently paused one: second
    assert resumed["session"]["id"] == second["id"]
    assert resumed["session"]["status"] == "active"

    done = await editor.command("complete")
    assert done["session"]["status"] == "completed"
    assert done["session"]["endedAt"] is not None

    failed = await editor.command("fail", session=first["id"], reason="Tests failed, need to redesign")
    assert failed == {"session": failed["session"]}
    assert failed["session"]["status"] == "failed"
    assert failed["session"]["failureReason"] == "Tests failed, need to redesign"


async def test_mode_tags_metadata_and_context(editor: Editor) -> None:
    await editor.command("create", name="memory-leak", start=True)
    assert (await editor.command("setMode", mode="debugging"))["mode"] == "debugging"
    await editor.command("addTag", tag="memory")
    tagged = await editor.command("addTag", session="memory-leak", tag="perf")
    assert tagged["tags"] == ["memory", "perf"]
    assert (await editor.command("removeTag", tag="memory"))["tags"] == ["perf"]
    assert (await editor.command("setMetadata", key="issue", value="#42"))["metadata"] == {
        "issue": "#42"
    }
    assert (await editor.command("setMetadata", key="issue", value=None))["metadata"] == {}
    ctx = await editor.command("setContext", key="current_file", value="leak.go")
    assert ctx["context"]["current_file"] == "leak.go"


async def test_get_active_list_and_stats(editor: Editor) -> None:
    assert await editor.get() is None
    assert await editor.command("active") is None
    a = await editor.command("create", name="alpha", tags=["x"], start=True)
    await editor.command("create", name="beta", mode="testing")
    await editor.command("create", name="gamma", project="elsewhere")

    assert (await editor.get())["id"] == a["id"]
    assert (await editor.get(session="beta"))["name"] == "beta"
    assert (await editor.command("active"))["id"] == a["id"]
    assert await editor.command("active", project="elsewhere") is None

    everything = await editor.command("list")
    assert everything["total"] == 3
    assert [s["name"] for s in everything["sessions"]] == ["gamma", "beta", "alpha"]
    page = await editor.command("list", limit=1, offset=1)
    assert (page["total"], [s["name"] for s in page["sessions"]]) == (3, ["beta"])
    assert (await editor.command("list", status="active"))["total"] == 1
    assert (await editor.command("list", status=["idle", "active"], project="api-server"))[
        "total"
    ] == 2
    assert (await editor.command("list", mode="testing"))["sessions"][0]["name"] == "beta"
    assert (await editor.command("list", tag="x"))["total"] == 1
    assert (await editor.command("list", query="AMM"))["sessions"][0]["name"] == "gamma"

    stats = await editor.command("stats")
    assert stats["total"] == 3
    assert stats["byStatus"]["active"] == 1
    assert stats["byMode"]["testing"] == 1
    assert "activeSeconds" in stats and "averageActiveSeconds" in stats
    assert (await editor.command("stats", project="elsewhere"))["total"] == 1


async def test_delete_export_import_and_trim(editor: Editor) -> None:
    kept = await editor.command("create", name="kept", start=True)
    refused = await editor.refused("delete", session="kept")
    assert refused.code == REQUEST_FAILED
    assert refused.data["kind"] == "invalid_transition"

    one = await editor.command("export")  # the current session
    everything = await editor.command("export", all=True)
    assert [s["id"] for s in one["sessions"]] == [kept["id"]]
    assert len(everything["sessions"]) == 1

    await editor.command("complete")
    assert await editor.command("delete", session=kept["id"]) == {"deleted": kept["id"]}
    assert await total(editor) == 0
    assert await editor.command("import", snapshot=one) == {"imported": [kept["id"]]}
    assert (await editor.get(session=kept["id"]))["name"] == "kept"

    for name in ("old-1", "old-2", "old-3"):
        await editor.command("create", name=name, start=True)
        await editor.command("complete")
    # "kept" was exported while active, so it is not finished: only old-1 goes
    assert await editor.command("trimHistory", keep=2) == {"removed": 1}
    left = await editor.command("list", status="completed")
    assert sorted(s["name"] for s in left["sessions"]) == ["old-2", "old-3"]


# -- refusals --------------------------------------------------------------------


async def test_bad_arguments_are_invalid_params_and_write_nothing(editor: Editor) -> None:
    cases = [
        ("create", {"args": [{"name": "x", "colour": "red"}]}, "colour"),
        ("create", {"args": [{"name": 7}]}, "name"),
        ("create", {"args": [{"name": "x", "tags": "one"}]}, "tags"),
        ("create", {"args": [{"name": "x", "start": "yes"}]}, "start"),
        ("create", {"args": [{"name": "x", "mode": "dancing"}]}, "dancing"),
        ("create", {"args": [{"mode": "building"}]}, "name"),
        ("create", {"args": [{"name": "x"}, {"name": "y"}]}, "one object"),
        ("create", {"args": ["x"]}, "one object"),
        ("list", {"args": [{"limit": "5"}]}, "limit"),
        ("fail", {"args": [{"reason": ""}]}, "reason"),
        ("trimHistory", {"args": [{"keep": -1}]}, "keep"),
    ]
    for name, kwargs, word in cases:
        err = await editor.refused(name, **kwargs)
        assert err.code == INVALID_PARAMS, (name, kwargs, err)
        assert err.data == {"kind": "invalid_argument"}, (name, kwargs)
        assert word in err.message, (name, kwargs, err.message)
        assert "\n" not in err.message
    assert await total(editor) == 0


async def test_unknown_and_missing_sessions_are_not_found(editor: Editor) -> None:
    for name, params in [
        ("start", {}), ("pause", {}), ("complete", {}), ("get", {"session": "nope"}),
        ("addTag", {"tag": "x"}), ("delete", {"session": "nope"}), ("export", {}),
    ]:
        err = await editor.refused(name, **params)
        assert (err.code, err.data) == (INVALID_PARAMS, {"kind": "not_found"}), name
    assert await total(editor) == 0


async def test_ambiguous_name_lists_the_ids(editor: Editor) -> None:
    a = await editor.command("create", name="twin")
    b = await editor.command("create", name="twin")
    err = await editor.refused("start", session="twin")
    assert (err.code, err.data) == (INVALID_PARAMS, {"kind": "invalid_argument"})
    assert a["id"] in err.message and b["id"] in err.message
    assert (await editor.command("list", status="active"))["total"] == 0


async def test_invalid_transition_names_session_status_and_action(editor: Editor) -> None:
    await editor.command("create", name="implement-auth")
    err = await editor.refused("pause", session="implement-auth")
    assert (err.code, err.data) == (REQUEST_FAILED, {"kind": "invalid_transition"})
    assert "implement-auth" in err.message and "idle" in err.message
    assert "pause" in err.message
    assert (await editor.get(session="implement-auth"))["status"] == "idle"


async def test_importing_an_existing_id_is_a_conflict(editor: Editor) -> None:
    await editor.command("create", name="once")
    snapshot = await editor.command("export", all=True)
    err = await editor.refused("import", snapshot=snapshot)
    assert (err.code, err.data) == (REQUEST_FAILED, {"kind": "conflict"})
    assert await total(editor) == 1


async def test_a_broken_store_is_a_storage_error(editor: Editor, db: Path) -> None:
    await editor.command("create", name="before")
    with sqlite3.connect(db) as conn:  # another program damages the store
        conn.execute("DROP TABLE sessions")
    err = await editor.refused("create", name="after")
    assert (err.code, err.data) == (REQUEST_FAILED, {"kind": "storage"})


@pytest.mark.parametrize("transport", ["fast", "stock"])
async def test_both_transports_answer_alike(
    db: Path, project: Path, transport: str
) -> None:
    args = ("--stock-transport",) if transport == "stock" else ()
    ed = await start_editor(db, [project], args=args)
    try:
        sess = await ed.command("create", name="same", start=True)
        assert (await ed.get())["id"] == sess["id"]
        ed.cursor(project / "src" / "app.py", 9, 0)
        assert (await ed.get())["context"]["current_line"] == "10"
        err = await ed.refused("pause", args=[{"session": "same", "bogus": 1}])
        assert (err.code, err.data) == (INVALID_PARAMS, {"kind": "invalid_argument"})
        err = await ed.refused("resume")
        assert (err.code, err.data) == (REQUEST_FAILED, {"kind": "invalid_transition"})
    finally:
        await stop_editor(ed)


async def test_unknown_commands_and_methods_get_a_sentence(editor: Editor) -> None:
    err = await editor.refused("noSuchThing")
    assert (err.code, err.data) == (INVALID_PARAMS, {"kind": "invalid_argument"})
    assert "helix.session.noSuchThing" in err.message and err.message.endswith(".")
    with pytest.raises(JsonRpcException) as info:
        await asyncio.wait_for(
            editor.client.protocol.send_request_async("helix/noSuchRequest", {}), 20)
    assert info.value.code == -32601 and info.value.message.endswith(".")
    huge = "x" * 100_000
    err = await editor.refused("create", args=[{"name": 1, "description": huge}])
    assert err.code == INVALID_PARAMS and len(err.message) <= 400
    assert (await editor.command("create", name="still-serving"))["name"] == "still-serving"
