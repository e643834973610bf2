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


class NameHider:
    """What ``hideFileNames`` records instead of a path or a branch.

    A keyed hash (HMAC-SHA256) under the store's own secret: the same path
    gives the same value in every session of one store, so positions and
    reports still group by file, but nobody holding only the store can check
    a guess ("src/billing.py"?) against it the way a plain hash allows. Each
    new name costs one HMAC; the answers are remembered.
    """

    PREFIX = "sha256:"
    _CACHE_LIMIT = 4096

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        hidden = self._cache.get(name)
        if hidden is None:
            import hmac  # only for users who hide names; keeps it out of start-up

            digest = hmac.new(self._secret, name.encode("utf-8", "surrogatepass"), "sha256")
            hidden = self.PREFIX + digest.hexdigest()[:16]
            if len(self._cache) >= self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[name] = hidden
        return hidden


_PROCESS_HIDER: NameHider | None = None


def hide_name(name: str, secret: bytes | None = None) -> str:
    """``name`` hidden under ``secret``; without one, under a key of this process.

    The server always passes the store's secret (so values agree across
    processes); the per-process key only keeps a caller that has none from
    ever producing a hash that a dictionary could reverse.
    """
    global _PROCESS_HIDER
    if secret is not None:
        return NameHider(secret)(name)
    if _PROCESS_HIDER is None:
        _PROCESS_HIDER = NameHider(os.urandom(32))
    return _PROCESS_HIDER(name)


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


#: What editors add to a file's name for backups, swap, lock and auto-save
#: files: Emacs ``name~``, ``name.~1~``, ``#name#``, ``.#name``; Vim
#: ``.name.swp`` (``.swo`` …) and ``.name.un~``; ``name.bak``, ``.orig``,
#: ``.old``, ``.tmp``, ``.save`` (nano), JetBrains' ``name___jb_tmp___``,
#: Kate's ``.name.kate-swp``, Chrome's ``name.crswap``. Such a copy holds
#: what the original holds, so it is excluded whenever the original is.
_BACKUP_SUFFIX = re.compile(
    r"(?:~|\.~\d+~|\.(?:bak|backup|orig|old|tmp|save|sw[a-p]|un~|kate-swp|crswap)"
    r"|___jb_(?:tmp|old)___)\Z",
    re.IGNORECASE,
)


def backup_originals(name: str) -> list[str]:
    """The names whose backup, swap or lock file ``name`` may be (none: not one)."""
    stem = name
    if stem.startswith(".#") and len(stem) > 2:
        stem = stem[2:]
    elif len(stem) > 2 and stem.startswith("#") and stem.endswith("#"):
        stem = stem[1:-1]
    while (found := _BACKUP_SUFFIX.search(stem)) is not None and found.start() > 0:
        stem = stem[: found.start()]
    if stem == name:
        return []
    # Vim and Kate hide their files with a leading dot: ".id_rsa.swp" is id_rsa's.
    return [stem, stem[1:]] if stem.startswith(".") and len(stem) > 1 else [stem]


class Excludes:
    """Matches files against exclude globs.

    A glob without a '/' matches the file's name or any folder name on its
    path (``.env``, ``*.pem``); a glob with a '/' matches the whole path
    relative to the workspace folder (``secrets/**``, ``**/.ssh/**``).
    Matching ignores case (``.ENV`` and ``KEY.PEM`` are the same secrets,
    and are the same files on macOS and Windows), and an editor's backup,
    swap or lock file of an excluded file is excluded too (see
    :func:`backup_originals`). Answers are remembered per path: an editor
    reports the same few files over and over.
    """

    _CACHE_LIMIT = 4096

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
        flags = re.IGNORECASE | re.DOTALL
        self._names = re.compile("|".join(f"(?:{p})" for p in names), flags) if names else None
        self._paths = re.compile("|".join(f"(?:{p})" for p in paths), flags) if paths else None
        self._cache: dict[str, bool] = {}

    def matches(self, relative: str) -> bool:
        """True when the file (relative to its folder, or absolute) is excluded."""
        known = self._cache.get(relative)
        if known is None:
            known = self._remember(relative, self._match(relative))
        return known

    def excludes(self, location: Location) -> bool:
        """True when the document at ``location`` must not be recorded.

        Besides its path from the workspace folder, a ``**/``-anchored glob
        such as ``**/.ssh/**`` is also tried on the absolute path, so that
        opening ``~/.ssh`` or ``~/.aws`` itself as the workspace folder does
        not record what is inside.
        """
        key = location.path
        known = self._cache.get(key)
        if known is None:
            found = self._match(location.relative)
            if not found and location.folder is not None and self._paths is not None:
                absolute = location.path.replace(os.sep, "/").lstrip("/")
                found = self._paths.fullmatch(absolute) is not None
            known = self._remember(key, found)
        return known

    def _remember(self, key: str, verdict: bool) -> bool:
        if len(self._cache) >= self._CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = verdict
        return verdict

    def _match(self, relative: str) -> bool:
        parts = [part for part in relative.split("/") if part]
        if not parts:
            return False
        if self._matches_parts(parts):
            return True
        folders = parts[:-1]
        return any(self._matches_parts([*folders, original])
                   for original in backup_originals(parts[-1]))

    def _matches_parts(self, parts: list[str]) -> bool:
        if self._paths is not None and self._paths.fullmatch("/".join(parts)):
            return True
        names = self._names
        return names is not None and any(names.fullmatch(part) for part in parts)


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

