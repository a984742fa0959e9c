"""The PostgreSQL peer: a private cluster holding a generated graph, tuned the way PostgreSQL's
own documentation advises, and the page it serves (bench.peer and bench.cache share it).

Debian's package (bench-only: `make run`/`make test` never need it), one cluster under
`.local/peer/data` on 127.0.0.1:PEER_PG_PORT (default 7725; the server runs as `postgres`),
one database per generator config (its name and stamp say which graph it holds, so the 1M
reference graph and a small iteration graph live side by side). What an expert would do, each
point with the page of the PostgreSQL 15 docs it follows:

- connections stored once per direction, written in index order, with the composite index
  (user_id, created_at DESC, other_id): page 1 is an index-only range scan, a user's count an
  index-only count (indexes-index-only-scans.html, indexes-ordering.html);
- COPY into bare tables, indexes after, maintenance_work_mem and max_wal_size raised for the
  load, then VACUUM (ANALYZE): statistics for the planner and the visibility map that lets
  count(*) skip the heap (populate.html, sql-vacuum.html, routine-vacuuming.html §25.1.5);
- shared_buffers sized to hold the database (runtime-config-resource.html: it "can only be set
  at server start"; capped at 40% of RAM, past which that page expects no gain), the tables
  read into it with pg_prewarm (pgprewarm.html); effective_cache_size at half the machine's
  memory and random_page_cost 1.1 because everything is cached (runtime-config-query.html
  §20.7.2); work_mem 64MB: only the suggestion query sorts or hashes much;
- durability off (fsync, synchronous_commit, full_page_writes: non-durability.html): it only
  speeds the load, the benchmark only reads;
- one REPEATABLE READ, READ ONLY transaction per page (transaction-iso.html,
  sql-set-transaction.html), its two statements prepared on the connection and sent in one
  pipeline: BEGIN, the count, the page and COMMIT in one round trip (psycopg's
  advanced/prepare.html and advanced/pipeline.html; libpq-pipeline-mode.html).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from bench.toolkit import ROOT
from bench.toolkit.graphs import instance_name, stamp_of
from service.ingest.generate import GeneratorConfig

PEER = ROOT / ".local" / "peer"
DATA = PEER / "data"
# Bump when the schema or the load changes: a database loaded by an older peer is reloaded.
SCHEMA_VERSION = "peer schema v2 (ordered per-direction rows, request_to includes rejected)"

SCHEMA = """
CREATE TABLE loaded (stamp text NOT NULL);
CREATE TABLE users (id bigint PRIMARY KEY, status text NOT NULL, data jsonb NOT NULL);
CREATE UNLOGGED TABLE staging (line text);
CREATE UNLOGGED TABLE edges (a bigint NOT NULL, b bigint NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE requests (from_id bigint NOT NULL, to_id bigint NOT NULL,
                       created_at timestamptz NOT NULL, rejected boolean NOT NULL DEFAULT false);
"""
# Both directions, written in the index's order: a user's rows share heap pages too.
BUILD = """
CREATE TABLE connections AS
  SELECT a AS user_id, b AS other_id, created_at FROM edges
  UNION ALL SELECT b, a, created_at FROM edges
  ORDER BY 1, 3 DESC, 2;
DROP TABLE edges;
DROP TABLE staging;
CREATE INDEX connection_order ON connections (user_id, created_at DESC, other_id);
CREATE INDEX request_from ON requests (from_id, to_id);
CREATE INDEX request_to ON requests (to_id, from_id) INCLUDE (rejected)
"""
# The visibility map lets count(*) (the counters) read the index alone; ANALYZE does not set
# it, and a bulk-loaded table waits for autovacuum. ensure_peer runs this on every start: a
# no-op for pages already all-visible.
VACUUM = "VACUUM (ANALYZE) users, connections, requests"
RELATIONS = ("users", "users_pkey", "connections", "connection_order", "requests")
RELATIONS += ("request_from", "request_to")

# {found, count} of the owner: found when an active user has that id (as ours).
COUNT = """
SELECT u.id IS NOT NULL AS found,
       CASE WHEN u.id IS NULL THEN 0
            ELSE (SELECT count(*) FROM connections WHERE user_id = %(user)s) END AS count
FROM (SELECT 1) one LEFT JOIN users u ON u.id = %(user)s AND u.status = 'a'
"""
PAGE = """
SELECT p.other_id, u.data,
       (SELECT count(*) FROM connections WHERE user_id = p.other_id) AS connections_counter,
       (SELECT count(*) FROM requests WHERE from_id = p.other_id) AS sent_counter,
       (SELECT count(*) FROM requests WHERE to_id = p.other_id AND NOT rejected)
         AS received_counter
FROM (SELECT other_id, created_at FROM connections
      WHERE user_id = %(user)s
        -- no rows for an unknown or inactive owner (as ours); a one-time check
        AND EXISTS (SELECT 1 FROM users WHERE id = %(user)s AND status = 'a')
      ORDER BY created_at DESC, other_id ASC OFFSET %(offset)s LIMIT %(limit)s) p
JOIN users u ON u.id = p.other_id
ORDER BY p.created_at DESC, p.other_id ASC
"""
SUGGEST = """
WITH friends AS (SELECT other_id AS f FROM connections WHERE user_id = %(user)s),
candidates AS (
  SELECT c.other_id AS s, count(*) AS mutual
  FROM friends JOIN connections c ON c.user_id = friends.f
  WHERE c.other_id <> %(user)s
  GROUP BY c.other_id
),
kept AS (
  SELECT s, mutual FROM candidates JOIN users u ON u.id = s AND u.status = 'a'
  WHERE NOT EXISTS (SELECT 1 FROM connections WHERE user_id = %(user)s AND other_id = s)
    AND NOT EXISTS (SELECT 1 FROM requests WHERE from_id = %(user)s AND to_id = s)
    AND NOT EXISTS (SELECT 1 FROM requests WHERE from_id = s AND to_id = %(user)s)
)
SELECT s, mutual, count(*) OVER () AS total FROM kept ORDER BY mutual DESC, s ASC LIMIT 20
"""


class Page(NamedTuple):
    """One page as the peer serves it: the owner found (active), its count, the rows."""

    found: bool
    count: int
    rows: list[tuple[Any, ...]]


def port() -> int:
    return int(os.environ.get("PEER_PG_PORT", "7725"))


def database(cfg: GeneratorConfig) -> str:
    """The database holding `cfg`'s graph (named like its Neo4j instance)."""
    return instance_name(cfg).replace("-", "_")


def dsn(dbname: str) -> str:
    return f"host=127.0.0.1 port={port()} user=bench dbname={dbname}"


def available() -> bool:
    """PostgreSQL's server binaries are installed (Debian's layout)."""
    return bool(sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres")))


def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server binary as the `postgres` user (the server refuses root)."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    cmd = [str(bindir / args[0]), *args[1:]]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def _memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def _options() -> str:
    # shared_buffers is not here: ALTER SYSTEM sets it (postgresql.auto.conf) to the database's
    # size, and a command-line -c would override that file.
    options = (
        f"-p {port()} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_wal_size=8GB -c maintenance_work_mem=1GB -c work_mem=64MB "
        f"-c effective_cache_size={_memory_mb() // 2}MB -c random_page_cost=1.1"
    )
    # A custom setting carrying their digest: a server started with other options is restarted.
    return f"{options} -c bench.options={_digest(options)}"


def _digest(options: str) -> str:
    return hashlib.sha1(options.encode()).hexdigest()[:12]


def start_cluster(data: Path = DATA) -> None:
    """Create the cluster once and start it with these options unless it runs with them (a
    cluster an older peer started is restarted; data owned by `postgres`)."""
    import psycopg

    if not available():
        raise SystemExit("the PostgreSQL peer needs PostgreSQL: apt-get install -y postgresql")
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
        pg("initdb", "-D", str(data), "-U", "bench", "--auth=trust", "-E", "UTF8")
    options, log_file = _options(), str(data / "server.log")
    if pg("pg_ctl", "-D", str(data), "status", check=False).returncode != 0:
        pg("pg_ctl", "-D", str(data), "-o", options, "-l", log_file, "-w", "start")
        return
    try:
        with psycopg.connect(dsn("postgres"), autocommit=True, connect_timeout=5) as conn:
            running = conn.execute("SELECT current_setting('bench.options', true)").fetchone()
    except psycopg.OperationalError:
        running = None
    if running != (options.rsplit("=", 1)[1],):
        log("PostgreSQL: the cluster runs with other options (or port): restarting it")
        pg("pg_ctl", "-D", str(data), "-o", options, "-l", log_file, "-m", "fast", "-w", "restart")


def stop_cluster(data: Path = DATA) -> None:
    pg("pg_ctl", "-D", str(data), "stop", "-m", "fast", check=False)


def ensure_peer(cfg: GeneratorConfig, root: Path = PEER) -> str:
    """The DSN of a started cluster (data and import files under `root`) holding `cfg`'s graph
    (loaded unless its stamp matches), vacuumed, shared_buffers holding it, read into them."""
    import psycopg

    start_cluster(root / "data")
    dbname = database(cfg)
    stamp = f"{stamp_of(cfg)}; {SCHEMA_VERSION}"
    if _stamp(dbname) == stamp:
        log(f"PostgreSQL: reusing database {dbname}")
    else:
        load(cfg, dbname, stamp, root / "files" / instance_name(cfg))
    started = time.monotonic()
    with psycopg.connect(dsn(dbname), autocommit=True) as conn:
        conn.execute(VACUUM)
    log(f"PostgreSQL: {VACUUM}: {time.monotonic() - started:.0f} s")
    size_buffers(dbname, root / "data")
    prewarm(dbname)
    return dsn(dbname)


def _stamp(dbname: str) -> str | None:
    import psycopg

    with psycopg.connect(dsn("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            return None
    with psycopg.connect(dsn(dbname), autocommit=True) as conn:
        try:
            row = conn.execute("SELECT stamp FROM loaded").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return row[0] if row else None


def load(cfg: GeneratorConfig, dbname: str, stamp: str, files: Path) -> None:
    """Write `cfg`'s import files into `files` (the generator, same options and seed as the
    Neo4j graph) and load them: COPY, both directions in index order, indexes, the stamp last."""
    import psycopg

    if not (files / "requests.csv").exists():
        log(f"PostgreSQL: writing the import files of {cfg} (1M users: ~5 min)")
        subprocess.run(
            [
                str(ROOT / ".venv/bin/connections"),
                "generate",
                f"--users={cfg.users}",
                f"--avg-degree={cfg.avg_degree}",
                f"--exponent={cfg.exponent}",
                f"--request-share={cfg.request_share}",
                f"--seed={cfg.seed}",
                f"--supernodes={cfg.supernodes}",
                f"--supernode-degree={cfg.supernode_degree}",
                f"--out={files}",
            ],
            check=True,
        )
    log(f"PostgreSQL: loading {dbname} (COPY, then both directions and the indexes)")
    with psycopg.connect(dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    with psycopg.connect(dsn(dbname), autocommit=True) as conn:
        conn.execute("SET work_mem = '1GB'")  # the sort of both directions, in memory
        conn.execute(SCHEMA)
        _copy(conn, "COPY staging (line) FROM STDIN", files / "users.jsonl", header=False)
        conn.execute(
            "INSERT INTO users SELECT (line::jsonb->>'id')::bigint, line::jsonb->>'status', "
            "line::jsonb FROM staging"
        )
        _copy(conn, "COPY edges FROM STDIN (FORMAT csv)", files / "connections.csv")
        _copy(
            conn,
            "COPY requests (from_id, to_id, created_at) FROM STDIN (FORMAT csv)",
            files / "requests.csv",
        )
        for statement in BUILD.split(";"):
            if statement.strip():
                log(f"PostgreSQL: {statement.strip().splitlines()[0][:80]}")
                conn.execute(statement)
        conn.execute("INSERT INTO loaded VALUES (%s)", [stamp])


def _copy(conn, sql: str, path: Path, header: bool = True) -> None:
    with path.open("rb") as handle, conn.cursor() as cur, cur.copy(sql) as out:
        if header:
            handle.readline()
        while chunk := handle.read(1 << 20):
            out.write(chunk)


def size_buffers(dbname: str, data: Path = DATA) -> None:
    """shared_buffers = the database's size and a quarter more (in 128 MB steps, at most 40%
    of RAM), restarting the server when that changes it."""
    import psycopg

    with psycopg.connect(dsn(dbname), autocommit=True) as conn:
        size_mb = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] >> 20
        want = min(-(-(size_mb * 5 // 4) // 128) * 128, _memory_mb() * 2 // 5)
        now = conn.execute(
            "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'"
        ).fetchone()[0]
        if now == want:
            return
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{want}MB'")
    log(f"PostgreSQL: database {size_mb} MB; shared_buffers {now} -> {want} MB (restart)")
    log_file = str(data / "server.log")
    pg("pg_ctl", "-D", str(data), "-o", _options(), "-l", log_file, "-m", "fast", "-w", "restart")


def prewarm(dbname: str) -> None:
    """Read the tables and indexes into shared_buffers (a no-op for blocks already there)."""
    import psycopg

    with psycopg.connect(dsn(dbname), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        blocks = sum(
            conn.execute("SELECT pg_prewarm(%s)", [name]).fetchone()[0] for name in RELATIONS
        )
    log(f"PostgreSQL: pg_prewarm read {blocks * 8 >> 10} MB into shared_buffers")


def connect(conninfo: str):
    """A connection whose every transaction is REPEATABLE READ, READ ONLY."""
    import psycopg

    conn = psycopg.connect(conninfo, options="-c statement_timeout=60s")
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    return conn


def page(conn, user: int, offset: int, limit: int) -> Page:
    """One page in one transaction, both statements prepared, all of it one round trip."""
    params = {"user": user, "offset": offset, "limit": limit}
    with conn.pipeline(), conn.transaction():
        head = conn.execute(COUNT, params, prepare=True)
        body = conn.execute(PAGE, params, prepare=True)
    found, count = head.fetchone()
    return Page(found, count, body.fetchall())


def suggest(conn, user: int) -> list[tuple[Any, ...]]:
    """Exact suggestions: top 20 friends of friends by mutual count, with the total."""
    with conn.transaction():
        return conn.execute(SUGGEST, {"user": user}).fetchall()


def warm(conn, users: list[int], pages: int = 12_000) -> float:
    """`pages` page-1 reads cycling over `users` (buffers, plans, prepared statements); the
    seconds it took."""
    started = time.monotonic()
    for i in range(pages):
        page(conn, users[i % len(users)], 0, 20)
    return time.monotonic() - started


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    # `python -m bench.postgres`: load (or check) the 1M reference graph ahead of a bench.
    from bench.toolkit.graphs import REFERENCE_1M

    log(f"ready: {ensure_peer(REFERENCE_1M)}")
