"""A throwaway PostgreSQL cluster: a temp folder, a free loopback port, stopped at the end.

The benchmark and the test suite both need a PostgreSQL server of their own
that nothing else uses and that leaves nothing behind, so this one module
starts it for both (``from bench.pgcluster import Cluster``). ``initdb``
and the server refuse to run as root; as root they run as the ``postgres``
system user (``runuser -u postgres --``), which then owns the temp folder.
Clients connect over TCP on 127.0.0.1 as the superuser role ``postgres``
with ``trust`` authentication: a cluster that lives for one run on loopback
needs no password, and a URL without one is what the product accepts.

Extra server settings (``max_connections`` for many simulated servers,
``fsync = off`` where durability is not what is measured) go into
``postgresql.conf`` before the first start. No psycopg is needed here: the
cluster is driven with PostgreSQL's own programs.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

#: The role every URL of a throwaway cluster connects as.
SUPERUSER = "postgres"
#: How long ``pg_ctl`` may wait for the server to start or stop.
START_SECONDS = 60


class ClusterError(RuntimeError):
    """PostgreSQL is not installed here, or the cluster would not start."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb``/``pg_ctl``: ``$PG_BINDIR``, Debian's newest, or PATH."""
    env = os.environ.get("PG_BINDIR")
    candidates = [env] if env else []
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why no cluster can be started here (one sentence), or None when one can."""
    if find_bindir() is None:
        return "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql)."
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _user_exists(SUPERUSER)):
        return "running as root, PostgreSQL needs the 'postgres' system user and runuser."
    return None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port() -> int:
    """A TCP port nothing listens on right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _conf_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class Cluster:
    """One PostgreSQL server in its own temp folder; a context manager.

    ``Cluster(settings={"max_connections": 300}).start()`` initialises and
    starts it; ``url(dbname)`` gives a libpq URL over loopback;
    ``create_database`` makes a database; ``stop`` stops the server and
    removes the folder (also at interpreter exit, should a caller forget).
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        settings: Mapping[str, object] | None = None,
        bindir: Path | None = None,
    ) -> None:
        self.bindir = bindir or find_bindir()
        self.port = port or free_port()
        self.settings = dict(settings or {})
        self.root: Path | None = None
        self.running = False

    # -- paths ----------------------------------------------------------------

    @property
    def datadir(self) -> Path:
        assert self.root is not None, "the cluster was not started"
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        assert self.root is not None, "the cluster was not started"
        return self.root / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://postgres@127.0.0.1:PORT/dbname``: loopback TCP, no password."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    # -- running programs ------------------------------------------------------

    def _program(self, name: str) -> str:
        if self.bindir is None:
            raise ClusterError(missing_reason() or "PostgreSQL is not installed.")
        return str(self.bindir / name)

    def _as_owner(self, argv: list[str]) -> list[str]:
        """The server's programs run as ``postgres`` when this process is root."""
        if os.geteuid() == 0:
            return ["runuser", "-u", SUPERUSER, "--", *argv]
        return argv

    def _run(self, argv: list[str], *, as_owner: bool = False, timeout: float = 120) -> str:
        full = self._as_owner(argv) if as_owner else argv
        proc = subprocess.run(
            full, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip()[-1500:]
            raise ClusterError(f"{Path(argv[0]).name} failed ({proc.returncode}): {tail}")
        return proc.stdout

    # -- life cycle -----------------------------------------------------------

    def start(self) -> Cluster:
        """initdb into a new temp folder, write the settings, start; returns self."""
        reason = missing_reason()
        if reason:
            raise ClusterError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="helix-pg-"))
        atexit.register(self.stop)
        if os.geteuid() == 0:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self._run(
            [
                self._program("initdb"),
                "-D",
                str(self.datadir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            as_owner=True,
        )
        conf = {
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": str(self.root),
            **self.settings,
        }
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as out:
            out.write("\n# throwaway cluster\n")
            for key, value in conf.items():
                out.write(f"{key} = {_conf_value(value)}\n")
        self._run(
            [
                self._program("pg_ctl"),
                "-D",
                str(self.datadir),
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                str(START_SECONDS),
                "start",
            ],
            as_owner=True,
            timeout=START_SECONDS + 10,
        )
        self.running = True
        return self

    def create_database(self, name: str) -> str:
        """Create database ``name``; returns its URL."""
        self._run(
            [self._program("createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", SUPERUSER, name]
        )
        return self.url(name)

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run ``sql`` with psql; returns its unaligned, tuples-only output."""
        return self._run(
            [self._program("psql"), "-X", "-q", "-A", "-t", "-h", "127.0.0.1",
             "-p", str(self.port), "-U", SUPERUSER, "-d", dbname, "-c", sql]
        )

    def postmaster_pid(self) -> int | None:
        """The server's main process, from ``postmaster.pid``."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.datadir / "postmaster.pid").read_text().split()[0])
        return None

    def server_pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, ...)."""
        main = self.postmaster_pid()
        if main is None:
            return []
        pids = [main]
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(entry.path, "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == main:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: live processes plus reaped backends.

        A backend that has exited was reaped by the postmaster, so its time is
        in the postmaster's ``cutime``/``cstime``; live ones count their own.
        """
        tick = os.sysconf("SC_CLK_TCK")
        main = self.postmaster_pid()
        total = 0
        for pid in self.server_pids():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
                if pid == main:
                    total += int(fields[13]) + int(fields[14])  # cutime, cstime
        return total / tick

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the folder; safe to call twice."""
        if self.root is None:
            return
        if self.running:
            with contextlib.suppress(ClusterError, subprocess.TimeoutExpired):
                self._run(
                    [self._program("pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w",
                     "-t", str(START_SECONDS), "stop"],
                    as_owner=True,
                    timeout=START_SECONDS + 10,
                )
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.stop)

    def __enter__(self) -> Cluster:
        return self.start() if not self.running else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
