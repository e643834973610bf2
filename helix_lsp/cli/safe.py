"""Text that is safe to put on a terminal, whoever wrote it.

Session values come from many hands: a description typed in an editor, a
failure reason from a script, a file name recorded from a cloned repository.
Printed raw, an ESC or CSI (U+009B) sequence in one of them could move the
cursor, retitle the window or hide text, and a bidi override (U+202E) or a
zero-width character could make a line read differently from what it holds.
So every user-controlled value the command line prints passes through
:func:`clean`, which shows such characters as visible escapes instead:
``\\x1b`` for C0/C1 controls and DEL, ``<U+202E>`` for format, line and
paragraph separator characters. Everything else (accents, CJK, emoji) prints
as it is.

JSON output stays exact JSON: :func:`json_text` escapes the same characters
with JSON's own ``\\uXXXX``, which a JSON reader turns back into the original.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # the prompt's fast path imports this module: no typing at run time
    from typing import Any

#: Unicode categories that never belong on a terminal raw: controls (Cc),
#: format characters (Cf: bidi overrides and isolates, zero-width space and
#: joiners, the BOM, tag characters), line and paragraph separators,
#: surrogates. Every one of them is also not ``str.isprintable()``.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _hidden(ch: str) -> bool:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return True
    import unicodedata

    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _visible(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control, bidi and invisible character shown as an escape.

    ``multiline`` keeps newlines (for a description or failure reason shown
    on lines of its own); everywhere else a newline is shown as ``\\x0a``.
    """
    if text.isprintable():  # the common case, and no hidden character is printable
        return text
    return "".join(
        ch if ch.isprintable() or (multiline and ch == "\n") or not _hidden(ch) else _visible(ch)
        for ch in text
    )


def json_escape(text: str) -> str:
    """JSON text with hidden characters inside strings written as ``\\uXXXX``.

    Valid on any JSON document: outside strings JSON holds only printable
    ASCII and white space that this leaves alone (the characters escaped here
    can only occur inside strings, where ``\\uXXXX`` means the same thing).
    """
    if text.isascii() and "\x7f" not in text:  # json.dumps escaped the other ASCII controls
        return text
    import re

    return re.sub(
        r"[^\x20-\x7e\n\t\r]",
        lambda m: f"\\u{ord(m.group()):04x}" if _hidden(m.group()) else m.group(),
        text,
    )


def json_text(payload: Any) -> str:
    """``payload`` as indented JSON that reads back exactly and is safe to print."""
    import json

    return json_escape(json.dumps(payload, indent=2, ensure_ascii=False))
