"""`make bench-peer`: the same 1M/10M graph in PostgreSQL, measured side by side with ours.

The peer is what a user would pick instead: PostgreSQL (Debian's package; bench-only), a private
cluster under `.local/peer/` on a loopback port (PEER_PG_PORT, default 7725), connections stored
per direction with an index on (user_id, created_at DESC, other_id), counters counted at query
time, one REPEATABLE READ transaction per page, from Python (psycopg 3). It loads the files
`connections generate` writes for the deep graph's options (same seed: the same graph as
bench/deep.py's instance). In one run, rotating: page 1, deep offsets and exact suggestions for
median, p99-degree and supernode users on both; page-1 throughput at 2 processes on both, with
the endpoint over HTTP (wrk, sync and gthread workers) in the same rotation; and where a page's
time goes, one client at a time: PostgreSQL's query, our graph layer, an empty Bolt transaction,
the whole app in-process (no HTTP), then HTTP with keep-alive and with Connection: close.

    .venv/bin/python -m bench.peer [--record] [--seconds 8] [--rounds 3]
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
from falcon import testing
from neo4j import READ_ACCESS, Query

from bench.deep import GRAPH, OUT, STAMP, ensure_graph, log, pick_users, serve
from bench.toolkit import ROOT
from bench.toolkit.harness import rotated, run
from bench.toolkit.launcher import Gunicorn
from bench.toolkit.results import record
from bench.toolkit.stats import percentile
from bench.toolkit.wrk import wrk
from service.api.app import create_app
from service.graph import cypher, db
from service.graph.connections import ConnectionPages
from service.graph.layer import open_graph
from service.graph.runner import Runner, Tuning

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
"""
# The visibility map lets count(*) (the counters) read the index alone; ANALYZE does not set
# it, and a bulk-loaded table waits for autovacuum. ensure_peer runs this on every start: a
# no-op for pages already all-visible.
VACUUM = "VACUUM (ANALYZE) users, connections, requests"
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
        vacuum()
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
    vacuum()
    stamp.write_text(STAMP)


def vacuum() -> None:
    started = time.monotonic()
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(VACUUM)
    log(f"{VACUUM}: {time.monotonic() - started:.0f} s")


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
    return percentile(lat, 0.5), percentile(lat, 0.99)


def per_user(args, settings, groups: dict) -> str:
    """Ours against PostgreSQL per kind of user and request: p50 / p99 of each, one table."""
    driver = db.create_driver(settings)
    graph = open_graph(driver, settings.neo4j_database, Tuning(query_timeout=60))
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
                lambda u: graph.connections.list_user_connections(u, None, 0, 20),
                lambda u: peer_page(conn, u, 0, 20),
            ),
            "middle (offset count/2), limit 20": (
                lambda u: graph.connections.list_user_connections(u, None, degree[u] // 2, 20),
                lambda u: peer_page(conn, u, degree[u] // 2, 20),
            ),
            "middle (offset count/2), limit 100": (
                lambda u: graph.connections.list_user_connections(u, None, degree[u] // 2, 100),
                lambda u: peer_page(conn, u, degree[u] // 2, 100),
            ),
            "suggestions top 20 + total (ours bounded)": (
                lambda u: graph.suggestions.suggest_users(u, 0, 20),
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

    return "\n".join(rows)


def throughput(args, settings) -> tuple[dict[str, tuple], str]:
    """Page-1 throughput at 2 clients, rotating (name -> the median round's (pages/s, p50,
    p99)), and the latency breakdown's table."""
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
        g = ConnectionPages(Runner(db.create_driver(settings), settings.neo4j_database))
        return lambda i: g.list_user_connections(rng.choice(sample), None, 0, 20)

    def peer_call(seed):
        rng = random.Random(seed)
        c = connect_peer()
        return lambda i: peer_page(c, rng.choice(sample), 0, 20)

    OUT.mkdir(parents=True, exist_ok=True)
    paths = OUT / "peer-paths.txt"
    paths.write_text("".join(f"/api/v2/user/{u}/connections/?limit=20\n" for u in sample))
    servers = start_endpoints(settings)
    try:
        runs: dict[str, list] = {"ours (graph layer)": [], "PostgreSQL (psycopg)": []}
        runs.update({name: [] for name in servers})
        makers = [("ours (graph layer)", ours_call), ("PostgreSQL (psycopg)", peer_call)]
        makers += [(name, None) for name in servers]
        for round_ in range(args.rounds):
            for name, make in rotated(makers, round_):
                if make is None:
                    rps, p50, p99 = wrk(servers[name].base, paths, 2, args.seconds)
                    runs[name].append((rps, p50, p99))
                    log(f"{name}: {rps:.0f} req/s p50 {p50:.1f} ms p99 {p99:.1f} ms")
                else:
                    r = run(name, make, processes=2, seconds=args.seconds)
                    runs[name].append((r.rps, r.p50_ms, r.p99_ms))
                    log(r.row())
        breakdown = latency_breakdown(settings, sample, servers, paths, args)
    finally:
        for app in servers.values():
            app.stop()
    medians = {name: sorted(values)[len(values) // 2] for name, values in runs.items()}
    return medians, breakdown


def throughput_table(args, medians: dict[str, tuple]) -> str:
    ours_r, peer_r = medians["ours (graph layer)"], medians["PostgreSQL (psycopg)"]
    body = (
        f"Page 1 (limit 20), 2 clients (processes; wrk connections for the endpoint), "
        f"{args.rounds} rotating rounds of {args.seconds} s, 4,000 random active users "
        "(median round by pages/s):\n\n"
        "| side | pages/s | p50 ms | p99 ms | p50 / PostgreSQL's |\n|---|---|---|---|---|\n"
    )
    for name, (rps, p50, p99) in medians.items():
        body += f"| {name} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {p50 / peer_r[1]:.2f}× |\n"
    return body + f"\nOurs (graph layer) / PostgreSQL throughput: {ours_r[0] / peer_r[0]:.2f}×.\n\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="skip the per-user table (its exact suggestions take minutes)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    settings = ensure_graph()
    ensure_peer()
    body = "" if args.throughput_only else per_user(args, settings, pick_users(settings)) + "\n\n"
    medians, breakdown = throughput(args, settings)
    body += throughput_table(args, medians) + breakdown
    body += f"\nEnd to end {time.monotonic() - started:.0f} s.\n"
    print(body)
    if args.record:
        command = (
            ".venv/bin/python -m bench.peer --throughput-only --record"
            if args.throughput_only
            else "make bench-peer"
        )
        record("Peer: PostgreSQL on the deep graph, side by side", command, body)
    return 0


def start_endpoints(settings) -> dict[str, Gunicorn]:
    """This branch under gunicorn, 2 workers, on sync and on gthread workers, started."""
    app_env = {
        "NEO4J_URI": f"bolt://127.0.0.1:{settings.server.bolt_port}",
        "NEO4J_PASSWORD": settings.neo4j_password,
        "JWT_SECRET": "b" * 32,
    }
    variants = {
        "endpoint, sync workers (Connection: close)": {"GUNICORN_WORKER_CLASS": "sync"},
        "endpoint, gthread workers (keep-alive)": {
            "GUNICORN_WORKER_CLASS": "gthread",
            "GUNICORN_THREADS": "4",
        },
    }
    return {name: serve(ROOT, {**app_env, **extra}).start() for name, extra in variants.items()}


def autocommit_page(driver, settings, user: int) -> None:
    """api/connections_page in an auto-commit transaction: RUN + PULL, one round trip."""
    with driver.session(
        database=settings.neo4j_database, default_access_mode=READ_ACCESS
    ) as session:
        session.run(
            Query(cypher.query("api/connections_page"), timeout=5.0),
            user_id=user,
            viewer_id=None,
            offset=0,
            limit=20,
            oldest_from=Tuning().oldest_from,
        ).single()


def latency_breakdown(settings, sample: list[int], servers: dict, paths: Path, args) -> str:
    """p50 of one page, one client at a time, layer by layer, in rotating rounds."""
    driver = db.create_driver(settings)
    graph = open_graph(driver, settings.neo4j_database)
    app = testing.TestClient(create_app(settings, graph=graph))
    conn = connect_peer()
    rng = random.Random(7)

    def loop(call) -> float:
        lat, deadline = [], time.perf_counter() + args.seconds
        while time.perf_counter() < deadline:
            user = rng.choice(sample)
            t0 = time.perf_counter()
            call(user)
            lat.append((time.perf_counter() - t0) * 1000)
        return percentile(lat, 0.5)

    def in_app(user):
        resp = app.simulate_get(
            f"/api/v2/user/{user}/connections/", query_string="limit=20", host="127.0.0.1"
        )
        assert resp.status_code == 200, resp.status_code

    sync, gthread = servers.values()
    steps = {
        "PostgreSQL page query (psycopg, one REPEATABLE READ transaction)": lambda: loop(
            lambda u: peer_page(conn, u, 0, 20)
        ),
        "empty Bolt read transaction (`Runner.ping`: session, BEGIN, RUN, PULL, COMMIT)": lambda: (
            loop(lambda u: graph.runner.ping())
        ),
        "our graph layer (`ConnectionPages.list_user_connections`, one query)": lambda: loop(
            lambda u: graph.connections.list_user_connections(u, None, 0, 20)
        ),
        "the same page query as an auto-commit read (no BEGIN/COMMIT round trips)": lambda: loop(
            lambda u: autocommit_page(driver, settings, u)
        ),
        "the whole app in-process (Falcon TestClient: routing, schemas, JSON; no HTTP)": lambda: (
            loop(in_app)
        ),
        "HTTP, gthread worker, keep-alive (wrk, 1 connection)": lambda: wrk(
            gthread.base, paths, 1, args.seconds
        )[1],
        "HTTP, sync worker, Connection: close (wrk, 1 connection)": lambda: wrk(
            sync.base, paths, 1, args.seconds
        )[1],
    }
    results: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    try:
        for round_ in range(args.rounds):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].append(steps[name]())
                log(f"breakdown round {round_ + 1}: {name}: p50 {results[name][-1]:.2f} ms")
    finally:
        conn.close()
        driver.close()
    base = statistics.median(results[names[0]])
    out = (
        "Where a page-1 request's time goes: one client at a time (no queueing), 4,000 random "
        f"active users, {args.rounds} rotating rounds of {args.seconds} s, median of the rounds' "
        "p50s:\n\n| step | p50 ms | / PostgreSQL's query |\n|---|---|---|\n"
    )
    for name in names:
        p50 = statistics.median(results[name])
        out += f"| {name} | {p50:.2f} | {p50 / base:.2f}× |\n"
    return out


if __name__ == "__main__":
    sys.exit(main())
