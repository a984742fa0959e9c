"""`make bench-peer`: the same 1M/10M graph in PostgreSQL, measured side by side with ours.

The peer is what a user would pick instead: PostgreSQL (Debian's package; bench-only), a private
cluster under `.local/peer/` on a loopback port (PEER_PG_PORT, default 7725), connections stored
per direction with an index on (user_id, created_at DESC, other_id), counters counted at query
time, one REPEATABLE READ transaction per page, from Python (psycopg 3). It loads the files
`connections generate` writes for the deep graph's options (same seed: the same graph as
bench/deep.py's instance). In one run, rotating: page 1, deep offsets and exact suggestions for
median, p99-degree and supernode users on both; page-1 throughput at 2 processes on both.

    .venv/bin/python bench/peer.py [--record] [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from common import ROOT, record
from deep import GRAPH, STAMP, ensure_graph, log, pick_users
from harness import _percentile, median_of, run

from service.graph import cypher, db
from service.graph.store import Graph

PEER = ROOT / ".local" / "peer"
FILES = PEER / "files"
DATA = PEER / "data"
PORT = int(os.environ.get("PEER_PG_PORT", "7725"))
DSN = f"host=127.0.0.1 port={PORT} user=bench dbname=bench"

SCHEMA = """
CREATE TABLE users (id bigint PRIMARY KEY, status text NOT NULL, data jsonb NOT NULL);
CREATE UNLOGGED TABLE staging (line text);
CREATE TABLE connections (user_id bigint, other_id bigint, created_at timestamptz);
CREATE TABLE requests (from_id bigint, to_id bigint, created_at timestamptz,
                       rejected boolean NOT NULL DEFAULT false);
"""
INDEXES = """
INSERT INTO connections SELECT other_id, user_id, created_at FROM connections;
CREATE INDEX connection_order ON connections (user_id, created_at DESC, other_id);
CREATE INDEX request_from ON requests (from_id, to_id);
CREATE INDEX request_to ON requests (to_id, from_id);
ANALYZE;
"""
PAGE = """
SELECT p.other_id, u.data,
       (SELECT count(*) FROM connections WHERE user_id = p.other_id) AS connections_counter,
       (SELECT count(*) FROM requests WHERE from_id = p.other_id) AS sent_counter,
       (SELECT count(*) FROM requests WHERE to_id = p.other_id AND NOT rejected)
         AS received_counter
FROM (SELECT other_id, created_at FROM connections WHERE user_id = %(user)s
      ORDER BY created_at DESC, other_id ASC OFFSET %(offset)s LIMIT %(limit)s) p
JOIN users u ON u.id = p.other_id
ORDER BY p.created_at DESC, p.other_id ASC
"""
COUNT = "SELECT count(*) FROM connections WHERE user_id = %(user)s"
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


def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server binary as the `postgres` user (the server refuses root)."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    cmd = [str(bindir / args[0]), *args[1:]]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def ensure_peer() -> None:
    """Start the private cluster, loading the graph once (stamped like the deep graph)."""
    if not Path("/usr/lib/postgresql").exists():
        raise SystemExit("bench-peer needs PostgreSQL: apt-get install -y postgresql")
    stamp = PEER / "loaded.stamp"
    fresh = not (stamp.exists() and stamp.read_text() == STAMP)
    if fresh and DATA.exists():
        pg("pg_ctl", "-D", str(DATA), "stop", "-m", "fast", check=False)
        shutil.rmtree(DATA)
    if not DATA.exists():
        DATA.mkdir(parents=True)
        shutil.chown(DATA, "postgres") if os.geteuid() == 0 else None
        pg("initdb", "-D", str(DATA), "-U", "bench", "--auth=trust", "-E", "UTF8")
    options = (
        f"-p {PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
        "-c shared_buffers=2GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_wal_size=8GB -c maintenance_work_mem=1GB -c work_mem=64MB"
    )
    if pg("pg_ctl", "-D", str(DATA), "status", check=False).returncode != 0:
        pg("pg_ctl", "-D", str(DATA), "-o", options, "-l", str(DATA / "server.log"), "-w", "start")
    if not fresh:
        log("reusing the PostgreSQL copy of the deep graph")
        return
    if not (FILES / "connections.csv").exists():
        log("writing the deep graph's import files (same options and seed, ~5 min)")
        subprocess.run(
            [
                str(ROOT / ".venv/bin/connections"),
                "generate",
                f"--users={GRAPH.users}",
                f"--avg-degree={GRAPH.avg_degree}",
                f"--seed={GRAPH.seed}",
                f"--supernodes={GRAPH.supernodes}",
                f"--supernode-degree={GRAPH.supernode_degree}",
                f"--out={FILES}",
            ],
            check=True,
        )
    log("loading PostgreSQL (COPY, then the mirror direction and the indexes)")
    with psycopg.connect(DSN.replace("dbname=bench", "dbname=postgres"), autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS bench")
        c.execute("CREATE DATABASE bench")
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(SCHEMA)
        copy(conn, "COPY staging (line) FROM STDIN", FILES / "users.jsonl", header=False)
        conn.execute(
            "INSERT INTO users SELECT (line::jsonb->>'id')::bigint, line::jsonb->>'status', "
            "line::jsonb FROM staging"
        )
        copy(conn, "COPY connections FROM STDIN (FORMAT csv)", FILES / "connections.csv")
        copy(
            conn,
            "COPY requests (from_id, to_id, created_at) FROM STDIN (FORMAT csv)",
            FILES / "requests.csv",
        )
        for statement in INDEXES.split(";"):
            if statement.strip():
                log(statement.strip().splitlines()[0][:80])
                conn.execute(statement)
    stamp.write_text(STAMP)


def copy(conn, sql: str, path: Path, header: bool = True) -> None:
    with path.open("rb") as handle, conn.cursor() as cur, cur.copy(sql) as out:
        if header:
            handle.readline()
        while chunk := handle.read(1 << 20):
            out.write(chunk)


def peer_page(conn, user: int, offset: int, limit: int) -> tuple[int, list]:
    with conn.transaction():
        count = conn.execute(COUNT, {"user": user}).fetchone()[0]
        rows = conn.execute(PAGE, {"user": user, "offset": offset, "limit": limit}).fetchall()
    return count, rows


def peer_suggest(conn, user: int) -> list:
    with conn.transaction():
        return conn.execute(SUGGEST, {"user": user}).fetchall()


def connect_peer():
    conn = psycopg.connect(DSN, autocommit=True)
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.autocommit = False
    conn.execute("SET statement_timeout = '60s'")
    conn.commit()
    return conn


def timed(call, items, repeat) -> tuple[float, float]:
    lat = []
    for i in range(repeat):
        t0 = time.perf_counter()
        call(items[i % len(items)])
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    return statistics.median(lat), _percentile(lat, 0.99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    started = time.monotonic()
    settings = ensure_graph()
    ensure_peer()
    groups = pick_users(settings)
    driver = db.create_driver(settings)
    graph = Graph(driver, settings.neo4j_database, query_timeout=60)
    conn = connect_peer()

    def ours_exact(user):
        with driver.session(database=settings.neo4j_database) as session:
            return session.execute_read(
                lambda tx: list(
                    tx.run(cypher.query("analytics/suggestions"), user_id=user, skip=0, limit=20)
                )
            )

    rows = [
        "| user | request | ours p50 / p99 ms | PostgreSQL p50 / p99 ms | ours / PG (p50) |",
        "|---|---|---|---|---|",
    ]
    degree = {i: d for users in groups.values() for i, d in users}
    for name, users in groups.items():
        ids = [i for i, _ in users]
        cases = {
            "page 1, limit 20": (
                lambda u: graph.list_user_connections(u, None, 0, 20),
                lambda u: peer_page(conn, u, 0, 20),
            ),
            "middle (offset count/2), limit 20": (
                lambda u: graph.list_user_connections(u, None, degree[u] // 2, 20),
                lambda u: peer_page(conn, u, degree[u] // 2, 20),
            ),
            "middle (offset count/2), limit 100": (
                lambda u: graph.list_user_connections(u, None, degree[u] // 2, 100),
                lambda u: peer_page(conn, u, degree[u] // 2, 100),
            ),
            "suggestions top 20 + total (ours bounded)": (
                lambda u: graph.suggest_users(u, 0, 20),
                lambda u: peer_suggest(conn, u),
            ),
            "suggestions top 20, exact on both": (ours_exact, lambda u: peer_suggest(conn, u)),
        }
        repeat = args.repeat if "supernode" not in name else max(5, len(ids))
        for label, (ours, theirs) in cases.items():
            # the exact friend-of-friend query takes seconds to minutes on both sides
            reps = repeat if "exact" not in label else (2 if "supernode" in name else 3)
            results = {}
            for side, call in (
                (("ours", ours), ("peer", theirs))
                if hash(label) % 2
                else (("peer", theirs), ("ours", ours))
            ):
                if "exact" not in label:
                    call(ids[0])  # warm (not the exact query: seconds to minutes)
                try:
                    results[side] = timed(call, ids, reps)
                except Exception as exc:  # noqa: BLE001 - a timeout is a result here
                    log(f"{side} {label}: {type(exc).__name__}")
                    results[side] = (float("nan"), float("nan"))
            o, p = results["ours"], results["peer"]
            rows.append(
                f"| {name} | {label} | {o[0]:.1f} / {o[1]:.1f} | {p[0]:.1f} / {p[1]:.1f} | "
                f"{o[0] / p[0]:.2f} |"
            )
            log(rows[-1])
    conn.close()
    driver.close()

    # Page-1 throughput at 2 processes: our graph layer against psycopg, rotating.
    with db.create_driver(settings) as d:
        sample = [
            r["id"]
            for r in d.execute_query(
                cypher.query("loadtest/sample_users"), n=4000, database_=settings.neo4j_database
            )[0]
        ]

    def ours_call(seed):
        rng = random.Random(seed)
        g = Graph(db.create_driver(settings), settings.neo4j_database)
        return lambda i: g.list_user_connections(rng.choice(sample), None, 0, 20)

    def peer_call(seed):
        rng = random.Random(seed)
        c = connect_peer()
        return lambda i: peer_page(c, rng.choice(sample), 0, 20)

    runs: dict[str, list] = {"ours (graph layer)": [], "PostgreSQL (psycopg)": []}
    makers = list(zip(runs, (ours_call, peer_call), strict=True))
    for round_ in range(args.rounds):
        for name, make in makers[round_ % 2 :] + makers[: round_ % 2]:
            runs[name].append(run(name, make, processes=2, seconds=args.seconds))
            log(runs[name][-1].row())
    ours_r, peer_r = median_of(runs["ours (graph layer)"]), median_of(runs["PostgreSQL (psycopg)"])
    body = "\n".join(rows) + "\n\n"
    body += (
        f"Page 1 (limit 20), 2 client processes, {args.rounds} rotating rounds of "
        f"{args.seconds} s, 4,000 random active users (median round):\n\n"
        "| side | pages/s | p50 ms | p99 ms |\n|---|---|---|---|\n"
        f"| ours (graph layer) | {ours_r.rps:.0f} | {ours_r.p50_ms:.1f} | {ours_r.p99_ms:.1f} |\n"
        f"| PostgreSQL (psycopg) | {peer_r.rps:.0f} | {peer_r.p50_ms:.1f} | "
        f"{peer_r.p99_ms:.1f} |\n\n"
        f"Ours / PostgreSQL throughput: {ours_r.rps / peer_r.rps:.2f}×. "
        f"End to end {time.monotonic() - started:.0f} s.\n"
    )
    print(body)
    if args.record:
        record("Peer: PostgreSQL on the deep graph, side by side", "make bench-peer", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
