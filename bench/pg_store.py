"""The generated store of many sessions on PostgreSQL, built by the core once and cached.

The store is filled exactly as the SQLite one is (:mod:`bench.store`): one
``SessionManager(url).import_`` of the same generated snapshot, so every row
is one the core wrote through its own checks. Importing row by row over a
connection takes minutes for 100,000 sessions, so the result is kept as a
``pg_dump`` archive under ``.bench-cache/`` and later runs restore it into a
new database (``pg_restore``: a copy of what the core wrote, as the SQLite
file is copied). The cache key covers the generator, the session count, the
PostgreSQL major version and the schema the core creates (``pg_dump
--schema-only`` of a new store), so a schema change builds a new archive.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from bench import store as gen
from bench.pgcluster import SUPERUSER, Cluster


def _dump_args(cluster: Cluster) -> list[str]:
    return ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", SUPERUSER]


def schema_fingerprint(cluster: Cluster) -> str:
    """The server's major version and the SQL of a new, empty store."""
    from helix_lsp.session import SessionManager

    url = cluster.create_database("helix_fingerprint")
    SessionManager(url).close()
    schema = cluster._run(
        [cluster._program("pg_dump"), *_dump_args(cluster), "--schema-only",
         "--no-owner", "--no-comments", "helix_fingerprint"]
    )
    # the dump's header names the exact server and client versions, and pg_dump
    # 15.14+ brackets the script with ``\restrict KEY`` / ``\unrestrict KEY``, a
    # random key per dump: none of them is the schema
    lines = [line for line in schema.splitlines()
             if not line.startswith(("--", "\\restrict ", "\\unrestrict "))]
    major = cluster.psql("SHOW server_version_num").strip()[:2]
    cluster.psql("DROP DATABASE helix_fingerprint")
    return f"{gen.GENERATOR_VERSION}:{major}:" + "\n".join(lines)


def import_seconds(url: str, count: int) -> float:
    """Fill the store at ``url`` with the generated snapshot through the core's import."""
    from helix_lsp.session import SessionManager

    doc = gen.snapshot(count)
    start = time.perf_counter()
    with SessionManager(url) as mgr:
        mgr.import_(doc)
    return time.perf_counter() - start


def cached_database(
    cluster: Cluster, root: Path, count: int, dbname: str, log: Callable[[str], None]
) -> tuple[str, float | None]:
    """A database ``dbname`` holding ``count`` generated sessions; its URL, and the
    seconds the core's import took when it had to be built (None: restored)."""
    key = hashlib.sha256(schema_fingerprint(cluster).encode()).hexdigest()[:12]
    folder = gen.cache_dir(root).resolve()  # the programs run from /
    archive = folder / f"pg-sessions-{count}-{key}.dump"
    url = cluster.create_database(dbname)
    if archive.exists():
        started = time.perf_counter()
        cluster._run(
            [cluster._program("pg_restore"), *_dump_args(cluster), "--no-owner",
             "-d", dbname, str(archive)],
            timeout=900,
        )
        log(f"  restored {count} sessions from {archive.name} in "
            f"{time.perf_counter() - started:.1f} s")
        seconds = None
    else:
        log(f"  importing {count} sessions into PostgreSQL through the core (cached after)")
        seconds = import_seconds(url, count)
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".partial-{os.getpid()}-{archive.name}"
        cluster._run(
            [cluster._program("pg_dump"), *_dump_args(cluster), "-Fc", "--no-owner",
             "-f", str(partial), dbname],
            timeout=900,
        )
        partial.replace(archive)
        for stale in folder.glob(f"pg-sessions-{count}-*.dump"):
            if stale != archive:
                with contextlib.suppress(OSError):
                    stale.unlink()
        log(f"  imported in {seconds:.1f} s -> {archive}")
    # A bulk load leaves work behind that a store in use has long finished:
    # autovacuum's pass (visibility map: index-only scans; statistics) and the
    # checkpoint of the load's WAL (more than a GB for 100,000 sessions), which
    # would otherwise write while the figures are taken.
    cluster.psql("VACUUM (ANALYZE)", dbname)
    cluster.psql("CHECKPOINT", dbname)
    return url, seconds
