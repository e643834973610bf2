"""Who may talk to a server listening on a socket: its own user, nobody else.

A server on stdio belongs to the editor that started it. One listening on a
TCP port or a Unix socket could be reached by any account on the machine, so
a connection is accepted only with proof that it comes from the same user:

- **Unix socket** (``--socket PATH``): the socket is created 0600 inside a
  0700 folder, and the peer's uid (``SO_PEERCRED``) must be the server's.
- **TCP** (``--tcp``): on Linux, a loopback peer's uid is read from
  ``/proc/net/tcp`` (the kernel's table of sockets and their owners); where
  that cannot tell, the client must present the server's secret token as
  ``initializationOptions.token``. The token is random per server and written
  to a 0600 file in a 0700 folder that only the user can read.

And a client on a socket that sends ``dbPath`` may open a store of its own
user, or create one in a folder the user owns — never elsewhere.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import os
import secrets
import socket
import stat
import struct
from pathlib import Path

from helix_lsp.session import StorageError

TOKEN_OPTION = "token"


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can use: created 0700, or checked if it exists.

    A folder that exists must belong to this user and not be writable by
    others, else a socket or token inside it could be swapped or read.
    """
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        os.chmod(path, 0o700)  # whatever the umask
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is not a folder.")
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise StorageError(
            f"{path} belongs to another user or others can write to it; "
            "choose a folder of your own."
        )
    return path


def runtime_folder() -> Path:
    """Where a server keeps its token: the user's runtime folder, else their cache."""
    from platformdirs import user_cache_dir, user_runtime_dir

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return private_folder(Path(user_runtime_dir("helix-lsp")))
    return private_folder(Path(user_cache_dir("helix-lsp")) / "run")


def write_token(path: Path) -> str:
    """Create a new secret token, written (0600) to ``path``, and return it."""
    token = secrets.token_urlsafe(32)
    private_folder(path.parent)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token + "\n")
    return token


def token_matches(expected: str, presented: object) -> bool:
    return isinstance(presented, str) and hmac.compare_digest(
        expected.encode("ascii"), presented.encode("utf-8", "replace")
    )


def unix_peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket (Linux), else None."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", raw)
    return int(uid)


def _proc_address(host: str, port: int, six: bool) -> str:
    """An address as /proc/net/tcp{,6} writes it (host-order 32-bit words in hex)."""
    packed = ipaddress.ip_address(host).packed
    words = [packed[i : i + 4] for i in range(0, len(packed), 4)]
    text = "".join(f"{int.from_bytes(w, 'little'):08X}" for w in words)
    return f"{text}:{port:04X}"


def tcp_peer_uid(sock: socket.socket) -> int | None:
    """The uid owning the other end of a loopback TCP connection (Linux), else None.

    The peer's socket appears in ``/proc/net/tcp`` (or ``tcp6``) with our
    address as its remote end; the kernel fills in its owner's uid.
    """
    try:
        peer_host, peer_port = sock.getpeername()[:2]
        our_host, our_port = sock.getsockname()[:2]
        if not ipaddress.ip_address(peer_host).is_loopback:
            return None
    except (OSError, ValueError):
        return None
    for table, six in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        if six != (":" in peer_host):
            continue
        local = _proc_address(peer_host, peer_port, six)
        remote = _proc_address(our_host, our_port, six)
        try:
            lines = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            return None
        for line in lines:
            fields = line.split()
            if len(fields) > 7 and fields[1] == local and fields[2] == remote:
                return int(fields[7])
    return None


def same_user(uid: int | None) -> bool:
    return uid is not None and uid == os.getuid()


def check_client_store_path(path: str) -> None:
    """Refuse a ``dbPath`` from a socket client outside the user's own files and folders.

    An existing store must belong to this user; a new one may only be created
    in a folder this user owns (the nearest folder that exists decides).
    """
    target = Path(os.path.abspath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise StorageError(f"dbPath {path!r} cannot be used ({err.strerror}).") from err
    if info is not None:
        if info.st_uid != os.getuid():
            raise StorageError(f"dbPath {path!r} belongs to another user; it was not opened.")
        return
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.stat().st_uid != os.getuid():
        raise StorageError(
            f"dbPath {path!r} is outside your own folders; a client on a socket may only "
            "create a store in a folder you own."
        )
