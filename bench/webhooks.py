"""Webhooks: the receiver's latency under load, and the lag from a change on A to B's copy.

Two throwaway managed Neo4j instances (`whbench-a`, `whbench-b`, on BENCH_BOLT_PORT + 20/21):
1. B serves `POST /webhooks/selfcommunity/`; signed connection events (random pairs of 200
   users, fresh event ids: a duplicate answer counts as an error) are posted either by P client
   processes back to back (closed loop) or, with `--rate R`, R a second whatever the answers
   (open loop: the load-test rate); the baseline is `/health/ready` (one read transaction) from
   the same harness in the same run. `--compare DIR` also serves another checkout (e.g. main's
   code in a `git worktree`) on the same Neo4j and measures it in the same rotated rounds.
2. A serves the lifecycle API and runs the delivery worker, subscribed to B; random lifecycle
   actions hit A at a steady pace; lag = B's `received_at` minus A's event `created`.

    python -m bench.webhooks --seconds 10 --actions 300 --record
    git worktree add /tmp/wt-main main
    python -m bench.webhooks --rate 20 --rate 40 --compare /tmp/wt-main --record
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.toolkit import harness
from bench.toolkit.http import request as call
from bench.toolkit.instances import bench_ports, neo4j_env, own_neo4j
from bench.toolkit.launcher import Gunicorn
from bench.toolkit.processes import deliver_worker
from bench.toolkit.results import record
from bench.toolkit.stats import percentile
from service.config import Settings
from service.domain import auth
from service.domain.users import stored_user
from service.graph import cypher, db
from service.graph.runner import Runner
from service.graph.webhooks import WebhookStore
from service.ops.neo4j_server import LocalNeo4j
from service.webhooks import signature

USERS = 200
SECRET = "bench-webhook-secret"
JWT = "bench-jwt-secret-0123456789abcdef0123456789"
KINDS = ("connection_request.created", "connection.created", "connection.deleted")


def instance(name: str, offset: int) -> tuple[Settings, LocalNeo4j]:
    server, settings = own_neo4j(
        name, *bench_ports(offset), NEO4J_HEAP="768m", NEO4J_PAGECACHE="256m"
    )
    print(f"starting Neo4j instance {name} ...", flush=True)
    server.start()
    with db.create_driver(settings) as driver:
        db.init_schema(driver, settings.neo4j_database)
        with driver.session(database=settings.neo4j_database) as session:  # auto-commit
            session.run(cypher.query("admin/delete_all")).consume()
        rows = [stored_user({"id": i, "username": f"u{i}"}) for i in range(1, USERS + 1)]
        driver.execute_query(
            cypher.query("ingest/upsert_users"), rows=rows, database_=settings.neo4j_database
        )
    return settings, server


def user(i: int) -> dict:
    return {"id": i, "username": f"u{i}", "status": "a"}


def post_events(base: str, series: int):
    """Posts of signed connection events; `series` keeps each round's event ids its own."""

    def make(seed: int):
        rng = random.Random(series * 100 + seed)

        def post(i: int) -> None:
            a, b = rng.sample(range(1, USERS + 1), 2)
            body = json.dumps(
                {
                    # Never A's ids (1, 2, ...), nor another round's or process's.
                    "event_id": (series * 100 + seed + 1) * 10**9 + i,
                    "type": rng.choice(KINDS),
                    "created": time.time(),
                    "data": {"from_user": user(a), "to_user": user(b)},
                }
            ).encode()
            headers = {
                "Content-Type": "application/json",
                signature.HEADER: signature.sign(SECRET, body),
            }
            status, _, answer = call(base + "/webhooks/selfcommunity/", headers, "POST", body)
            if status != 200 or answer["status"] == "duplicate":
                raise RuntimeError(status, answer)

        return post

    return make


def get_ready(base: str):
    def make(seed: int):
        def get(i: int) -> None:
            if call(base + "/health/ready")[0] != 200:
                raise RuntimeError("not ready")

        return get

    return make


def revision(checkout: Path) -> str:
    """The short commit a checkout is at, to name it in the results."""
    return subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.1f}" for x in load)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="closed-loop clients")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="events a second, open loop (not --processes); repeat for several rates",
    )
    parser.add_argument(
        "--compare", type=Path, help="another checkout (e.g. main's) served on the same Neo4j"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--pace", type=float, default=0.02, help="seconds between actions")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)

    a_settings, a_server = instance("whbench-a", 20)
    b_settings, b_server = instance("whbench-b", 21)
    b_env = neo4j_env(
        b_settings, SELFCOMMUNITY_WEBHOOK_SECRET=SECRET, JWT_SECRET=JWT, LOG_LEVEL="warning"
    )
    b = Gunicorn(b_env).start()
    servers = {"this tree": b}
    if args.compare:
        servers[f"{args.compare} ({revision(args.compare)})"] = Gunicorn(
            b_env, checkout=args.compare.resolve()
        ).start()
    load_before = os.getloadavg()
    series = iter(range(1, 10**6))
    try:
        print("receiver latency ...", flush=True)
        # Warm up: the first requests of each worker connect and plan every query (on a cold,
        # busy Neo4j the very first may time out: 503).
        for server in servers.values():
            warm = post_events(server.base, next(series))(0)
            for i in range(40):
                with contextlib.suppress(RuntimeError):
                    warm(i)

        def measure(name, make_call, rate):
            if rate:
                return harness.run_at_rate(name, make_call, rate=rate, seconds=args.seconds)
            return harness.run(name, make_call, processes=args.processes, seconds=args.seconds)

        results = {}  # (rate or None, "ready" or a server's label) -> median Result
        for rate in args.rate or [None]:
            runs = {"ready": [], **{label: [] for label in servers}}
            for _ in range(3):  # rotate so drift hits every variant alike
                runs["ready"].append(measure("GET /health/ready", get_ready(b.base), rate))
                for label, server in servers.items():
                    make_call = post_events(server.base, next(series))
                    runs[label].append(measure(f"POST webhook ({label})", make_call, rate))
            for name, rounds in runs.items():
                # Open loop: every round sends the same, so the median is by p99.
                key = (lambda r: r.p99_ms) if rate else (lambda r: r.rps)
                results[rate, name] = harness.median_of(rounds, key)
                print(f"rate {rate}: {results[rate, name].row()}", flush=True)
        load_after = os.getloadavg()
        for server in servers.values():
            if server is not b:
                server.stop()  # only B's own receiver takes part in the lag

        print(f"lag A -> B over {args.actions} lifecycle actions ...", flush=True)
        a_env = neo4j_env(
            a_settings, JWT_SECRET=JWT, WEBHOOK_POLL_SECONDS="0.05", LOG_LEVEL="warning"
        )
        a = Gunicorn(a_env).start()
        with db.create_driver(a_settings) as a_driver:
            graph = Runner(a_driver, a_settings.neo4j_database)
            store = WebhookStore(graph)
            store.add_subscriber(
                b.base + "/webhooks/selfcommunity/", SECRET, [], False, time.time()
            )
            worker = deliver_worker(a_env).start()
            rng = random.Random(5)
            tokens = {u: auth.mint_token(u, JWT, ttl_seconds=3600) for u in range(1, 21)}
            try:
                for _ in range(args.actions):
                    actor, other = rng.sample(range(1, 21), 2)
                    action = rng.choice(["request", "accept", "remove"])
                    call(
                        f"{a.base}/api/v2/user/{other}/connection/{action}/",
                        {"Authorization": f"Bearer {tokens[actor]}"},
                        "POST",
                        b"",
                    )
                    time.sleep(args.pace)
                records, _, _ = a_driver.execute_query(
                    "MATCH (e:Event) RETURN e.id AS id, e.created AS created",
                    database_=a_settings.neo4j_database,
                )
                created = {r["id"]: r["created"].to_native().timestamp() for r in records}
                deadline = time.monotonic() + 120
                while store.list_subscribers()[0]["cursor"] < max(created):
                    if time.monotonic() > deadline:
                        raise SystemExit("bench: the worker did not catch up in 120 s")
                    time.sleep(0.2)
            finally:
                worker.stop()
                a.stop()
        with db.create_driver(b_settings) as b_driver:
            records, _, _ = b_driver.execute_query(
                "MATCH (r:ReceivedEvent) WHERE r.event_id < 1000000000 "
                "RETURN r.event_id AS id, r.received_at AS at",
                database_=b_settings.neo4j_database,
            )
        lags = [(r["at"] - created[r["id"]]) * 1000 for r in records if r["id"] in created]
    finally:
        for server in servers.values():
            server.stop()
        for server in (a_server, b_server):
            server.stop()
            shutil.rmtree(server.settings.home, ignore_errors=True)
    if args.rate:
        how = "open loop at a fixed rate (latency from each scheduled start)"
    else:
        how = f"{args.processes} client processes back to back"
    rows = []
    for rate in args.rate or [None]:
        offered = f"{rate:g}" if rate else "closed loop"
        ready = results[rate, "ready"]
        rows.append(
            f"| {offered} | GET /health/ready (baseline) | {ready.rps:.1f} | {ready.p50_ms:.1f} | "
            f"{ready.p99_ms:.1f} | 1.0× | {ready.errors} |"
        )
        for label in servers:
            hook = results[rate, label]
            rows.append(
                f"| {offered} | POST /webhooks/selfcommunity/, {label} | {hook.rps:.1f} | "
                f"{hook.p50_ms:.1f} | {hook.p99_ms:.1f} | {hook.p99_ms / ready.p99_ms:.1f}× | "
                f"{hook.errors} |"
            )
    body = "\n".join(
        [
            f"Receiver: {how}, median ({'by p99' if args.rate else 'by req/s'}) of 3 rotated "
            f"{args.seconds:g}-second rounds; baseline "
            "/health/ready on the same server. Load average (1/5/15 min) "
            f"{fmt_load(load_before)} before, {fmt_load(load_after)} after.",
            "",
            "| offered req/s | request | achieved req/s | p50 ms | p99 ms | p99 vs baseline | errors |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Lag, change on A → applied on B (delivery worker polling every 50 ms): "
            f"{len(lags)} events, p50 {percentile(lags, 0.5):.0f} ms, p99 {percentile(lags, 0.99):.0f} ms, "
            f"max {max(lags):.0f} ms.",
        ]
    )
    print(body)
    if args.record:
        record(
            "Webhooks: receiver latency and A → B lag",
            "python -m bench.webhooks " + " ".join(argv or sys.argv[1:]),
            body,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
