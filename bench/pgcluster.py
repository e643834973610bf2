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

    ``Cluster(settings={"max_connections": 300}).create()`` initialises and
    starts it (on another free port if the chosen one is taken meanwhile);
    ``url(dbname)`` gives a libpq URL over loopback; ``create_database``
    makes a database. ``stop``/``start`` stop and restart the same server on
    the same port and data (an outage), ``destroy`` stops it and removes the
    folder (also done at interpreter exit, should a caller forget).
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        settings: Mapping[str, object] | None = None,
        bindir: Path | None = None,
        locale: str = "C.UTF-8",
    ) -> None:
        self.bindir = bindir or find_bindir()
        self.fixed_port = port
        self.port = port or 0
        self.settings = dict(settings or {})
        self.locale = locale
        self.root: Path | None = None

    # -- paths ----------------------------------------------------------------

    @property
    def datadir(self) -> Path:
        assert self.root is not None, "the cluster was not created"
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        assert self.root is not None, "the cluster was not created"
        return self.root / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        """``postgresql://postgres@127.0.0.1:PORT/dbname``: loopback TCP, no password."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    # -- running programs ------------------------------------------------------

    def _program(self, name: str) -> str:
        if self.bindir is None:
            raise ClusterError(missing_reason() or "PostgreSQL is not installed.")
        return str(self.bindir / name)

    def _run(self, argv: list[str], *, as_owner: bool = False, timeout: float = 120) -> str:
        """Run a PostgreSQL program; the server's own ones as ``postgres`` when root."""
        full = argv
        if as_owner and os.geteuid() == 0:
            full = ["runuser", "-u", SUPERUSER, "--", *argv]
        proc = subprocess.run(
            full, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip()[-1500:]
            log = ""
            if self.root is not None and self.logfile.exists():
                log = "\n" + self.logfile.read_text(errors="replace")[-1500:]
            raise ClusterError(f"{Path(argv[0]).name} failed ({proc.returncode}): {tail}{log}")
        return proc.stdout

    # -- life cycle -----------------------------------------------------------

    def create(self) -> Cluster:
        """initdb into a new temp folder, write the settings, start; returns self."""
        reason = missing_reason()
        if reason:
            raise ClusterError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="helix-pg-"))
        atexit.register(self.destroy)
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
                f"--locale={self.locale}",
                "--no-sync",
            ],
            as_owner=True,
        )
        conf = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            **self.settings,
        }
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as out:
            out.write("\n# throwaway cluster\n")
            for key, value in conf.items():
                out.write(f"{key} = {_conf_value(value)}\n")
        for attempt in range(1 if self.fixed_port else 5):
            self.port = self.fixed_port or free_port()
            try:
                self.start()
                break
            except ClusterError:
                if attempt == 4 or self.fixed_port:
                    raise
        return self

    def start(self) -> None:
        """Start the server (again) on the same port and data; waits until it accepts."""
        self._run(
            [
                self._program("pg_ctl"),
                "start",
                "-D",
                str(self.datadir),
                "-o",
                f"-p {self.port}",
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                str(START_SECONDS),
            ],
            as_owner=True,
            timeout=START_SECONDS + 10,
        )

    def stop(self) -> None:
        """Stop the server now, keeping its data (``-m fast``: connections are cut)."""
        self._run(
            [self._program("pg_ctl"), "stop", "-D", str(self.datadir), "-m", "fast", "-w",
             "-t", str(START_SECONDS)],
            as_owner=True,
            timeout=START_SECONDS + 10,
        )

    def running(self) -> bool:
        """The server has its pid file and accepts TCP connections."""
        if self.root is None or not (self.datadir / "postmaster.pid").exists():
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def destroy(self) -> None:
        """Stop the server if it runs and remove the folder; safe to call twice."""
        if self.root is None:
            return
        if (self.datadir / "postmaster.pid").exists():
            with contextlib.suppress(ClusterError, subprocess.TimeoutExpired):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.destroy)

    def __enter__(self) -> Cluster:
        return self.create() if self.root is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.destroy()

    # -- what runs in it ------------------------------------------------------

    def create_database(self, name: str) -> str:
        """Create database ``name`` (from ``template0``); returns its URL."""
        self._run(
            [self._program("createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", SUPERUSER, "-T", "template0", name]
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
        with contextlib.suppress(OSError, ValueError, IndexError, AssertionError):
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

    def memory_kib(self) -> dict[str, int]:
        """Proportional memory (Pss, KiB) of the postmaster and all its processes, and how
        many there are: shared buffers are split among the processes that touched them."""
        total = count = 0
        for pid in self.server_pids():
            with contextlib.suppress(OSError, ValueError, IndexError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        count += 1
                        break
        return {"pss_kib": total, "processes": count}
