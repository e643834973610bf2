"""Time you can trust, end to end: the editor closed without pausing, and idle time.

A server (and its editor) goes away while a session is active, either with
a clean shutdown/exit or killed; a new server started after ``idleMinutes``
finds the session paused *as of its last activity*, keeps its place against
whatever the editor restores, and offers it back once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import Editor, eventually, start_editor, stop_editor, uri
from lsprotocol import types as lsp

IDLE = 0.05  # minutes: 3 s
NAME = "fix-login"


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class Offers:
    """Answers ``window/showMessageRequest`` with the title the test picks."""

    def __init__(self) -> None:
        self.asked: list[lsp.ShowMessageRequestParams] = []
        self.answer: asyncio.Future[str | None] | None = None

    def features(self) -> dict[str, Callable[..., Any]]:
        async def ask(ls: Any, params: lsp.ShowMessageRequestParams) -> Any:
            self.asked.append(params)
            self.answer = asyncio.get_running_loop().create_future()
            title = await self.answer
            return None if title is None else lsp.MessageActionItem(title)

        return {lsp.WINDOW_SHOW_MESSAGE_REQUEST: ask}

    def choose(self, prefix: str) -> None:
        assert self.answer is not None and self.asked
        titles = [a.title for a in self.asked[0].actions or []]
        self.answer.set_result(next(t for t in titles if t.startswith(prefix)))

    async def offered(self) -> lsp.ShowMessageRequestParams:
        """The offer, once the server has asked it."""
        await eventually(lambda: self.asked, what="the offer")
        return self.asked[0]

    async def accept(self, prefix: str) -> None:
        """Wait for the offer and pick the action whose title starts with ``prefix``."""
        await self.offered()
        self.choose(prefix)


@pytest.fixture
def files(project: Path) -> tuple[Path, Path]:
    a, b = project / "a.py", project / "b.py"
    a.write_text("x = 1\n" * 40)
    b.write_text("y = 2\n" * 40)
    return a, b


def options(**extra: Any) -> dict[str, Any]:
    return {"idleMinutes": IDLE, "cursorNotifications": True, **extra}


async def work_and_leave(db: Path, project: Path, a: Path, how: str) -> float:
    """Start a session, work at a.py:15, then leave (``exit`` or ``kill``); when."""
    ed = await start_editor(db, [project], options=options())
    await ed.command("create", name=NAME, start=True)
    last = time.time()
    ed.cursor(a, 14, 4)
    await eventually(lambda: _stored_line(db) == "15", what="the position on disk")
    if how == "exit":
        await stop_editor(ed)
    else:
        pid = server_pid(db)
        os.kill(pid, signal.SIGKILL)  # like `kill -9`: no shutdown, no flush
        await eventually(lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid),
                         what="the killed server gone")
        await asyncio.wait_for(ed.client.stop(), 10)
    return last


def server_pid(db: Path) -> int:
    """The pid of the server process serving the store ``db`` (its ``--db`` argument)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"helix_lsp" in argv and str(db).encode() in argv:
            found.append(int(entry.name))
    assert len(found) == 1, found
    return found[0]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True


def _stored_line(db: Path) -> str | None:
    from helix_lsp.session import SessionManager

    with SessionManager(str(db)) as mgr:
        return mgr.get(NAME).context.get("current_line")


@contextlib.asynccontextmanager
async def running(
    db: Path,
    project: Path,
    offers: Offers | None = None,
    capabilities: lsp.ClientCapabilities | None = None,
    **extra: Any,
) -> AsyncIterator[Editor]:
    """A server on ``project`` with the idle options (``offers`` answering its
    questions), stopped at the end whatever the test found."""
    ed = await start_editor(db, [project], options=options(**extra),
                            features=offers.features() if offers else None,
                            capabilities=capabilities)
    try:
        yield ed
    finally:
        await stop_editor(ed)


@contextlib.asynccontextmanager
async def come_back(
    db: Path,
    project: Path,
    b: Path,
    capabilities: lsp.ClientCapabilities | None = None,
    **extra: Any,
) -> AsyncIterator[tuple[Editor, Offers]]:
    """Wait past the limit, start a new server and let the editor restore b.py;
    the editor and what it is offered."""
    await asyncio.sleep(IDLE * 60 + 1)
    offers = Offers()
    async with running(db, project, offers, capabilities, **extra) as ed:
        ed.open(b)
        ed.cursor(b, 2, 0)  # the editor restores a position in b.py
        yield ed, offers


async def settled(ed: Editor) -> dict[str, Any]:
    """The session once the server has had time to write any pending position."""
    await asyncio.sleep(1.5)
    session: dict[str, Any] = await ed.get(session=NAME)
    return session


async def told(ed: Editor, words: str) -> str:
    """The first message shown to the user that contains ``words``, once there is one."""
    said = await eventually(lambda: [m for m in ed.client.messages if words in str(m)],
                            what=f"a message saying {words!r}")
    return str(said[0])


def assert_paused_as_of(session: dict[str, Any], last: float) -> None:
    assert session["status"] == "paused"
    assert abs(seconds(session["lastPausedAt"]) - last) <= 1.5
    assert session["awaySince"] == session["lastPausedAt"]
    worked = seconds(session["lastPausedAt"]) - seconds(session["startedAt"])
    assert session["activeSeconds"] <= worked + 0.5  # the time away is not counted
    assert (session["context"]["current_file"], session["context"]["current_line"]) == (
        "a.py", "15")


@pytest.mark.parametrize("how", ["exit", "kill"])
async def test_closed_editor_is_paused_as_of_its_last_activity_and_offered_back(
    db: Path, project: Path, files: tuple[Path, Path], how: str
) -> None:
    a, b = files
    last = await work_and_leave(db, project, a, how)
    async with come_back(db, project, b) as (ed, offers):
        asked = await offers.offered()
        assert asked.message.startswith(f"'{NAME}' was paused at ")
        assert "after 3 seconds without activity" in asked.message
        assert [x.title for x in asked.actions or []] == [
            "Resume at a.py:15", "Count the away time", "Leave paused"]
        session = await settled(ed)  # b.py's position did not resume it or move it
        assert_paused_as_of(session, last)

        offers.choose("Resume at")
        await eventually(lambda: ed.client.shown_documents, what="window/showDocument")
        shown = ed.client.shown_documents[0]
        assert shown.uri == uri(a) and shown.take_focus
        assert shown.selection is not None and shown.selection.start.line == 14
        session = await ed.get(session=NAME)
        assert session["status"] == "active"
        assert session["context"]["current_line"] == "15"
        events = (await ed.command("history", session=NAME))["events"]
        assert [(e["kind"], e["by"]) for e in events[-2:]] == [("paused", "idle"),
                                                                ("resumed", "user")]
        assert len(offers.asked) == 1


async def test_counting_the_away_time_makes_it_active(
    db: Path, project: Path, files: tuple[Path, Path]
) -> None:
    a, b = files
    last = await work_and_leave(db, project, a, "kill")
    async with come_back(db, project, b) as (ed, offers):
        await offers.accept("Count the away time")
        session = await ed.status_where(
            lambda s: (s.get("current") or {}).get("status") == "active")
        session = await ed.get(session=NAME)
        assert session["activeSeconds"] >= time.time() - seconds(session["startedAt"]) - 1.5
        assert session["activeSeconds"] > IDLE * 60 + 1  # the gap counts after all
        assert abs(seconds(session["lastPausedAt"]) - last) <= 1.5
        assert not ed.client.shown_documents


async def test_a_deleted_file_is_said_and_the_place_kept(
    db: Path, project: Path, files: tuple[Path, Path]
) -> None:
    a, b = files
    await work_and_leave(db, project, a, "exit")
    a.unlink()
    async with come_back(db, project, b) as (ed, offers):
        await offers.accept("Resume at")
        assert "a.py" in await told(ed, "no longer exists")
        session = await ed.get(session=NAME)
        assert session["status"] == "active"
        assert (session["context"]["current_file"], session["context"]["current_line"]) == (
            "a.py", "15")
        assert not ed.client.shown_documents


async def test_a_client_that_cannot_open_documents_is_told_the_place(
    db: Path, project: Path, files: tuple[Path, Path]
) -> None:
    """Neovim 0.7 and eglot 1.9 do not declare window/showDocument: no request they
    would refuse, a sentence with the place instead."""
    a, b = files
    await work_and_leave(db, project, a, "exit")
    async with come_back(db, project, b, capabilities=lsp.ClientCapabilities()) as (ed, offers):
        await offers.accept("Resume at")
        assert "a.py:15" in await told(ed, "you left it at")
        session = await ed.get(session=NAME)
        assert session["status"] == "active"
        assert not ed.client.shown_documents


async def test_leave_paused_and_idle_resume_never(
    db: Path, project: Path, files: tuple[Path, Path]
) -> None:
    a, b = files
    last = await work_and_leave(db, project, a, "exit")
    async with come_back(db, project, b, idleResume="never") as (ed, offers):
        session = await settled(ed)
        assert_paused_as_of(session, last)  # paused all the same, and nothing asked
        assert offers.asked == []
    offers = Offers()
    async with running(db, project, offers) as ed:
        await offers.accept("Leave paused")
        session = await settled(ed)
        assert session["status"] == "paused" and session["awaySince"] is not None
    async with running(db, project) as ed:  # cannot answer requests
        assert f"'{NAME}'" in await told(ed, "was paused at")  # the offer as a message


async def test_the_running_server_pauses_as_of_the_last_activity_and_resumes_on_the_next(
    db: Path, project: Path, files: tuple[Path, Path]
) -> None:
    a, b = files
    async with running(db, project) as ed:
        await ed.command("create", name=NAME, start=True)
        last = time.time()
        ed.cursor(a, 14, 0)
        status = await ed.status_where(
            lambda s: (s.get("current") or {}).get("awaySince") is not None, timeout=20)
        assert abs(seconds(status["current"]["lastPausedAt"]) - last) <= 1.5

        ed.cursor(b, 4, 0)  # back at the keyboard: resumed, by idle
        await ed.status_where(lambda s: s["active"] is not None and s["active"]["name"] == NAME
                              and s["active"]["context"].get("current_file") == "b.py")
        events = (await ed.command("history"))["events"]
        assert [(e["kind"], e["by"]) for e in events[-2:]] == [("paused", "idle"),
                                                                ("resumed", "idle")]

        await ed.command("pause")  # by hand: never undone by activity
        await asyncio.sleep(IDLE * 60 + 1.5)
        ed.cursor(a, 1, 0)
        session = await settled(ed)
        assert session["status"] == "paused" and session["awaySince"] is None


async def test_history_and_report_commands(editor: Editor, project: Path) -> None:
    await editor.command("create", name="reporting", start=True)
    editor.cursor(project / "src" / "app.py", 3, 0)
    await asyncio.sleep(1.2)
    editor.cursor(project / "src" / "other.py", 1, 0)  # the time since goes to app.py
    await editor.command("setMode", mode="testing")
    await editor.command("pause")
    events = (await editor.command("history", session="reporting"))["events"]
    assert [e["kind"] for e in events] == ["created", "started", "modeChanged", "paused"]

    report = await editor.command("report", since="1d")
    assert [s["name"] for s in report["sessions"]] == ["reporting"]
    assert "text" not in report and "html" not in report
    files = {f["file"]: f["seconds"] for f in report["files"]}
    assert files.get("src/app.py", 0) >= 1.0
    text = await editor.command("report", since="1d", render="text", width=60)
    wide = await editor.command("report", since="1d", render="text", width=120)
    assert "reporting" in text["text"] and "Per day" in text["text"]
    assert max(map(len, wide["text"].splitlines())) > max(map(len, text["text"].splitlines()))
    html = await editor.command("report", since="1d", render="html", nonce="abc123")
    assert html["html"].lstrip().lower().startswith("<!doctype html")
    assert 'nonce="abc123"' in html["html"]

    err = await editor.refused("report", since="soon")
    assert err.data["kind"] == "invalid_argument" and err.message.endswith(".")
    err = await editor.refused("report", render="pdf")
    assert err.data["kind"] == "invalid_argument"
    caps = editor.init_result.capabilities if editor.init_result else None
    assert caps is not None and caps.execute_command_provider is not None
    assert {"helix.session.history", "helix.session.report"} <= set(
        caps.execute_command_provider.commands)
