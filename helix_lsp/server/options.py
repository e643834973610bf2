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

log = logging.getLogger("helix_lsp.server")


@attrs.frozen
class Options:
    """The recognised ``initializationOptions`` (all optional).

    ``exclude`` holds the client's extra globs; the secret-file defaults in
    ``paths.DEFAULT_EXCLUDES`` always apply on top of them so that adding one
    pattern never re-enables recording of keys or ``.env`` files. Every glob
    ignores case and covers editors' backup copies (see ``paths.Excludes``).
    ``hide_file_names`` records keyed hashes of paths and branches instead.
    """

    db_path: str | None = None
    cursor_notifications: bool = False
    exclude: tuple[str, ...] = ()
    hide_file_names: bool = False
    auto_pause_minutes: float = 0.0
    project: str | None = None


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


def parse_options(raw: object) -> Options:
    """Build :class:`Options` from the client's ``initializationOptions``."""
    if raw is None:
        return Options()
    if hasattr(raw, "_asdict"):  # pygls may hand nested JSON over as namedtuples
        raw = raw._asdict()
    if not isinstance(raw, Mapping):
        log.warning("initializationOptions must be an object; ignoring %r", raw)
        return Options()
    known = {"dbPath", "cursorNotifications", "exclude", "hideFileNames",
             "autoPauseMinutes", "project"}
    for key in sorted(set(raw) - known):
        log.warning("unknown initializationOptions.%s ignored", key)

    db_path = _take(raw, "dbPath", (str,), "a string")
    cursor = _take(raw, "cursorNotifications", (bool,), "true or false")
    hide = _take(raw, "hideFileNames", (bool,), "true or false")
    minutes = _take(raw, "autoPauseMinutes", (int, float), "a number of minutes")
    project = _take(raw, "project", (str,), "a string")
    exclude_raw = _take(raw, "exclude", (list, tuple), "a list of globs")
    exclude: tuple[str, ...] = ()
    if exclude_raw is not None:
        exclude = tuple(g for g in exclude_raw if isinstance(g, str) and g)
        if len(exclude) != len(exclude_raw):
            log.warning("initializationOptions.exclude: ignoring entries that are not globs")
    if minutes is not None and minutes < 0:
        log.warning("initializationOptions.autoPauseMinutes must not be negative; using 0")
        minutes = None
    return Options(
        db_path=db_path or None,
        cursor_notifications=bool(cursor),
        exclude=exclude,
        hide_file_names=bool(hide),
        auto_pause_minutes=float(minutes or 0.0),
        project=project.strip() if project and project.strip() else None,
    )
