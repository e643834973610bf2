"""``helix-lsp mcp`` driven by the MCP SDK's own client over real stdio.

Each test starts the server as an assistant would (``python3 -m helix_lsp mcp``)
on a temporary store, in a temporary project folder, and checks what the
assistant sees: the tools, resources and prompts, the sessions it drives,
refusals as tool errors, and changes made from a shell arriving as
resource-updated notifications.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from mcp.client.subscriptions import ResourceUpdated, listen
from mcp.shared.exceptions import MCPError
from mcp_harness import (
    WAIT_SECONDS,
    Updates,
    call,
    cli,
    connect,
    ok,
    prompt_text,
    read_json,
    text_of,
)

from helix_lsp.session import Mode, SessionManager, Status

#: today's clients (and the SDK client's initialize) speak 2025-11-25, where resources/subscribe
#: is how a client subscribes; the SDK warns that the 2026-07-28 revision replaces it.
pytestmark = pytest.mark.filterwarnings("ignore:resources/subscribe is removed")

CURRENT = "helix://session/current"
TOOLS = {
    "create_session",
    "start_session",
    "pause_session",
    "resume_session",
    "complete_session",
    "fail_session",
    "set_mode",
    "add_tag",
    "set_context",
    "list_sessions",
    "session_stats",
    "session_report",
}


async def test_lists_tools_resources_and_prompts_with_typed_inputs(
    db_path: Path, project_dir: Path
) -> None:
    async with connect(db_path, project_dir) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        resources = (await session.list_resources()).resources
        templates = (await session.list_resource_templates()).resource_templates
        prompts = (await session.list_prompts()).prompts

    assert set(tools) == TOOLS
    modes = [m.value for m in Mode]
    assert tools["create_session"].input_schema["properties"]["mode"]["enum"] == modes
    assert tools["create_session"].input_schema["required"] == ["name"]
    assert tools["set_mode"].input_schema["properties"]["mode"]["enum"] == modes
    status = tools["list_sessions"].input_schema["properties"]["status"]
    assert {"type": "string", "enum": [s.value for s in Status]} in status["anyOf"]
    assert tools["fail_session"].input_schema["required"] == ["reason"]
    assert tools["list_sessions"].annotations is not None
    assert tools["list_sessions"].annotations.read_only_hint is True

    assert [str(r.uri) for r in resources] == [CURRENT]
    assert [t.uri_template for t in templates] == ["helix://session/{id}"]
    assert [p.name for p in prompts] == modes


async def test_create_start_read_pause_and_a_second_pause_is_a_tool_error(
    db_path: Path, project_dir: Path
) -> None:
    async with connect(db_path, project_dir) as session:
        empty = await read_json(session, CURRENT)
        assert empty["project"] == "api-server"
        assert empty["session"] is None

        created = await ok(
            session,
            "create_session",
            name="fix-memory-leak",
            mode="debugging",
            tags=["memory"],
            metadata={"sprint": "23"},
            context={"current_file": "pool.go", "current_line": "42"},
        )
        assert created["status"] == "idle"
        assert created["project"] == "api-server"  # the working directory's project

        started = await ok(session, "start_session")
        assert started["session"]["id"] == created["id"]
        assert started["session"]["status"] == "active"

        current = await read_json(session, CURRENT)
        sess = current["session"]
        assert (sess["name"], sess["mode"], sess["status"]) == (
            "fix-memory-leak",
            "debugging",
            "active",
        )
        assert sess["tags"] == ["memory"]
        assert sess["metadata"] == {"sprint": "23"}
        assert sess["context"]["current_file"] == "pool.go"
        assert set(sess["actions"]) == {"pause", "complete", "fail"}
        assert current["recentFiles"] == [{"file": "pool.go", "line": "42"}]
        assert "latest position" in current["recentFilesNote"]
        assert (await read_json(session, f"helix://session/{created['id']}"))["session"][
            "status"
        ] == "active"

        paused = await ok(session, "pause_session")
        assert paused["session"]["status"] == "paused"
        with SessionManager(db_path) as mgr:
            paused_at = mgr.get(created["id"]).last_paused_at

        again = await call(session, "pause_session")
        assert again.is_error
        sentence = "cannot pause 'fix-memory-leak': it is paused; pause needs an active session."
        assert text_of(again) == sentence
        assert again.structured_content == {
            "error": {"kind": "invalid_transition", "message": sentence}
        }

    with SessionManager(db_path) as mgr:  # the refusal wrote nothing
        after = mgr.get(created["id"])
        assert after.status is Status.PAUSED
        assert after.last_paused_at == paused_at


async def test_tools_follow_the_workspace_rules(db_path: Path, project_dir: Path) -> None:
    async with connect(db_path, project_dir) as session:
        first = await ok(session, "create_session", name="first", start=True)
        second = await ok(session, "create_session", name="second")
        switched = await ok(session, "start_session", session="second")
        assert [p["id"] for p in switched["paused"]] == [first["id"]]  # one active per project

        tagged = await ok(session, "add_tag", tag="auth")
        assert tagged["id"] == second["id"] and tagged["tags"] == ["auth"]
        moved = await ok(session, "set_context", key="branch", value="feature/auth")
        assert moved["context"] == {"branch": "feature/auth"}
        removed = await ok(session, "set_context", key="branch", value=None)
        assert removed["context"] == {}
        mode = await ok(session, "set_mode", mode="testing")
        assert mode["mode"] == "testing"

        no_reason = await call(session, "fail_session", reason=" ")
        assert no_reason.is_error
        assert "reason" in text_of(no_reason)
        failed = await ok(session, "fail_session", session="first", reason="wrong approach")
        assert failed["session"]["status"] == "failed"
        final = await call(session, "resume_session", session="first")
        assert final.is_error
        assert text_of(final).startswith("cannot resume 'first': it is failed;")
        missing = await call(session, "complete_session", session="nope")
        assert missing.is_error
        assert missing.structured_content is not None
        assert missing.structured_content["error"]["kind"] == "not_found"
        bad_mode = await call(session, "set_mode", mode="napping")
        assert bad_mode.is_error

        listed = await ok(session, "list_sessions", status="active")
        assert [s["name"] for s in listed["sessions"]] == ["second"]
        assert listed["total"] == 1
        stats = await ok(session, "session_stats")
        assert stats["total"] == 2


async def test_a_change_from_the_cli_reaches_the_resource_and_its_subscribers(
    db_path: Path, project_dir: Path
) -> None:
    updates = Updates()
    async with connect(db_path, project_dir, updates=updates) as session:
        created = await ok(session, "create_session", name="implement-auth", start=True)
        by_id = f"helix://session/{created['id']}"
        await session.subscribe_resource(CURRENT)
        await session.subscribe_resource(by_id)

        done = await anyio.to_thread.run_sync(lambda: cli(db_path, project_dir, "tag", "security"))
        assert done.returncode == 0, done.stderr

        await updates.wait_for(CURRENT)
        await updates.wait_for(by_id)
        assert (await read_json(session, CURRENT))["session"]["tags"] == ["security"]

        # a session started from the shell becomes the current one, and subscribers hear it
        updates.uris.clear()
        made = await anyio.to_thread.run_sync(
            lambda: cli(db_path, project_dir, "create", "hotfix", "--start", "--json")
        )
        assert made.returncode == 0, made.stderr
        await updates.wait_for(CURRENT)
        current = await read_json(session, CURRENT)
        assert current["session"]["id"] == json.loads(made.stdout)["id"]
        assert (await read_json(session, by_id))["session"]["status"] == "paused"


async def test_what_the_assistant_does_is_seen_at_once_from_the_shell(
    db_path: Path, project_dir: Path
) -> None:
    async with connect(db_path, project_dir) as session:
        await ok(session, "create_session", name="review-api", mode="refactoring", start=True)
        # turn by turn while the server runs: the shell writes, then the assistant
        done = await anyio.to_thread.run_sync(
            lambda: cli(db_path, project_dir, "tag", "from-shell")
        )
        assert done.returncode == 0, done.stderr
        await ok(session, "add_tag", tag="from-assistant")
        shown = await anyio.to_thread.run_sync(lambda: cli(db_path, project_dir, "show", "--json"))
        assert shown.returncode == 0, shown.stderr
        sess = json.loads(shown.stdout)
        assert (sess["name"], sess["status"]) == ("review-api", "active")
        assert sess["tags"] == ["from-shell", "from-assistant"]


async def test_a_change_made_by_a_tool_notifies_subscribers(
    db_path: Path, project_dir: Path
) -> None:
    updates = Updates()
    async with connect(db_path, project_dir, updates=updates) as session:
        await session.subscribe_resource(CURRENT)
        await ok(session, "create_session", name="plan-release", mode="planning")
        await updates.wait_for(CURRENT)
        assert (await read_json(session, CURRENT))["session"]["name"] == "plan-release"


async def test_a_listen_stream_hears_changes_from_the_cli(db_path: Path, project_dir: Path) -> None:
    # the 2026-07-28 revision: subscriptions/listen instead of resources/subscribe
    async with connect(db_path, project_dir, handshake=False) as session:
        await ok(session, "create_session", name="ship-it", mode="deployment", start=True)
        async with listen(session, resource_subscriptions=[CURRENT]) as stream:
            done = await anyio.to_thread.run_sync(
                lambda: cli(db_path, project_dir, "mode", "testing")
            )
            assert done.returncode == 0, done.stderr
            with anyio.fail_after(WAIT_SECONDS):
                event = await stream.__anext__()
        assert event == ResourceUpdated(uri=CURRENT)
        assert (await read_json(session, CURRENT))["session"]["mode"] == "testing"


async def test_each_mode_prompt_names_the_session_and_its_file(
    db_path: Path, project_dir: Path
) -> None:
    focus = {
        "planning": "breaking down requirements",
        "building": "implementation",
        "testing": "edge cases",
        "refactoring": "code smells",
        "debugging": "root cause",
        "deployment": "release notes",
    }
    async with connect(db_path, project_dir) as session:
        await ok(
            session,
            "create_session",
            name="fix-memory-leak",
            tags=["memory", "pool"],
            metadata={"sprint": "23"},
            context={"current_file": "internal/pool.go", "current_line": "42"},
            start=True,
        )
        texts = {}
        for mode in Mode:
            await ok(session, "set_mode", mode=mode.value)
            text = await prompt_text(session, mode.value)
            assert "fix-memory-leak" in text
            assert "internal/pool.go, line 42" in text
            assert "memory, pool" in text
            assert "sprint=23" in text
            assert f"The session is in {mode.value} mode." in text
            assert focus[mode.value] in text
            texts[mode.value] = text
        assert len(set(texts.values())) == len(Mode)

        # the same prompt changes when the session's mode does
        await ok(session, "set_mode", mode="building")
        testing_while_building = await prompt_text(session, "testing")
        assert testing_while_building != texts["testing"]
        assert "the session is in building mode, not testing" in testing_while_building


async def test_prompt_for_a_named_session_and_for_none(db_path: Path, project_dir: Path) -> None:
    async with connect(db_path, project_dir) as session:
        nothing = await prompt_text(session, "planning")
        assert "api-server has no current session" in nothing
        await ok(session, "create_session", name="other-work", project="elsewhere")
        named = await prompt_text(session, "planning", session="other-work")
        assert "other-work" in named
        with pytest.raises(MCPError, match="no session has the id or name 'ghost'"):
            await prompt_text(session, "planning", session="ghost")


async def test_project_option_and_unknown_session_resource(
    db_path: Path, project_dir: Path
) -> None:
    with SessionManager(db_path) as mgr:
        mgr.create("elsewhere-work", project="billing", start=True)
    async with connect(db_path, project_dir, "--project", "billing") as session:
        assert (await read_json(session, CURRENT))["session"]["name"] == "elsewhere-work"
        with pytest.raises(MCPError, match="no session has the id or name 'ghost'"):
            await read_json(session, "helix://session/ghost")


async def test_the_store_comes_from_the_environment_without_db(
    db_path: Path, project_dir: Path
) -> None:
    with SessionManager(db_path) as mgr:
        mgr.create("from-the-env", project="api-server")
    async with connect(db_path, project_dir, db_flag=False) as session:
        assert (await read_json(session, CURRENT))["session"]["name"] == "from-the-env"


def refused_start(cwd: Path, *args: str, python: tuple[str, ...] = ()) -> str:
    """Starts ``helix-lsp mcp`` (``python``: flags for the interpreter) where
    it must refuse: status 1, nothing on stdout, one line on stderr; returns that line."""
    done = subprocess.run(
        [sys.executable, *python, "-m", "helix_lsp", "mcp", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    return done.stderr


def test_without_the_extra_one_sentence_says_how_to_install_it(tmp_path: Path) -> None:
    # -S: no site-packages, so the mcp SDK is absent, as in a base install
    assert "pip install 'helix-lsp[mcp]'" in refused_start(tmp_path, python=("-S",))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--db", "{tmp}"], "is a directory, not a file"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_a_bad_start_is_one_line_and_status_1(tmp_path: Path, args: list[str], says: str) -> None:
    assert says in refused_start(tmp_path, *(a.format(tmp=tmp_path) for a in args))
