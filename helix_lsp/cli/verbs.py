"""``helix-lsp session VERB``: the session core from a shell, one function per verb.

Every refusal is one line on stderr and exit status 1, with nothing written:
the core raises before it writes, and this module only prints. Verbs that
only read open the store with ``create=False``, so a mistyped ``--db`` is
reported as a store that does not exist instead of becoming a new empty one;
verbs that write create the store on first use.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from helix_lsp.cli import exchange, output, render
from helix_lsp.cli.safe import clean
from helix_lsp.session import (
    DEFAULT_IDLE_MINUTES,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    Session,
    SessionManager,
    Status,
    StorageError,
    Transition,
    default_db_path,
    default_project,
)
from helix_lsp.session.store import DB_ENV

IDLE_ENV = "HELIX_LSP_IDLE_MINUTES"

VerbFunction = Callable[[SessionManager, argparse.Namespace], int]


@dataclass(frozen=True)
class Verb:
    """A verb's implementation, and whether it may create the store (it writes)."""

    run: VerbFunction
    writes: bool


def run(args: argparse.Namespace) -> int:
    """Run one parsed session verb; the exit status."""
    if args.verb == "active" and args.format is not None:
        from helix_lsp.cli import oneline  # needs no open store when there is none

        owner = getattr(args, "owner", None)
        return oneline.print_line(
            args.format, args.db, args.project, current=args.current, owner=owner
        )
    verb = VERBS[args.verb]

    def run_verb() -> int:
        limit = idle_minutes(args)
        with _open(args, verb) as mgr:
            try:
                args.away_paused = _pause_away(mgr, limit)
                return verb.run(mgr, args)
            finally:
                _warn(mgr)

    return output.refusing(run_verb)


def _open(args: argparse.Namespace, verb: Verb) -> SessionManager:
    """The store; a read of the default store before it exists reads an empty one.

    A fresh install has no store yet, and ``list`` then has nothing to list:
    no error and nothing created. A path given with --db or HELIX_LSP_DB that
    does not exist is still refused (it is most likely mistyped).
    """
    default = args.db is None and not os.environ.get(DB_ENV)
    if default and not verb.writes and not default_db_path().exists():
        return SessionManager(":memory:", owner=getattr(args, "owner", None))
    return SessionManager(args.db, create=verb.writes, owner=getattr(args, "owner", None))


def idle_minutes(args: argparse.Namespace) -> float:
    """``--idle-minutes``, else ``$HELIX_LSP_IDLE_MINUTES``, else 15."""
    given = getattr(args, "idle_minutes", None)
    if given is None:
        text = os.environ.get(IDLE_ENV, "").strip()
        if not text:
            return DEFAULT_IDLE_MINUTES
        try:
            given = float(text)
        except ValueError:
            usage(f"{IDLE_ENV} must be a number of minutes, not {text!r}")
    if not given >= 0:  # also refuses NaN
        usage("--idle-minutes must be 0 (never) or a positive number of minutes")
    return float(given)


def _pause_away(mgr: SessionManager, limit: float) -> set[str]:
    """Sessions left active by a closed editor are paused as of their last activity;
    their ids."""
    try:
        paused = mgr.pause_away(limit) if limit else []
    except (StorageError, ConflictError):
        return set()  # a damaged or busy store: the verb itself says so if it writes
    for sess in paused:
        when = render.when(sess.away_since)
        output.warning(f"paused {render.one_line(sess)}: no activity since {when}")
    return {sess.id for sess in paused}


def _warn(mgr: SessionManager) -> None:
    """The store's warnings (e.g. a store others can read), each once, on stderr."""
    for message in dict.fromkeys(mgr.warnings):
        output.warning(message)


def _ref(args: argparse.Namespace) -> str | None:
    ref: str | None = getattr(args, "session_opt", None) or getattr(args, "session", None)
    return ref


def usage(message: str) -> NoReturn:
    raise InvalidArgumentError(message + ".")


def _again(args: argparse.Namespace, verb: str, *words: str) -> str:
    """The command line that runs ``verb`` on the same store and project."""
    parts = ["helix-lsp", "session", verb, *words]
    if args.project:
        parts += ["-p", args.project]
    if args.db:
        parts += ["--db", args.db]
    return clean(shlex.join(parts))


# -- create and the lifecycle --------------------------------------------------


def create(mgr: SessionManager, args: argparse.Namespace) -> int:
    sess = mgr.create(
        args.name,
        args.mode,
        args.project,
        description=args.description,
        tags=args.tags,
        metadata=dict(args.meta),
        context=dict(args.context),
        start=args.start,
    )
    output.emit(args.json, f"created {render.one_line(sess)}", sess.to_json())
    return 0


_PAST = {
    "start": "started",
    "pause": "paused",
    "resume": "resumed",
    "complete": "completed",
    "fail": "failed",
}


def _transition_payload(result: Transition) -> dict[str, Any]:
    payload: dict[str, Any] = {"session": result.session.to_json()}
    if result.paused:
        payload["paused"] = [p.to_json() for p in result.paused]
    return payload


def lifecycle(action: str, mgr: SessionManager, args: argparse.Namespace) -> int:
    """``start``, ``pause``, ``resume``, ``complete`` and ``fail --reason``."""
    ref, project = _ref(args), args.project
    if action == "pause" and getattr(args, "away_paused", None):
        sess = mgr.resolve(ref, project, action)
        if sess.id in args.away_paused:  # paused already, as of its last activity
            result = Transition(sess, [])
            text = f"paused {render.one_line(sess)}"
            output.emit(args.json, text, _transition_payload(result))
            return 0
    if action == "fail":
        result = mgr.fail(ref, args.reason, project=project)
    elif action == "resume" and getattr(args, "keep_away", False):
        result = mgr.resume(ref, project=project, keep_away=True)
    else:
        result = getattr(mgr, action)(ref, project=project)
    lines = [f"{_PAST[action]} {render.one_line(result.session)}"]
    lines += [f"paused {render.one_line(p)}" for p in result.paused]
    if result.session.status.is_final:
        lines.append(
            f"duration {render.span(result.session.duration)}, "
            f"active {render.span(result.session.active_duration)}"
        )
    output.emit(args.json, "\n".join(lines), _transition_payload(result))
    return 0


# -- changes to one session ------------------------------------------------------


def _tags_line(sess: Session) -> str:
    return f"tags of {clean(sess.name)}: {clean(', '.join(sess.tags)) or '(none)'}"


def tag(mgr: SessionManager, args: argparse.Namespace) -> int:
    """Add every tag, or (one of them refused) none."""
    sess = mgr.add_tags(_ref(args), args.tags, project=args.project)
    output.emit(args.json, _tags_line(sess), sess.to_json())
    return 0


def untag(mgr: SessionManager, args: argparse.Namespace) -> int:
    """Remove every tag; each one is checked before any is removed."""
    from helix_lsp.session import validation

    wanted = [validation.tag(t) for t in args.tags]
    sess = mgr.resolve(_ref(args), args.project)
    for name in wanted:
        sess = mgr.remove_tag(sess.id, name)
    output.emit(args.json, _tags_line(sess), sess.to_json())
    return 0


def entry(kind: str, mgr: SessionManager, args: argparse.Namespace) -> int:
    """``meta KEY VALUE`` / ``context KEY VALUE``, or ``KEY --unset``."""
    if args.value is None and not args.unset:
        usage(f"{kind} needs a VALUE, or --unset to remove {args.key!r}")
    if args.value is not None and args.unset:
        usage(f"give {kind} a VALUE or --unset, not both")
    setter = mgr.set_metadata if kind == "meta" else mgr.set_context
    key = args.key.strip()
    sess = mgr.resolve(_ref(args), args.project)
    label = f"{kind} of {clean(sess.name)}: {clean(key)}"
    if args.unset:
        held: Mapping[str, str] = sess.metadata if kind == "meta" else sess.context
        if key not in held:
            output.emit(args.json, f"{label} was not set; nothing changed", sess.to_json())
            return 0
        sess = setter(sess.id, key, None)
        output.emit(args.json, f"{label} removed", sess.to_json())
        return 0
    sess = setter(sess.id, args.key, args.value)
    output.emit(args.json, f"{label} = {clean(args.value)}", sess.to_json())
    return 0


def mode(mgr: SessionManager, args: argparse.Namespace) -> int:
    sess = mgr.set_mode(_ref(args), args.mode, project=args.project)
    output.emit(args.json, f"mode of {clean(sess.name)}: {sess.mode.value}", sess.to_json())
    return 0


def delete(mgr: SessionManager, args: argparse.Namespace) -> int:
    ref = _ref(args)
    if ref is None:
        usage("delete needs a SESSION (an id or a name)")
    deleted = mgr.delete(ref)
    output.emit(args.json, f"deleted {clean(deleted)}", {"deleted": deleted})
    return 0


def trim(mgr: SessionManager, args: argparse.Namespace) -> int:
    removed = mgr.trim_history(args.keep, args.project)
    text = f"removed {render.plural(removed, 'finished session')}"
    output.emit(args.json, text, {"removed": removed})
    return 0


# -- reading ---------------------------------------------------------------------


def show(mgr: SessionManager, args: argparse.Namespace) -> int:
    """One session; without SESSION the project's current one, idle included."""
    ref = _ref(args)
    if ref is None:
        project = args.project or default_project()
        sess = mgr.current(project)
        if sess is None:
            raise NotFoundError(
                f"project {project!r} has no session yet; create one with "
                f"{_again(args, 'create', 'NAME')}."
            )
    else:
        sess = mgr.resolve(ref, args.project)
    payload = sess.to_json()
    actions = render.actions_of(payload)
    text = render.details(sess, actions)
    if sess.status is Status.IDLE and "start" in actions:
        start = _again(args, "start") if ref is None else _again(args, "start", sess.id)
        text += f"\n\nnot started yet; start it with: {start}"
    output.emit(args.json, text, payload)
    return 0


def active(mgr: SessionManager, args: argparse.Namespace) -> int:
    """The project's active session (``--format`` prints one line: see ``oneline``)."""
    project = args.project or default_project()
    found = mgr.current(project) if args.current else mgr.active(project)
    if found is None:
        output.emit(args.json, "no active session", None)
        return 0
    payload = found.to_json()
    output.emit(args.json, render.details(found, render.actions_of(payload)), payload)
    return 0


def history(mgr: SessionManager, args: argparse.Namespace) -> int:
    from helix_lsp.cli import history as timeline

    return timeline.run(mgr, args, _ref(args))


def list_(mgr: SessionManager, args: argparse.Namespace) -> int:
    page = mgr.list(
        status=args.status,
        mode=args.mode,
        project=args.project,
        tag=args.tag,
        query=args.query,
        limit=args.limit,
        offset=args.offset,
        owner=args.owned_by,
    )
    text = render.session_table(page, page.total)
    if mgr.path == ":memory:" and not page:  # the default store is not there yet
        text = "no sessions yet"
    output.emit(
        args.json,
        text,
        {"sessions": [s.to_json() for s in page], "total": page.total},
    )
    return 0


def stats(mgr: SessionManager, args: argparse.Namespace) -> int:
    result = mgr.stats(args.project, owner=args.owned_by)
    output.emit(args.json, render.stats(result), result.to_json())
    return 0


def export(mgr: SessionManager, args: argparse.Namespace) -> int:
    return exchange.export(mgr, args, _ref(args))


def import_(mgr: SessionManager, args: argparse.Namespace) -> int:
    return exchange.import_(mgr, args)


VERBS: Mapping[str, Verb] = {
    "create": Verb(create, writes=True),
    **{
        action: Verb(functools.partial(lifecycle, action), writes=True)
        for action in ("start", "pause", "resume", "complete", "fail")
    },
    "tag": Verb(tag, writes=True),
    "untag": Verb(untag, writes=True),
    "meta": Verb(functools.partial(entry, "meta"), writes=True),
    "context": Verb(functools.partial(entry, "context"), writes=True),
    "mode": Verb(mode, writes=True),
    "delete": Verb(delete, writes=True),
    "trim": Verb(trim, writes=True),
    "import": Verb(import_, writes=True),
    "show": Verb(show, writes=False),
    "history": Verb(history, writes=False),
    "active": Verb(active, writes=False),
    "list": Verb(list_, writes=False),
    "stats": Verb(stats, writes=False),
    "export": Verb(export, writes=False),
}
