"""Checks and limits on every value a caller can put into a session.

Limits keep one client from growing the store without bound, and every check
raises ``InvalidArgumentError`` with a sentence naming the offending value, so
the CLI, the server and the library all refuse the same things the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from helix_lsp.session.errors import InvalidArgumentError

MAX_NAME: Final = 200
MAX_PROJECT: Final = 200
MAX_TAG: Final = 64
MAX_TAGS: Final = 64
MAX_KEY: Final = 128
MAX_VALUE: Final = 4096
MAX_KEYS: Final = 256
MAX_DESCRIPTION: Final = 4000
MAX_REASON: Final = 2000
MAX_ACTIVE_MS: Final = 3_155_760_000_000
"""A century of active time in ms: more than anyone works, and far inside 64-bit sums."""

#: What a name, tag, project or key may not hold: C0 and C1 controls (U+009B
#: starts a terminal escape on its own), bidi overrides and isolates (they make
#: a name read differently from what it is) and zero-width characters (two
#: names that look the same would differ).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


_NUL = re.compile("\x00")


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def text(value: object, what: str, limit: int, *, single_line: bool = True) -> str:
    """A required, non-blank string of at most ``limit`` characters.

    ``single_line`` text (names, tags, projects, keys) refuses every invisible
    or control character; free text (descriptions, reasons) only NUL, since
    the CLI neutralises the rest when it prints.
    """
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be a string, not {type(value).__name__}.")
    stripped = value.strip()
    if not stripped:
        raise InvalidArgumentError(f"{what} must not be empty.")
    if len(stripped) > limit:
        raise InvalidArgumentError(f"{what} is longer than {limit} characters.")
    bad = _INVISIBLE.search(stripped) if single_line else _NUL.search(stripped)
    if bad:
        raise InvalidArgumentError(
            f"{what} {_short(stripped)!r} contains an invisible or control character "
            f"(U+{ord(bad.group()):04X}); use visible characters only."
        )
    return stripped


def optional_text(value: object, what: str, limit: int) -> str | None:
    """Free text that may be absent (``None`` or blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return text(value, what, limit, single_line=False)


def name(value: object) -> str:
    return text(value, "the session name", MAX_NAME)


def project(value: object) -> str:
    return text(value, "the project", MAX_PROJECT)


def tag(value: object) -> str:
    result = text(value, "the tag", MAX_TAG)
    if any(ch.isspace() for ch in result):
        raise InvalidArgumentError(f"the tag {result!r} contains white space; use - or _ instead.")
    return result


def tags(values: Iterable[object]) -> list[str]:
    """Unique tags in first-seen order."""
    if isinstance(values, (str, bytes)):
        values = [values]
    result: list[str] = []
    for value in values:
        checked = tag(value)
        if checked not in result:
            result.append(checked)
    if len(result) > MAX_TAGS:
        raise InvalidArgumentError(f"a session holds at most {MAX_TAGS} tags.")
    return result


def key(value: object, what: str) -> str:
    return text(value, f"the {what} key", MAX_KEY)


def value(raw: object, what: str) -> str:
    """A metadata/context value: any string up to the limit, no NUL bytes."""
    if not isinstance(raw, str):
        raise InvalidArgumentError(f"the {what} value must be a string, not {type(raw).__name__}.")
    if len(raw) > MAX_VALUE:
        raise InvalidArgumentError(f"the {what} value is longer than {MAX_VALUE} characters.")
    if "\x00" in raw:
        raise InvalidArgumentError(f"the {what} value contains a NUL character.")
    return raw


def mapping(
    raw: Mapping[str, object] | Mapping[object, object] | None, what: str
) -> dict[str, str]:
    """A whole str -> str map (metadata or context), checked entry by entry."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidArgumentError(f"the {what} must be an object of strings.")
    result = {key(k, what): value(v, what) for k, v in raw.items()}
    if len(result) > MAX_KEYS:
        raise InvalidArgumentError(f"a session holds at most {MAX_KEYS} {what} keys.")
    return result


def merge(
    current: Mapping[str, str], updates: Mapping[str, str | None], what: str
) -> dict[str, str]:
    """``current`` with ``updates`` applied (``None`` removes a key), within the limits."""
    result = dict(current)
    for k, v in updates.items():
        checked = key(k, what)
        if v is None:
            result.pop(checked, None)
        else:
            result[checked] = value(v, what)
    if len(result) > MAX_KEYS:
        raise InvalidArgumentError(f"a session holds at most {MAX_KEYS} {what} keys.")
    return result


def count(raw: object, what: str, *, minimum: int = 0, maximum: int = 1_000_000) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidArgumentError(f"{what} must be a whole number.")
    if not minimum <= raw <= maximum:
        raise InvalidArgumentError(f"{what} must be between {minimum} and {maximum}.")
    return raw
