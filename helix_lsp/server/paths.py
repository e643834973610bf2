"""Pure helpers of cursor capture: folders, paths, exclude globs, git branch.

Nothing here talks to the client or the store, so each piece can be tested on
its own. A position in a document becomes a :class:`Location`: the workspace
folder that holds the file decides the project (multi-root workspaces), and
the recorded path is relative to that folder (absolute outside every folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs
from pygls.uris import to_fs_path

#: Files that are never recorded, whatever the client configures: environment
#: files, private keys, certificates and key stores, credential files.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".env", ".env.*", "*.env", ".envrc",
    "*.pem", "*.key", "*.p12", "*.pfx", "*.crt", "*.cer", "*.der", "*.csr",
    "*.jks", "*.keystore", "*.kdbx", "*.gpg", "*.pgp", "*.age",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.ppk",
    ".netrc", ".pgpass", ".npmrc", ".pypirc", ".git-credentials",
    "**/.ssh/**", "**/.gnupg/**", "**/.aws/credentials", "**/.docker/config.json",
    "secrets.yaml", "secrets.yml", "secrets.json", "credentials.json",
)


@attrs.frozen
class Folder:
    """A workspace folder and the project its sessions belong to."""

    path: str  # absolute, normalised, no trailing separator
    name: str
    project: str


@attrs.frozen
class Location:
    """Where a document lives: its folder (if any), project and recorded path."""

    path: str  # absolute file path
    folder: Folder | None
    project: str
    relative: str  # relative to the folder with '/' separators, else absolute


def uri_to_path(uri: str) -> str | None:
    """The absolute, normalised file path of a ``file:`` URI (None for others)."""
    path = to_fs_path(uri)
    if not path:
        return None
    return os.path.normpath(path)


def make_folder(uri_or_path: str, name: str | None, project: str | None) -> Folder | None:
    """A :class:`Folder` from an LSP workspace folder; ``project`` overrides the name."""
    path = uri_to_path(uri_or_path) if "://" in uri_or_path else os.path.normpath(uri_or_path)
    if not path:
        return None
    label = (name or "").strip() or os.path.basename(path) or path
    return Folder(path=path, name=label, project=project or label)


def locate(path: str, folders: Sequence[Folder], fallback_project: str) -> Location:
    """Map a file to the innermost folder that holds it (multi-root aware)."""
    best: Folder | None = None
    for folder in folders:
        root = folder.path
        inside = path == root or path.startswith(root.rstrip(os.sep) + os.sep)
        if inside and (best is None or len(root) > len(best.path)):
            best = folder
    if best is None:
        return Location(path=path, folder=None, project=fallback_project, relative=path)
    rel = os.path.relpath(path, best.path).replace(os.sep, "/")
    return Location(path=path, folder=best, project=best.project, relative=rel)


def hide_name(relative: str) -> str:
    """What ``hideFileNames`` records instead of a path: a stable short hash."""
    import hashlib  # only for users who hide names; keeps it out of start-up

    return "sha256:" + hashlib.sha256(relative.encode("utf-8")).hexdigest()[:16]


# -- exclude globs -------------------------------------------------------------


def _translate(glob: str) -> str:
    """gitignore-style glob to a regex over '/'-separated paths.

    ``*`` and ``?`` stay inside one path segment, ``**`` crosses segments and
    ``[...]`` is a character class.
    """
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = glob.find("]", i + 2)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = glob[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


class Excludes:
    """Matches files against exclude globs.

    A glob without a '/' matches the file's name or any folder name on its
    path (``.env``, ``*.pem``); a glob with a '/' matches the whole path
    relative to the workspace folder (``secrets/**``, ``**/.ssh/**``).
    """

    def __init__(self, globs: Iterable[str]) -> None:
        names: list[str] = []
        paths: list[str] = []
        for glob in globs:
            glob = glob.strip()
            if not glob:
                continue
            if "/" in glob.rstrip("/"):
                paths.append(_translate(glob.lstrip("/").rstrip("/")) + "(?:/.*)?")
            else:
                names.append(_translate(glob.rstrip("/")))
        self._names = re.compile("|".join(f"(?:{p})" for p in names)) if names else None
        self._paths = re.compile("|".join(f"(?:{p})" for p in paths)) if paths else None

    def matches(self, relative: str) -> bool:
        """True when the file (relative to its folder, or absolute) is excluded."""
        rel = relative.lstrip("/")
        if self._paths is not None and self._paths.fullmatch(rel):
            return True
        if self._names is not None:
            return any(self._names.fullmatch(part) for part in rel.split("/") if part)
        return False


# -- git branch ----------------------------------------------------------------


def _git_dir(start: str) -> Path | None:
    """The git directory of the repository holding ``start`` (worktrees included)."""
    here = Path(start)
    for candidate in (here, *here.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # worktree or submodule: "gitdir: <path>"
            try:
                line = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                return None
            if not line.startswith("gitdir:"):
                return None
            target = Path(line[len("gitdir:") :].strip())
            return target if target.is_absolute() else (candidate / target).resolve()
    return None


def read_branch(folder: str) -> str | None:
    """The checked-out branch of the repository holding ``folder``, without git.

    Reads ``HEAD`` (``ref: refs/heads/<branch>``); a detached HEAD, a folder
    outside any repository or an unreadable file gives None.
    """
    git_dir = _git_dir(folder)
    if git_dir is None:
        return None
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    prefix = "ref: refs/heads/"
    if head.startswith(prefix) and len(head) > len(prefix):
        return head[len(prefix) :]
    return None

