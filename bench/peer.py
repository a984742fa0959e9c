"""`make bench-peer`: the same 1M/10M graph in PostgreSQL, measured side by side with ours.

The peer is what a user would pick instead: PostgreSQL tuned as its docs advise (bench.postgres
says what and why), from Python (psycopg 3), loaded from the files `connections generate`
writes for the deep graph's options (same seed: the same graph as bench/deep.py's instance).
Every side reads ~12,000 pages before it is measured. In one run, rotating: page 1, deep offsets and exact suggestions for
median, p99-degree and supernode users on both; page-1 throughput at 2 processes on both, with
the endpoint over HTTP (wrk, sync and gthread workers) in the same rotation; and where a page's
time goes, one client at a time: PostgreSQL's query, our graph layer, an empty Bolt transaction,
the whole app in-process (no HTTP), then HTTP with keep-alive and with Connection: close.

    .venv/bin/python -m bench.peer [--record] [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from falcon import testing
from neo4j import READ_ACCESS, Query

from bench import postgres
from bench.deep import GRAPH, OUT, ensure_graph, log, pick_users, serve
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


def timed(call, items, repeat) -> tuple[float, float]:
    lat = []
    for i in range(repeat):
        t0 = time.perf_counter()
        call(items[i % len(items)])
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    return percentile(lat, 0.5), percentile(lat, 0.99)


def per_user(args, settings, dsn: str, groups: dict) -> str:
    """Ours against PostgreSQL per kind of user and request: p50 / p99 of each, one table."""
    driver = db.create_driver(settings)
    graph = open_graph(driver, settings.neo4j_database, Tuning(query_timeout=60))
    conn = postgres.connect(dsn)

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
                lambda u: postgres.page(conn, u, 0, 20),
            ),
            "middle (offset count/2), limit 20": (
                lambda u: graph.connections.list_user_connections(u, None, degree[u] // 2, 20),
                lambda u: postgres.page(conn, u, degree[u] // 2, 20),
            ),
            "middle (offset count/2), limit 100": (
                lambda u: graph.connections.list_user_connections(u, None, degree[u] // 2, 100),
                lambda u: postgres.page(conn, u, degree[u] // 2, 100),
            ),
            "suggestions top 20 + total (ours bounded)": (
                lambda u: graph.suggestions.suggest_users(u, 0, 20),
                lambda u: postgres.suggest(conn, u),
            ),
            "suggestions top 20, exact on both": (ours_exact, lambda u: postgres.suggest(conn, u)),
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


def throughput(args, settings, dsn: str) -> tuple[dict[str, tuple], str]:
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
        c = postgres.connect(dsn)
        return lambda i: postgres.page(c, rng.choice(sample), 0, 20)

    OUT.mkdir(parents=True, exist_ok=True)
    paths = OUT / "peer-paths.txt"
    paths.write_text("".join(f"/api/v2/user/{u}/connections/?limit=20\n" for u in sample))
    servers = start_endpoints(settings)
    try:
        warm_up(settings, dsn, sample, servers, paths)
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
        breakdown = latency_breakdown(settings, dsn, sample, servers, paths, args)
    finally:
        for app in servers.values():
            app.stop()
    medians = {name: sorted(values)[len(values) // 2] for name, values in runs.items()}
    return medians, breakdown


def warm_up(settings, dsn: str, sample: list[int], servers: dict, paths: Path) -> None:
    """~12,000 pages per side before any is measured (caches, plans, the JVM's JIT, prepared
    statements: issue 18's peer)."""
    with postgres.connect(dsn) as conn:
        log(f"warm-up: PostgreSQL, 12,000 pages in {postgres.warm(conn, sample):.0f} s")
    graph = ConnectionPages(Runner(db.create_driver(settings), settings.neo4j_database))
    started = time.monotonic()
    for i in range(12_000):
        graph.list_user_connections(sample[i % len(sample)], None, 0, 20)
    log(f"warm-up: our graph layer, 12,000 pages in {time.monotonic() - started:.0f} s")
    for name, app in servers.items():
        log(f"warm-up: {name}, {warm_http(app.base, paths):,} pages")


def warm_http(base: str, paths: Path, pages: int = 12_000) -> int:
    """wrk at 2 connections, 2 s at a time, until `pages` requests have been answered."""
    done, deadline = 0, time.monotonic() + 120
    while done < pages and time.monotonic() < deadline:
        done += int(wrk(base, paths, 2, 2)[0] * 2)
    return done


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
    dsn = postgres.ensure_peer(GRAPH)
    body = (
        "" if args.throughput_only else per_user(args, settings, dsn, pick_users(settings)) + "\n\n"
    )
    medians, breakdown = throughput(args, settings, dsn)
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


def latency_breakdown(
    settings, dsn: str, sample: list[int], servers: dict, paths: Path, args
) -> str:
    """p50 of one page, one client at a time, layer by layer, in rotating rounds."""
    driver = db.create_driver(settings)
    graph = open_graph(driver, settings.neo4j_database)
    app = testing.TestClient(create_app(settings, graph=graph))
    conn = postgres.connect(dsn)
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
        "PostgreSQL page (psycopg, one REPEATABLE READ, READ ONLY transaction)": lambda: loop(
            lambda u: postgres.page(conn, u, 0, 20)
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
