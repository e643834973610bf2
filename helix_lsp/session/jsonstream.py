"""Reading a snapshot document piece by piece, in bounded memory.

A snapshot is one JSON object whose ``sessions`` array may hold 100,000
entries; ``json.load`` would hold all of them (and their Python objects) at
once. ``SnapshotReader`` walks the top-level object itself and hands each
top-level value, and each element of ``sessions``, to the standard decoder
(``JSONDecoder.raw_decode``) one at a time, keeping only a window of text.

Input that is not a snapshot's kind of JSON is refused in one sentence
(``InvalidArgumentError``): bytes that are not UTF-8, a document nested too
deeply for the decoder, NaN or Infinity (not JSON), an element larger than
any valid session, text after the document.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Callable
from typing import IO, Any, Final, NoReturn

from helix_lsp.session.errors import InvalidArgumentError

CHUNK: Final = 1 << 16
#: No valid session comes near this (metadata and context are bounded); it
#: keeps one malformed element from filling memory.
MAX_ELEMENT_CHARS: Final = 16 << 20

_WHITESPACE: Final = " \t\n\r"


def _refuse_constant(name: str) -> Any:
    raise InvalidArgumentError(
        f"the snapshot holds {name}, which is not JSON; nothing was imported."
    )


class SnapshotReader:
    """Walks ``{"key": value, ..., "sessions": [entry, ...], ...}`` from a stream.

    ``fp`` yields ``str`` or ``bytes`` (decoded as UTF-8, a BOM allowed).
    ``digest`` is the SHA-256 of the text read so far, so that two reads of
    one document can be told to be the same.
    """

    def __init__(self, fp: IO[Any], *, copy_to: IO[str] | None = None) -> None:
        self._fp = fp
        self._copy_to = copy_to
        self._decoder = json.JSONDecoder(parse_constant=_refuse_constant)
        self._utf8: codecs.IncrementalDecoder | None = None
        self._hash = hashlib.sha256()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in text already dropped from the window
        self._first = True
        #: top-level keys that came after ``sessions`` (their values were not
        #: known while the entries were read)
        self.keys_after_sessions: list[str] = []
        #: the top-level keys read so far, but ``sessions`` (True once seen)
        self.header: dict[str, Any] = {}

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    # -- the text window ---------------------------------------------------------

    def _read(self, size: int) -> bool:
        """Append up to ``size`` more characters; False at the end of the input."""
        if self._eof:
            return False
        try:
            raw = self._fp.read(size)
            if isinstance(raw, bytes):
                if self._utf8 is None:
                    self._utf8 = codecs.getincrementaldecoder("utf-8-sig")("strict")
                text = self._utf8.decode(raw, final=not raw)
            else:
                text = raw
        except UnicodeDecodeError:
            raise InvalidArgumentError(
                "the snapshot is not UTF-8 text, so it is not a helix-lsp snapshot; "
                "nothing was imported."
            ) from None
        if not raw:
            self._eof = True
            return False
        if self._first and text:
            text = text.removeprefix("\ufeff")  # a BOM from a text stream opened as utf-8
            self._first = False
        self._hash.update(text.encode("utf-8", "surrogatepass"))
        if self._copy_to is not None:
            self._copy_to.write(text)
        if self._pos > CHUNK:
            self._lines_before += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += text
        return True

    def _skip_space(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._read(CHUNK):
                return ""

    def _expect(self, chars: str, what: str) -> str:
        char = self._skip_space()
        if not char or char not in chars:
            self._fail(f"expected {what}")
        self._pos += 1
        return char

    def _line(self, pos: int | None = None) -> int:
        at = self._pos if pos is None else pos
        return self._lines_before + self._buf.count("\n", 0, at) + 1

    def _fail(self, what: str, pos: int | None = None) -> NoReturn:
        raise InvalidArgumentError(
            f"the snapshot is not JSON ({what} at line {self._line(pos)}); nothing was imported."
        )

    def _value(self) -> Any:
        """One complete JSON value at the current position."""
        self._skip_space()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as err:
                if self._eof or not self._cut_short(err):
                    self._fail(err.msg, err.pos)
                self._grow()
                continue
            except RecursionError:
                raise InvalidArgumentError(
                    "the snapshot nests its JSON too deeply to be a helix-lsp snapshot; "
                    "nothing was imported."
                ) from None
            if end == len(self._buf) and not self._eof:  # a number may go on
                self._grow()
                continue
            self._pos = end
            return value

    def _cut_short(self, err: json.JSONDecodeError) -> bool:
        """Whether the decoder failed only because the window ends mid-value."""
        return err.msg.startswith("Unterminated string") or err.pos >= len(self._buf) - 8

    def _grow(self) -> None:
        pending = len(self._buf) - self._pos
        if pending > MAX_ELEMENT_CHARS:
            raise InvalidArgumentError(
                f"the snapshot holds an element of more than {MAX_ELEMENT_CHARS >> 20} MB "
                f"near line {self._line()}, larger than any session; nothing was imported."
            )
        self._read(max(CHUNK, pending))  # doubling: a large element is parsed a few times

    # -- the document ------------------------------------------------------------

    def walk(self, on_entry: Callable[[Any], None]) -> dict[str, Any]:
        """Call ``on_entry`` with each element of ``sessions``; the other top-level keys.

        ``header`` fills in as the document is read (so ``on_entry`` sees the
        keys that came before ``sessions``); it ends with every top-level key
        but ``sessions``, and ``"sessions": True`` when that was an array.
        """
        header = self.header
        first = self._skip_space()
        if first != "{":
            what = "is empty" if not first else "must be an object"
            raise InvalidArgumentError(f"the snapshot {what}; nothing was imported.")
        self._pos += 1
        if self._skip_space() == "}":
            self._pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    self._fail("expected a key")
                self._expect(":", "':'")
                if key == "sessions" and self._skip_space() == "[":
                    self._pos += 1
                    header["sessions"] = True
                    self._array(on_entry)
                else:
                    header[key] = self._value()
                    if "sessions" in header:
                        self.keys_after_sessions.append(key)
                if self._expect(",}", "',' or '}'") == "}":
                    break
        if self._skip_space():
            self._fail("text after the document")
        return header

    def _array(self, on_entry: Callable[[Any], None]) -> None:
        if self._skip_space() == "]":
            self._pos += 1
            return
        while True:
            on_entry(self._value())
            if self._expect(",]", "',' or ']'") == "]":
                return
