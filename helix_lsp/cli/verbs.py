"""``helix-lsp session VERB``: the session core from a shell.

Every refusal is one line on stderr and exit status 1, with nothing written:
the core raises before it writes, and this module only prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from helix_lsp.cli import render
from helix_lsp.session import Session, SessionError, SessionManager, Transition, default_project


def run(args: argparse.Namespace) -> int:
    """Run one parsed session verb; the exit status."""
    try:
        with SessionManager(args.db) as mgr:
            return _session(mgr, args)
    except SessionError as err:
        sys.stderr.write(f"helix-lsp: {err}\n")
        return 1
    except OSError as err:
        sys.stderr.write(
            f"helix-lsp: {err.strerror or err}: {err.filename or ''}\n".replace(": \n", "\n")
        )
        return 1


def _print(args: argparse.Namespace, text: str, payload: Any) -> None:
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(text)


def _transition_payload(result: Transition) -> dict[str, Any]:
    payload: dict[str, Any] = {"session": result.session.to_json()}
    if result.paused:
        payload["paused"] = [p.to_json() for p in result.paused]
    return payload


def _session(mgr: SessionManager, args: argparse.Namespace) -> int:
    verb = args.verb
    ref = getattr(args, "session_opt", None) or getattr(args, "session", None)
    project = args.project
    if verb == "create":
        sess = mgr.create(
            args.name,
            args.mode,
            project,
            description=args.description,
            tags=args.tags,
            metadata=dict(args.meta),
            context=dict(args.context),
            start=args.start,
        )
        _print(args, f"created {render.one_line(sess)}", sess.to_json())
    elif verb in ("start", "pause", "resume", "complete", "fail"):
        action = getattr(mgr, verb)
        result = (
            action(ref, args.reason, project=project)
            if verb == "fail"
            else action(ref, project=project)
        )
        past = {
            "start": "started",
            "pause": "paused",
            "resume": "resumed",
            "complete": "completed",
            "fail": "failed",
        }[verb]
        lines = [f"{past} {render.one_line(result.session)}"]
        lines += [f"paused {render.one_line(p)}" for p in result.paused]
        if verb in ("complete", "fail"):
            lines.append(
                f"duration {render.span(result.session.duration)}, "
                f"active {render.span(result.session.active_duration)}"
            )
        _print(args, "\n".join(lines), _transition_payload(result))
    elif verb in ("tag", "untag"):
        change = mgr.add_tag if verb == "tag" else mgr.remove_tag
        sess = mgr.resolve(ref, project)
        for tag in args.tags:
            sess = change(sess.id, tag)
        _print(args, f"tags of {sess.name}: {', '.join(sess.tags) or '(none)'}", sess.to_json())
    elif verb in ("meta", "context"):
        if args.value is None and not args.unset:
            raise_usage(f"{verb} needs a VALUE, or --unset to remove {args.key!r}")
        setter = mgr.set_metadata if verb == "meta" else mgr.set_context
        sess = setter(ref, args.key, None if args.unset else args.value, project=project)
        _print(
            args,
            f"{verb} of {sess.name}: {args.key} = {args.value if not args.unset else '(removed)'}",
            sess.to_json(),
        )
    elif verb == "mode":
        sess = mgr.set_mode(ref, args.mode, project=project)
        _print(args, f"mode of {sess.name}: {sess.mode.value}", sess.to_json())
    elif verb == "show":
        sess = mgr.resolve(ref, project)
        _print(args, render.details(sess), sess.to_json())
    elif verb == "active":
        found = mgr.active(project or default_project())
        text = "no active session" if found is None else render.details(found)
        _print(args, text, None if found is None else found.to_json())
    elif verb == "list":
        page = mgr.list(
            status=args.status,
            mode=args.mode,
            project=project,
            tag=args.tag,
            query=args.query,
            limit=args.limit,
            offset=args.offset,
        )
        _print(
            args,
            render.session_table(page, page.total),
            {"sessions": [s.to_json() for s in page], "total": page.total},
        )
    elif verb == "stats":
        result = mgr.stats(project)
        _print(args, render.stats(result), result.to_json())
    elif verb == "delete":
        if ref is None:
            raise_usage("delete needs a SESSION (an id or a name)")
        deleted = mgr.delete(str(ref))
        _print(args, f"deleted {deleted}", {"deleted": deleted})
    elif verb == "trim":
        removed = mgr.trim_history(args.keep, project)
        _print(args, f"removed {removed} finished sessions", {"removed": removed})
    elif verb == "export":
        snapshot = mgr.export(None if args.all else _target(mgr, ref, project).id)
        text = json.dumps(snapshot, indent=2, ensure_ascii=False)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
            print(
                f"exported {len(snapshot['sessions'])} sessions to {args.output}", file=sys.stderr
            )
        else:
            print(text)
    elif verb == "import":
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        try:
            snapshot = json.loads(raw)
        except json.JSONDecodeError as err:
            raise_usage(f"{args.file} is not JSON ({err.msg} at line {err.lineno})")
        ids = mgr.import_(snapshot)
        _print(args, f"imported {len(ids)} sessions", {"imported": ids})
    return 0


def _target(mgr: SessionManager, ref: str | None, project: str | None) -> Session:
    return mgr.resolve(ref, project)


def raise_usage(message: str) -> NoReturn:
    from helix_lsp.session import InvalidArgumentError

    raise InvalidArgumentError(message + ".")
