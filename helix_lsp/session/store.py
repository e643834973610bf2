"""The SQLite store behind the session manager.

One file, WAL mode, a busy timeout so that two processes wait for each other
instead of failing, one ``BEGIN IMMEDIATE`` transaction per change (so a
read-check-write never works on a stale row), and a schema version kept in
``PRAGMA user_version`` with a migration per step. A store written by a newer
helix-lsp is refused, never rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from helix_lsp.session.errors import ConflictError, StorageError
from helix_lsp.session.model import Mode, SessionRecord, Status
from helix_lsp.session.schema import MIGRATIONS, SCHEMA_VERSION

APP_NAME: Final = "helix-lsp"
DB_ENV: Final = "HELIX_LSP_DB"
BUSY_TIMEOUT_MS: Final = 5000

COLUMNS: Final = (
    "id, name, mode, status, project, description, tags, metadata, context, created_at, "
    "updated_at, started_at, last_paused_at, ended_at, failure_reason, active_ms, "
    "active_since, version, seq"
)


def default_db_path() -> Path:
    """``$HELIX_LSP_DB``, else ``sessions.db`` in the platform's user data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported late: only the default path needs it

    return platformdirs.user_data_path(APP_NAME) / "sessions.db"


def _prepare_file(path: Path, *, private_dir: bool) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    elif private_dir:
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)


def _writable(path: Path) -> bool:
    """Whether the file and its folder (where the WAL lives) can be written."""
    probe = path.parent / f".{path.name}.probe-{os.getpid()}"
    try:
        os.close(os.open(path, os.O_RDWR))
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)  # left by a killed process that had our pid
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.unlink(probe)
    except OSError:
        return False
    return True


def describe_sqlite_error(err: sqlite3.Error, path: str) -> StorageError | ConflictError:
    """Turn a SQLite failure into the core's error family, with a usable sentence."""
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return ConflictError(
            "the session store is busy with another writer; nothing was changed, try again."
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(f"the session store {path} is read-only; nothing was changed.")
    if "full" in text or "disk i/o" in text or "too big" in text:
        return StorageError(
            f"the session store {path} could not be written ({err}); nothing was changed."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"the session store {path} is damaged or not a helix-lsp store ({err}); it was left untouched."
        )
    return StorageError(f"the session store {path} failed: {err}.")


class Store:
    """An open store file: connection, schema, transactions, row mapping.

    A store that cannot be written (a read-only file or folder, a schema from a
    newer helix-lsp) still opens for reading: ``read_only_reason`` says why,
    and every write is refused with that sentence before anything is touched.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        default = path is None
        target = default_db_path() if path is None else path
        self.path = str(target)
        self.read_only_reason: str | None = None
        memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        try:
            if not memory:
                _prepare_file(Path(self.path), private_dir=default)
                if not _writable(Path(self.path)):
                    self.read_only_reason = f"the session store {self.path} is read-only"
            self.conn = self._connect(read_only=self.read_only_reason is not None)
        except (OSError, sqlite3.Error) as err:
            detail = getattr(err, "strerror", None) or err
            raise StorageError(f"cannot open the session store {self.path}: {detail}.") from err
        try:
            self._configure(memory)
            if self.read_only_reason is None:
                self._migrate()
        except sqlite3.Error as err:
            self.conn.close()
            raise describe_sqlite_error(err, self.path) from err
        except StorageError:
            self.conn.close()
            raise

    def _connect(self, *, read_only: bool) -> sqlite3.Connection:
        if not read_only:
            return sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        uri = Path(self.path).resolve().as_uri()
        for flags in ("?mode=ro", "?mode=ro&immutable=1"):
            conn = sqlite3.connect(
                uri + flags,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            try:  # a WAL store in a read-only folder opens only as immutable
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.OperationalError:
                conn.close()
        raise StorageError(f"cannot read the session store {self.path}.")

    def _configure(self, memory: bool) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self.read_only_reason = (
                f"the session store {self.path} has schema version {version}, newer than this "
                f"helix-lsp understands ({SCHEMA_VERSION}); upgrade helix-lsp to change it"
            )
            return
        if self.read_only_reason is None:
            if not memory:
                conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL makes each commit survive a crash of the
            # process (what editors do to language servers) without an fsync
            # per change; a power cut may lose the last commits, never the file.
            conn.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (IMMEDIATE), all or nothing."""
        if self.read_only_reason is not None:
            raise StorageError(f"{self.read_only_reason}; nothing was changed.")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise describe_sqlite_error(exc, self.path) from exc
            raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so that several queries see one state of the file."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err

    def check_integrity(self) -> str | None:
        """What SQLite's quick check finds wrong with the file (None when sound).

        It uses a connection of its own, so a caller may run it in a thread and
        keep serving meanwhile: on a large store it reads every page.
        """
        if self.path == ":memory:" or self.path.startswith("file::memory:"):
            return None
        uri = Path(self.path).resolve().as_uri()
        for flags in ("?mode=ro", "?mode=ro&immutable=1"):  # as in _connect
            try:
                with contextlib.closing(sqlite3.connect(uri + flags, uri=True, timeout=5)) as conn:
                    rows = conn.execute("PRAGMA quick_check(3)").fetchall()
            except sqlite3.OperationalError:
                continue  # could not look (locked, read-only folder): no verdict
            except sqlite3.DatabaseError as err:
                return str(err)
            problems = [  # one line each, without SQLite's "*** in database main ***"
                " ".join(str(row[0]).replace("*** in database main ***", "").split())
                for row in rows
                if row[0] != "ok"
            ]
            return "; ".join(problems) if problems else None
        return None

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Reads whose statements need no common snapshot (no BEGIN/COMMIT round)."""
        try:
            yield self.conn
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file."""
        try:
            value: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as err:
            raise describe_sqlite_error(err, self.path) from err
        return value

    # -- rows -----------------------------------------------------------------

    @staticmethod
    def to_record(row: tuple[Any, ...]) -> SessionRecord:
        return SessionRecord(
            id=row[0],
            name=row[1],
            mode=Mode(row[2]),
            status=Status(row[3]),
            project=row[4],
            description=row[5],
            tags=json.loads(row[6]),
            metadata=json.loads(row[7]),
            context=json.loads(row[8]),
            created_at=row[9],
            updated_at=row[10],
            started_at=row[11],
            last_paused_at=row[12],
            ended_at=row[13],
            failure_reason=row[14],
            active_ms=row[15],
            active_since=row[16],
            version=row[17],
            seq=row[18],
        )

    @staticmethod
    def insert(conn: sqlite3.Connection, rec: SessionRecord) -> None:
        cur = conn.execute(
            f"INSERT INTO sessions ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)",
            (
                rec.id,
                rec.name,
                rec.mode.value,
                rec.status.value,
                rec.project,
                rec.description,
                _dump(rec.tags),
                _dump(rec.metadata),
                _dump(rec.context),
                rec.created_at,
                rec.updated_at,
                rec.started_at,
                rec.last_paused_at,
                rec.ended_at,
                rec.failure_reason,
                rec.active_ms,
                rec.active_since,
                rec.version,
            ),
        )
        assert cur.lastrowid is not None
        rec.seq = cur.lastrowid
        conn.executemany(
            "INSERT INTO session_tags (tag, seq, created_at) VALUES (?, ?, ?)",
            [(t, rec.seq, rec.created_at) for t in rec.tags],
        )

    @staticmethod
    def update(conn: sqlite3.Connection, rec: SessionRecord, before: SessionRecord) -> None:
        """Write what changed from ``before`` to ``rec``, bumping the version.

        Only changed columns are written (a transition does not re-serialise
        tags, metadata and context), and the tag index is kept in step.
        """
        rec.version = before.version + 1
        columns = ["version = ?"]
        values: list[object] = [rec.version]
        for name, encode in _UPDATABLE:
            new = getattr(rec, name)
            if new != getattr(before, name):
                columns.append(f"{name} = ?")
                values.append(encode(new))
        conn.execute(f"UPDATE sessions SET {', '.join(columns)} WHERE seq = ?", [*values, rec.seq])
        if before.tags != rec.tags:
            gone = [t for t in before.tags if t not in rec.tags]
            new_tags = [t for t in rec.tags if t not in before.tags]
            conn.executemany(
                "DELETE FROM session_tags WHERE tag = ? AND seq = ?",
                [(t, rec.seq) for t in gone],
            )
            conn.executemany(
                "INSERT INTO session_tags (tag, seq, created_at) VALUES (?, ?, ?)",
                [(t, rec.seq, rec.created_at) for t in new_tags],
            )


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _same(value: object) -> object:
    return value


def _enum(value: Mode | Status) -> str:
    return str(value.value)


#: Columns ``Store.update`` may write, with how each value is stored.
_UPDATABLE: Final[list[tuple[str, Callable[[Any], object]]]] = [
    ("name", _same),
    ("mode", _enum),
    ("status", _enum),
    ("project", _same),
    ("description", _same),
    ("tags", _dump),
    ("metadata", _dump),
    ("context", _dump),
    ("updated_at", _same),
    ("started_at", _same),
    ("last_paused_at", _same),
    ("ended_at", _same),
    ("failure_reason", _same),
    ("active_ms", _same),
    ("active_since", _same),
]
