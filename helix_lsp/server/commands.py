"""The ``helix.session.*`` workspace commands: parse, call the core, shape the reply.

Each command is one small function of (state, typed parameters). The table
``COMMANDS`` pairs it with its parameter class, so :func:`execute` checks the
arguments once (``params.parse_arguments``) for every command, whichever
path (pygls' or the protocol's short one) delivered it. Commands that
change the store then write pending cursor positions into the sessions that
were active when they were taken (a refused command writes nothing at all)
and schedule a status push.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import IO, Any

import attrs

from helix_lsp.server import params as p
from helix_lsp.server.state import ServerState
from helix_lsp.session import (
    InvalidArgumentError,
    NotFoundError,
    Session,
    SessionError,
    SessionManager,
    Transition,
)

__all__ = ["COMMANDS", "SessionError", "Streamed", "execute"]

PREFIX = "helix.session."


def _transition(st: ServerState, t: Transition) -> dict[str, Any]:
    st.tracker.forget_auto_pause(t.session.project_id)
    reply: dict[str, Any] = {"session": st.session_json(t.session)}
    if t.paused:
        reply["paused"] = [st.session_json(s) for s in t.paused]
    return reply


def create(st: ServerState, a: p.Create) -> Any:
    sess = st.mgr.create(
        a.name, a.mode, st.project_for(a.project), description=a.description,
        tags=a.tags or (), metadata=a.metadata, context=a.context, start=a.start,
    )
    return st.session_json(sess)


def start(st: ServerState, a: p.Target) -> Any:
    return _transition(st, st.mgr.start(a.session, project=st.project_for(a.project)))


def pause(st: ServerState, a: p.Target) -> Any:
    return _transition(st, st.mgr.pause(a.session, project=st.project_for(a.project)))


def resume(st: ServerState, a: p.Target) -> Any:
    return _transition(st, st.mgr.resume(a.session, project=st.project_for(a.project)))


def complete(st: ServerState, a: p.Target) -> Any:
    return _transition(st, st.mgr.complete(a.session, project=st.project_for(a.project)))


def fail(st: ServerState, a: p.Fail) -> Any:
    t = st.mgr.fail(a.session, a.reason, project=st.project_for(a.project))
    return {"session": _transition(st, t)["session"]}


def set_mode(st: ServerState, a: p.SetMode) -> Any:
    return st.session_json(st.mgr.set_mode(a.session, a.mode, project=st.project_for(a.project)))


def add_tag(st: ServerState, a: p.Tag) -> Any:
    return st.session_json(st.mgr.add_tag(a.session, a.tag, project=st.project_for(a.project)))


def remove_tag(st: ServerState, a: p.Tag) -> Any:
    sess = st.mgr.remove_tag(a.session, a.tag, project=st.project_for(a.project))
    return st.session_json(sess)


def set_metadata(st: ServerState, a: p.KeyValue) -> Any:
    sess = st.mgr.set_metadata(a.session, a.key, a.value, project=st.project_for(a.project))
    return st.session_json(sess)


def set_context(st: ServerState, a: p.KeyValue) -> Any:
    sess = st.mgr.set_context(a.session, a.key, a.value, project=st.project_for(a.project))
    return st.session_json(sess)


def get(st: ServerState, a: p.Target) -> Any:
    try:
        sess: Session = st.mgr.resolve(a.session, st.project_for(a.project))
    except NotFoundError:
        if a.session is not None:
            raise  # a named session that does not exist is an error, not null
        return None
    return st.session_json(sess)


def active(st: ServerState, a: p.Project) -> Any:
    sess = st.mgr.active(st.project_for(a.project))
    return None if sess is None else st.session_json(sess)


def list_(st: ServerState, a: p.ListQuery) -> Any:
    found = st.mgr.list(status=a.status, mode=a.mode, project=a.project, tag=a.tag,
                        query=a.query, limit=a.limit, offset=a.offset, owner=a.owner)
    return {"sessions": [st.session_json(s) for s in found], "total": found.total}


def stats(st: ServerState, a: p.StatsQuery) -> Any:
    return st.mgr.stats(a.project, owner=a.owner).to_json()


def delete(st: ServerState, a: p.Delete) -> Any:
    return {"deleted": st.mgr.delete(a.session)}


@attrs.frozen
class Streamed:
    """A result too large to build in memory.

    ``produce(fp)`` writes the result's JSON into the binary file ``fp``; it
    runs in a worker thread (with its own connection to the store) while the
    server goes on answering other messages.
    """

    produce: Callable[[IO[bytes]], None]


def export_store(path: str, fp: IO[bytes]) -> None:
    """The snapshot of every session in the store at ``path``, as JSON into ``fp``.

    Streamed by the core one session at a time, so memory stays that of one
    session whatever the store holds.
    """
    with SessionManager(path, create=False) as mgr:
        text = io.TextIOWrapper(fp, encoding="utf-8", write_through=True)
        try:
            mgr.export_to(text)
            text.flush()
        finally:
            text.detach()


def export(st: ServerState, a: p.Export) -> Any:
    if a.all and a.session is not None:
        raise InvalidArgumentError("helix.session.export takes either 'session' or 'all', not both.")
    if a.all:
        st.tracker.flush()  # the latest cursor positions are in the store it reads
        path = st.mgr.target
        return Streamed(lambda fp: export_store(path, fp))
    ref = a.session or st.mgr.resolve(None, st.project_for(a.project)).id
    snapshot = st.mgr.export(ref)
    sessions = snapshot.get("sessions")
    if isinstance(sessions, list):  # the latest cursor position, as get shows it
        snapshot["sessions"] = [st.tracker.overlay(s) for s in sessions]
    return snapshot


def import_(st: ServerState, a: p.Import) -> Any:
    return {"imported": st.mgr.import_(a.snapshot)}


def trim_history(st: ServerState, a: p.Trim) -> Any:
    return {"removed": st.mgr.trim_history(a.keep, a.project)}


def history(st: ServerState, a: p.Target) -> Any:
    return {"events": st.mgr.history(a.session, project=st.project_for(a.project))}


RENDERINGS = ("text", "html")


def report(st: ServerState, a: p.Report) -> Any:
    """The report of a range, built in a thread of its own (a large store takes a while).

    ``render`` adds the text report (``text``, ``width`` columns) or the
    self-contained HTML page (``html``, its scripts under ``nonce``).
    """
    if a.render is not None and a.render not in RENDERINGS:
        raise InvalidArgumentError("helix.session.report: 'render' must be \"text\" or \"html\".")
    if a.width is not None and not 20 <= a.width <= 1000:
        raise InvalidArgumentError("helix.session.report: 'width' must be 20 to 1000 columns.")
    from helix_lsp.report.period import resolve  # only when asked: start-up stays light
    from helix_lsp.session.model import now_ms

    resolve(since=a.since, from_=a.from_, to=a.to, tz=a.tz, now_ms=now_ms())  # refused: no write
    st.tracker.flush()  # the latest activity is in the store it reads
    path, owner = st.mgr.target, st.mgr.owner
    return Streamed(lambda fp: report_store(path, a, fp, owner))


def report_store(path: str, a: p.Report, fp: IO[bytes], owner: str | None = None) -> None:
    """``a``'s report of the store at ``path`` as JSON into ``fp``, as ``owner`` sees it."""
    from helix_lsp.report import build_report, render_html, render_text  # only when asked

    with SessionManager(path, create=False, owner=owner) as mgr:
        built = build_report(mgr, since=a.since, from_=a.from_, to=a.to, project=a.project,
                             tz=a.tz, owner=a.owner)
    result = built.to_json()
    if a.render == "text":
        result["text"] = render_text(built, a.width or 80, color=False)
    elif a.render == "html":
        result["html"] = render_html(built, nonce=a.nonce)
    fp.write(json.dumps(result, separators=(",", ":")).encode("utf-8"))


Handler = Callable[[ServerState, Any], Any]

#: name -> (parameter class, handler, changes the store)
COMMANDS: dict[str, tuple[type, Handler, bool]] = {
    PREFIX + "create": (p.Create, create, True),
    PREFIX + "start": (p.Target, start, True),
    PREFIX + "pause": (p.Target, pause, True),
    PREFIX + "resume": (p.Target, resume, True),
    PREFIX + "complete": (p.Target, complete, True),
    PREFIX + "fail": (p.Fail, fail, True),
    PREFIX + "setMode": (p.SetMode, set_mode, True),
    PREFIX + "addTag": (p.Tag, add_tag, True),
    PREFIX + "removeTag": (p.Tag, remove_tag, True),
    PREFIX + "setMetadata": (p.KeyValue, set_metadata, True),
    PREFIX + "setContext": (p.KeyValue, set_context, True),
    PREFIX + "get": (p.Target, get, False),
    PREFIX + "active": (p.Project, active, False),
    PREFIX + "list": (p.ListQuery, list_, False),
    PREFIX + "stats": (p.StatsQuery, stats, False),
    PREFIX + "delete": (p.Delete, delete, True),
    PREFIX + "export": (p.Export, export, False),
    PREFIX + "import": (p.Import, import_, True),
    PREFIX + "trimHistory": (p.Trim, trim_history, True),
    PREFIX + "history": (p.Target, history, False),
    PREFIX + "report": (p.Report, report, False),
}


def execute(st: ServerState, name: str, arguments: Sequence[Any] | None) -> Any:
    """Run one command; raises ``SessionError`` (incl. argument errors) when refused."""
    cls, handler, writes = COMMANDS[name]
    args: Any = p.parse_arguments(name, arguments, cls)
    if not writes:
        return handler(st, args)
    result = st.tracker.around(lambda: handler(st, args))
    st.status.changed()
    return result
