"""``export`` and ``import``: snapshots in and out of the store, streamed.

Without ``-o`` a snapshot goes to stdout, the place a shell user redirects
from (``> sessions.json``); nothing is ever written into the current folder
unasked. With ``-o FILE`` the snapshot is written to a new private file
(0600) beside FILE and renamed over it once complete: a crash leaves the old
FILE whole, and a symbolic link at FILE is replaced, never followed. The
store itself, a folder or a device is refused as a target.

Both directions stream through the core (``export_to`` / ``import_from``), so
memory stays bounded for any size of store, and show progress on stderr when
stderr is a terminal. An import is all or nothing: a file that is not UTF-8,
not JSON, nested too deeply or with one bad session writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar, cast

from helix_lsp.cli import output, render
from helix_lsp.cli.safe import clean, json_escape
from helix_lsp.session import InvalidArgumentError, SessionManager

T = TypeVar("T")


class SafeWriter(io.TextIOBase):
    """A text stream that escapes hidden characters in the JSON written through it.

    The snapshot stays byte-for-byte the JSON the core writes, except that
    control, bidi and zero-width characters inside strings become ``\\uXXXX``
    (the same value to any JSON reader), so ``export`` on a terminal or
    ``cat`` of the file cannot drive the terminal.
    """

    @classmethod
    def around(cls, target: IO[str]) -> IO[str]:
        return cast("IO[str]", cls(target))

    def __init__(self, target: IO[str]) -> None:
        super().__init__()
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._target.write(json_escape(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()


@contextlib.contextmanager
def _progress(doing: str) -> Iterator[output.Progress | None]:
    bar = output.Progress(doing) if output.Progress.wanted() else None
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _check_target(target: Path, store: str, shown: str) -> None:
    """Refuse a target that is a folder, a device or the store itself (``shown``: as typed)."""
    shown = clean(shown)
    try:
        here = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(here.st_mode):
        raise InvalidArgumentError(f"{shown} is a folder; give a file name to export to.")
    if not (stat.S_ISREG(here.st_mode) or stat.S_ISLNK(here.st_mode)):
        raise InvalidArgumentError(
            f"{shown} is not a regular file; leave out -o to write to stdout instead."
        )
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            if _same_file(here, os.stat(store + suffix)):
                raise InvalidArgumentError(
                    f"{shown} is the session store itself; export to another file."
                )


def write_private(target: str, store: str, write: Callable[[IO[str]], T]) -> T:
    """``write`` into a new 0600 file beside ``target``, then rename it over ``target``."""
    import tempfile

    path = Path(os.path.abspath(target))
    _check_target(path, store, target)
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as err:
        raise InvalidArgumentError(
            f"cannot write {clean(target)}: {err.strerror or err} in {clean(str(path.parent))}."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            result = write(fp)
            fp.flush()
            os.fsync(fp.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return result


def export(mgr: SessionManager, args: argparse.Namespace, ref: str | None) -> int:
    """``export [SESSION | --all] [-o FILE]``."""
    if args.all and ref is not None:
        raise InvalidArgumentError("give a SESSION or --all, not both.")
    session_id = None if args.all else mgr.resolve(ref, args.project).id
    with _progress("exporting") as bar:
        if args.output in (None, "-"):
            mgr.export_to(SafeWriter.around(sys.stdout), session_id, progress=bar)
            sys.stdout.flush()
            return 0
        written = write_private(
            args.output,
            mgr.path,
            lambda fp: mgr.export_to(SafeWriter.around(fp), session_id, progress=bar),
        )
    sys.stderr.write(f"exported {render.plural(written, 'session')} to {clean(args.output)}\n")
    return 0


def _describe_unreadable(name: str, err: BaseException) -> str:
    if isinstance(err, UnicodeDecodeError):
        return f"{name} is not UTF-8 text, so it is not a helix-lsp snapshot; nothing was imported."
    if isinstance(err, RecursionError):
        return f"{name} nests its JSON too deeply to be a helix-lsp snapshot; nothing was imported."
    import json

    if isinstance(err, json.JSONDecodeError):
        return f"{name} is not JSON ({err.msg} at line {err.lineno}); nothing was imported."
    return f"{name} cannot be read ({err}); nothing was imported."


def import_(mgr: SessionManager, args: argparse.Namespace) -> int:
    """``import FILE`` (``-`` for stdin)."""
    import json

    name = "stdin" if args.file == "-" else args.file
    try:
        with contextlib.ExitStack() as stack:
            if args.file == "-":
                fp: IO[str] = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig")
            else:
                fp = stack.enter_context(open(args.file, encoding="utf-8-sig"))
            bar = stack.enter_context(_progress("importing"))
            ids = mgr.import_from(fp, progress=bar)
    except (UnicodeDecodeError, RecursionError, json.JSONDecodeError) as err:
        raise InvalidArgumentError(_describe_unreadable(name, err)) from None
    except IsADirectoryError:
        raise InvalidArgumentError(f"{name} is a folder, not a snapshot file.") from None
    output.emit(args.json, f"imported {render.plural(len(ids), 'session')}", {"imported": ids})
    return 0


__all__ = ["SafeWriter", "export", "import_", "write_private"]
