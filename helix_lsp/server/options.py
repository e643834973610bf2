"""Initialization options sent by the client in ``initialize``.

Editors pass ``initializationOptions`` as free-form JSON, and a typo there must
never stop the server from starting: an option of the wrong type is ignored
(with a warning in the log) and its default is used instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import attrs

from helix_lsp.session.activity import DEFAULT_IDLE_MINUTES

log = logging.getLogger("helix_lsp.server")

IDLE_RESUME = ("ask", "never")


@attrs.frozen
class Options:
    """The recognised ``initializationOptions`` (all optional).

    ``exclude`` holds the client's extra globs; the secret-file defaults in
    ``paths.DEFAULT_EXCLUDES`` always apply on top of them so that adding one
    pattern never re-enables recording of keys or ``.env`` files. Every glob
    ignores case and covers editors' backup copies (see ``paths.Excludes``).
    ``hide_file_names`` records keyed hashes of paths and branches instead.
    ``idle_minutes`` (0: never) pauses a session with no activity for that
    long as of its last activity; ``idle_resume`` says whether a session
    found away at start-up is offered for resuming (``"ask"``) or not
    (``"never"``). ``owner`` is who the sessions this editor creates belong
    to (see ``helix_lsp.session.owner`` for the default).
    """

    db_path: str | None = None
    cursor_notifications: bool = False
    exclude: tuple[str, ...] = ()
    hide_file_names: bool = False
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    idle_resume: str = "ask"
    project: str | None = None
    owner: str | None = None


def _take(raw: Mapping[str, Any], key: str, kinds: tuple[type, ...], what: str) -> Any:
    """Return ``raw[key]`` when it has one of ``kinds``, else None (warning if present)."""
    if key not in raw or raw[key] is None:
        return None
    value = raw[key]
    if isinstance(value, bool) and bool not in kinds:
        value = None
    if value is None or not isinstance(value, kinds):
        log.warning("initializationOptions.%s must be %s; ignoring %r", key, what, raw[key])
        return None
    return value


def _idle_minutes(raw: Mapping[str, Any]) -> float:
    """``idleMinutes``, else its older name ``autoPauseMinutes``, else the default."""
    for key in ("idleMinutes", "autoPauseMinutes"):
        minutes = _take(raw, key, (int, float), "a number of minutes")
        if minutes is None:
            continue
        if minutes < 0 or minutes != minutes or minutes == float("inf"):
            log.warning("initializationOptions.%s must be 0 or more minutes; ignoring it", key)
            continue
        return float(minutes)
    return DEFAULT_IDLE_MINUTES


def _owner(raw: Mapping[str, Any]) -> str | None:
    """``owner``, checked by the core's rules; a bad one is ignored (with a warning)."""
    value = _take(raw, "owner", (str,), "a string")
    if value is None or not value.strip():
        return None
    from helix_lsp.session.errors import InvalidArgumentError
    from helix_lsp.session.owner import normalise

    try:
        return normalise(value)
    except InvalidArgumentError as err:
        log.warning("initializationOptions.owner ignored: %s", err)
        return None


def parse_options(raw: object) -> Options:
    """Build :class:`Options` from the client's ``initializationOptions``."""
    if raw is None:
        return Options()
    if not isinstance(raw, Mapping):
        log.warning("initializationOptions must be an object; ignoring %r", raw)
        return Options()
    known = {"dbPath", "cursorNotifications", "exclude", "hideFileNames",
             "idleMinutes", "autoPauseMinutes", "idleResume", "project", "owner"}
    for key in sorted(set(raw) - known):
        log.warning("unknown initializationOptions.%s ignored", key)

    db_path = _take(raw, "dbPath", (str,), "a string")
    cursor = _take(raw, "cursorNotifications", (bool,), "true or false")
    hide = _take(raw, "hideFileNames", (bool,), "true or false")
    minutes = _idle_minutes(raw)
    resume = _take(raw, "idleResume", (str,), '"ask" or "never"')
    if resume is not None and resume not in IDLE_RESUME:
        log.warning('initializationOptions.idleResume must be "ask" or "never"; using "ask"')
        resume = None
    project = _take(raw, "project", (str,), "a string")
    owner = _owner(raw)
    exclude_raw = _take(raw, "exclude", (list, tuple), "a list of globs")
    exclude: tuple[str, ...] = ()
    if exclude_raw is not None:
        exclude = tuple(g for g in exclude_raw if isinstance(g, str) and g)
        if len(exclude) != len(exclude_raw):
            log.warning("initializationOptions.exclude: ignoring entries that are not globs")
    return Options(
        db_path=db_path or None,
        cursor_notifications=bool(cursor),
        exclude=exclude,
        hide_file_names=bool(hide),
        idle_minutes=minutes,
        idle_resume=resume or "ask",
        project=project.strip() if project and project.strip() else None,
        owner=owner,
    )
