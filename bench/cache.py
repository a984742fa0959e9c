"""`make bench-cache`: the cache over HTTP against the uncached path and a bare-Falcon page.

One run, one Neo4j graph (the 1M reference graph of bench.toolkit.graphs, built once and shared
with the other benchmarks, or the generated graph the --users etc. options name; when
NEO4J_INSTANCE is set, that instance on BENCH_BOLT_PORT/BENCH_HTTP_PORT, which must hold the
graph those options generate), one Redis of its own (`bench-cache` on BENCH_REDIS_PORT), three
servers under the same gunicorn settings (2 workers, gthread): the app with the cache, the app
without (CACHE_ENABLED=false), and bench/bare_app.py returning a pre-encoded page (the HTTP
ceiling); and the PostgreSQL peer of bench/postgres.py loaded with the same graph (same
generator options and seed; PEER_PG_PORT; `--skip-peer` leaves it out). Measured:

- page 1 (limit 20) of 4,000 (--sample) random active users after ~12,000 warm-up pages per side, in
  rotating rounds (median round): wrk at 2 and 8 connections, cache warm, and the peer at 2
  client processes (psycopg, no HTTP) over the same users;
- one client: p50 of a hit, of a miss (the user invalidated before each read) and uncached;
- lifecycle write p50 (request, then cancel) with and without the cache;
- uniform and Zipf(1.1) mixes of 99.8% reads (lists, user detail, counters, statuses) and
  0.2% writes from 2 client processes, cold (empty cache) and warm: hit ratio, p50/p99, req/s;
- Redis memory and keys; CPU ms per request of the API workers, Redis and Neo4j (capacity);
- the suggestions sweep and Redis's entry sizes (bench/cache_sweeps.py).

A wrk round in which a worker did under a quarter of the work is run again (`balanced`).

    .venv/bin/python -m bench.cache [--seconds 8] [--rounds 3] [--skip-peer] [--record]
        [--sample 4000] [--users 1000000 --avg-degree 21 --supernodes 5 --supernode-degree 100000
        --seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from bench import cache_sweeps, postgres
from bench.common import quiet_gunicorn
from bench.toolkit import ROOT
from bench.toolkit.graphs import (
    REFERENCE_1M,
    add_graph_options,
    generated_graph,
    graph_config,
    stamp_of,
)
from bench.toolkit.harness import rotated, run
from bench.toolkit.instances import bench_ports, own_neo4j
from bench.toolkit.launcher import APP, Gunicorn
from bench.toolkit.results import command_line, record
from bench.toolkit.stats import percentile
from bench.toolkit.wrk import wrk
from service.config import RedisServerSettings
from service.domain import auth
from service.graph import cypher, db
from service.ingest.generate import GeneratorConfig
from service.ops.redis_server import LocalRedis

OUT = ROOT / "bench" / "out" / "cache"
SECRET = "c" * 32
CACHED, UNCACHED, BARE = "cached", "uncached", "bare Falcon, pre-encoded page"
PEER = "PostgreSQL peer"
WARM_PAGES = 12_000  # issue 18: ~12,000 pages per side before measuring


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


# With 2 workers and 2 connections, both connections land on one worker about half the time
# (a gthread worker accepts whatever it can): such a round measures one worker, not the node,
# and halves any variant's figure at random. A round where a worker did less than this share
# of the work is run again (every HTTP variant alike).
MIN_WORKER_SHARE = 0.25
BALANCE_TRIES = 6


def balanced(app: Gunicorn, measure, label: str):
    """`measure()`'s result from a round in which every worker did its share of the work."""
    for attempt in range(1, BALANCE_TRIES + 1):
        pids = app.worker_pids()
        before = [cpu_seconds([pid]) for pid in pids]
        result = measure()
        spent = [cpu_seconds([pid]) - b for pid, b in zip(pids, before, strict=True)]
        share = min(spent) / max(sum(spent), 1e-9)
        if share >= MIN_WORKER_SHARE or attempt == BALANCE_TRIES:
            return result
        log(f"{label}: one worker did {share:.0%} of the work (connections on one worker); again")
    raise AssertionError("unreachable")


def bearer(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=7200)}


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, base: str):
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(self, method: str, path: str, headers=None, body=None) -> tuple[int, float]:
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        resp.read()
        return resp.status, (time.perf_counter() - started) * 1000

    def get_json(self, path: str, headers=None) -> dict:
        self.conn.request("GET", path, headers=headers or {})
        resp = self.conn.getresponse()
        body = resp.read()
        assert resp.status == 200, (path, resp.status, body[:200])
        return json.loads(body)


def one_client(base: str, paths: list[str], before=None) -> float:
    """p50 ms of GETs of `paths` in turn on one connection (`before(path)` untimed)."""
    client = Client(base)
    times = []
    for path in paths:
        if before:
            before(path)
        status, ms = client.call("GET", path)
        assert status == 200, (path, status)
        times.append(ms)
    return percentile(sorted(times), 0.5)


def write_p50(base: str, pairs: list[tuple[int, int]]) -> float:
    """p50 ms of a lifecycle write: a request, then its cancel (so the graph is left as it was)."""
    client = Client(base)
    times = []
    for a, b in pairs:
        for action in ("request", "cancel_request"):
            status, ms = client.call("POST", f"/api/v2/user/{b}/connection/{action}/", bearer(a))
            assert status == 200, status
            times.append(ms)
    return percentile(sorted(times), 0.5)


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def mixed(base: str, users: list[int], weights: list[float] | None, write_share: float):
    """A harness call factory: TAO's mix of reads and a share of lifecycle writes."""

    def make(seed: int):
        rng = random.Random(seed)
        client = Client(base)
        tokens = {}

        def token(u: int) -> dict:
            if u not in tokens:
                tokens[u] = {**bearer(u), "Content-Type": "application/json"}
            return tokens[u]

        def call(i: int):
            a, b = rng.choices(users, weights, k=2)
            if rng.random() < write_share and a != b:
                # request then cancel: the graph stays as it was, the caches are invalidated
                for action in ("request", "cancel_request"):
                    client.call("POST", f"/api/v2/user/{b}/connection/{action}/", token(a))
                return True
            kind = rng.random()
            if kind < 0.55:
                status, _ = client.call("GET", f"/api/v2/user/{a}/connections/?limit=20", token(b))
            elif kind < 0.75:
                status, _ = client.call("GET", f"/api/v2/user/{a}/", token(b))
            elif kind < 0.90:
                status, _ = client.call("GET", f"/api/v2/user/{a}/counters/")
            else:
                body = json.dumps({"users": rng.choices(users, weights, k=10)})
                status, _ = client.call("POST", "/api/v2/user/connection/statuses/", token(b), body)
            return status == 200

        return call

    return make


def cache_counts(base: str) -> dict[str, float]:
    """Cache lookups by outcome, summed over every kind, from the node's /metrics."""
    conn = Client(base).conn
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    counts: dict[str, float] = {}
    for match in re.finditer(
        r'connections_cache_requests_total\{kind="[^"]+",outcome="([^"]+)"\} ([\d.e+]+)', text
    ):
        counts[match.group(1)] = counts.get(match.group(1), 0.0) + float(match.group(2))
    return counts


def page_hits(base: str) -> tuple[float, float]:
    """(page hits, of them served from a worker's kept copy) so far, from the node's /metrics."""
    conn = Client(base).conn
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    hits = re.search(
        r'connections_cache_requests_total\{kind="page",outcome="hit"\} ([\d.e+]+)', text
    )
    kept = re.search(r'connections_cache_near_total\{outcome="hit"\} ([\d.e+]+)', text)
    return (float(hits.group(1)) if hits else 0.0, float(kept.group(1)) if kept else 0.0)


def hit_ratio(before: dict, after: dict) -> float:
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    looked = sum(delta.get(k, 0) for k in ("hit", "miss", "partial"))
    return delta.get("hit", 0) / looked if looked else float("nan")


def writes_interleaved(settings, redis_url: str, users: list[int], rounds: int = 120) -> dict:
    """In one process, alternating: lifecycle write p50 with the invalidation and without, and
    the invalidation alone (what the cache adds to a write, free of the order of variants)."""
    import statistics

    from service.cache.client import CacheClient
    from service.cache.layer import Invalidation
    from service.cache.store import CacheStore
    from service.domain.connections import ConnectionsService, Viewer
    from service.domain.errors import ActionNotAllowed
    from service.domain.lifecycle import Action
    from service.domain.ports import NO_CACHE
    from service.graph.layer import open_graph

    graph = open_graph(db.create_driver(settings), settings.neo4j_database)
    invalidation = Invalidation(CacheStore(CacheClient(redis_url, 0.05)))
    services = {
        "with": ConnectionsService(graph, settings, cache=invalidation),
        "without": ConnectionsService(graph, settings, cache=NO_CACHE),
    }
    rng = random.Random(3)
    times: dict[str, list[float]] = {"with": [], "without": [], "invalidation": []}
    for i in range(rounds):
        a, b = rng.sample(users, 2)
        name = ("with", "without")[i % 2]
        for action in (Action.REQUEST, Action.CANCEL_REQUEST):
            started = time.perf_counter()
            with contextlib.suppress(ActionNotAllowed):
                services[name].change_connection(Viewer(a, False), b, action)
            times[name].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        invalidation.users_changed([a, b])
        times["invalidation"].append((time.perf_counter() - started) * 1000)
    graph.close()
    return {k: round(statistics.median(v), 2) for k, v in times.items()}


def check_instance(home: Path, cfg: GeneratorConfig, total_users: int) -> None:
    """NEO4J_INSTANCE must hold `cfg`'s graph, or the peer would be loaded with another one."""
    stamp = home / "graph.stamp"
    if stamp.exists() and stamp.read_text() != stamp_of(cfg):
        raise SystemExit(f"{home} holds {stamp.read_text()!r}, not {cfg}: pass its options")
    if total_users != cfg.users:
        raise SystemExit(
            f"NEO4J_INSTANCE holds {total_users:,} users, not --users {cfg.users:,}: "
            "pass the options it was generated with, or --skip-peer"
        )


def warm_http(base: str, paths_file: Path, pages: int = WARM_PAGES) -> int:
    """wrk at 4 connections, 2 s at a time, until `pages` requests have been answered (at most
    two minutes); how many were."""
    done, deadline = 0, time.monotonic() + 120
    while done < pages and time.monotonic() < deadline:
        done += int(wrk(base, paths_file, 4, 2)[0] * 2)
    return done


def peer_pages(dsn: str, users: list[int]):
    """A harness call factory: page 1 (limit 20) of a random sampled user from the peer."""

    def make(seed: int):
        rng = random.Random(seed)
        conn = postgres.connect(dsn)
        return lambda i: postgres.page(conn, rng.choice(users), 0, 20)

    return make


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: the run's knobs and the generated graph's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="rotating rounds of page 1")
    parser.add_argument("--sample", type=int, default=4000, help="sampled active users")
    parser.add_argument("--record", action="store_true")
    parser.add_argument(
        "--writes-only", action="store_true", help="only the interleaved write comparison"
    )
    parser.add_argument("--skip-peer", action="store_true", help="no PostgreSQL peer row")
    add_graph_options(parser, REFERENCE_1M)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = graph_config(args)
    OUT.mkdir(parents=True, exist_ok=True)

    if os.environ.get("NEO4J_INSTANCE"):
        server, settings = own_neo4j(os.environ["NEO4J_INSTANCE"], *bench_ports())
        server.start()
    else:
        server, settings = generated_graph(cfg)
    redis_port = int(os.environ.get("BENCH_REDIS_PORT", "7380"))
    redis_server = LocalRedis(
        RedisServerSettings.own_instance("bench-cache", redis_port, REDIS_MAXMEMORY="1gb")
    )
    redis_server.start()
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/sample_users"), n=args.sample, database_=settings.neo4j_database
        )
        total_users = driver.execute_query(
            "MATCH (u:User) RETURN count(u) AS n", database_=settings.neo4j_database
        ).records[0]["n"]
    users = [r["id"] for r in records]
    if args.writes_only:
        figures = writes_interleaved(settings, redis_server.settings.url, users)
        redis_server.stop()
        table = (
            "| lifecycle write p50, interleaved in one process: with the invalidation / without "
            f"/ the invalidation alone | {figures['with']} / {figures['without']} / "
            f"{figures['invalidation']} ms |"
        )
        print(table)
        if args.record:
            record("The cache: writes (issue 18)", command_line("bench.cache", argv), table)
        return 0
    peer_dsn = None
    if not args.skip_peer:
        if os.environ.get("NEO4J_INSTANCE"):
            check_instance(server.settings.home, cfg, total_users)
        peer_dsn = postgres.ensure_peer(cfg)
    paths_file = OUT / "paths.txt"
    paths_file.write_text("".join(f"/api/v2/user/{u}/connections/?limit=20\n" for u in users))
    page_paths = [f"/api/v2/user/{u}/connections/?limit=20" for u in users]
    app_env = {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_server.settings.url,
        "CACHE_TTL_SECONDS": "7200",
    }
    import redis as redis_py

    rclient = redis_py.Redis.from_url(redis_server.settings.url)
    rclient.flushdb()
    figures: dict = {"graph users": total_users, "sampled users": len(users)}
    neo4j_pid = server.pid()
    redis_pid = redis_server.pid()

    def cpu_now(app: Gunicorn) -> dict:
        return {
            "api": cpu_seconds(app.worker_pids()),
            "redis": cpu_seconds([redis_pid] if redis_pid else []),
            "neo4j": cpu_seconds([neo4j_pid] if neo4j_pid else []),
        }

    variants = {
        CACHED: (APP, {**app_env, "CACHE_ENABLED": "true"}),
        UNCACHED: (APP, {**app_env, "CACHE_ENABLED": "false"}),
        BARE: ("bench.bare_app:create_bare_app()", app_env),
    }
    rng = random.Random(1)
    pairs = [tuple(rng.sample(users, 2)) for _ in range(100)]
    with contextlib.ExitStack() as stack:
        apps = {
            name: stack.enter_context(quiet_gunicorn(spec, 2, env))
            for name, (spec, env) in variants.items()
        }
        started = time.monotonic()
        one_client(apps[CACHED].base, page_paths)  # cold: every page a miss, and the fill
        figures["cold pass over all sampled pages, s"] = round(time.monotonic() - started, 1)
        for name, app in apps.items():
            log(f"warm-up: {name} on {app.base}, {warm_http(app.base, paths_file):,} pages")
        if peer_dsn:
            with postgres.connect(peer_dsn) as conn:
                log(f"warm-up: {PEER}, {WARM_PAGES:,} pages in {postgres.warm(conn, users):.0f} s")

        # Page 1 in rotating rounds: every side at 2 clients (and HTTP at 8) in each round.
        steps: list[tuple[str, int]] = [(name, c) for c in (2, 8) for name in apps]
        steps += [(PEER, 2)] if peer_dsn else []
        rounds: dict[tuple[str, int], list[tuple[float, float, float]]] = {s: [] for s in steps}
        cpu: dict[tuple[str, int], dict[str, float]] = {}
        hits_before = page_hits(apps[CACHED].base)
        for round_ in range(args.rounds):
            for name, c in rotated(steps, round_):
                if name == PEER:
                    assert peer_dsn is not None
                    r = run(PEER, peer_pages(peer_dsn, users), processes=c, seconds=args.seconds)
                    rounds[name, c].append((r.rps, r.p50_ms, r.p99_ms))
                    log(f"round {round_ + 1}: {r.row()}")
                    continue

                def one_round(app=apps[name], c=c):
                    before = cpu_now(app)
                    measured = wrk(app.base, paths_file, c, args.seconds)
                    return measured, before, cpu_now(app)

                (rps, p50, p99), before, after = balanced(apps[name], one_round, f"{name} c={c}")
                total = cpu.setdefault((name, c), {"requests": 0.0})
                total["requests"] += rps * args.seconds
                for k in after:
                    total[k] = total.get(k, 0.0) + after[k] - before[k]
                rounds[name, c].append((rps, p50, p99))
                log(f"round {round_ + 1}: {name} c={c}: {rps:.0f}/s p50 {p50} p99 {p99}")
        hits_after = page_hits(apps[CACHED].base)
        hits = hits_after[0] - hits_before[0]
        figures["page hits in the rounds served kept"] = (
            round((hits_after[1] - hits_before[1]) / hits, 3) if hits else None
        )
        for (name, c), values in rounds.items():
            rps, p50, p99 = sorted(values)[len(values) // 2]
            figures[f"page 1 {name} c={c}"] = (round(rps), p50, p99)
        for (name, c), total in cpu.items():
            per = {k: v * 1000 / max(total["requests"], 1) for k, v in total.items()}
            figures[f"cpu ms per request, {name} c={c}"] = {
                k: round(per[k], 3) for k in ("api", "redis", "neo4j")
            }

        for name in (CACHED, UNCACHED):
            base = apps[name].base
            sample = page_paths[:400]
            figures[f"one client p50 ms, {name}"] = round(one_client(base, sample), 2)
            if name == CACHED:
                from service.cache.client import CacheClient
                from service.cache.layer import Invalidation
                from service.cache.store import CacheStore

                invalidation = Invalidation(CacheStore(CacheClient(app_env["REDIS_URL"], 1.0)))

                def forget(path: str, invalidation=invalidation) -> None:
                    invalidation.users_changed([int(path.split("/")[4])])

                figures["one client p50 ms, cached miss"] = round(
                    one_client(base, sample, forget), 2
                )
            write_p50(base, pairs)  # warm-up: the first variant would pay Neo4j's cold writes
            figures[f"write p50 ms, {name}"] = round(write_p50(base, pairs), 2)
            for label, weights in (
                ("uniform", None),
                ("zipf 1.1", zipf_weights(len(users), 1.1)),
            ):
                for phase in ("cold", "warm"):
                    if phase == "cold":
                        rclient.flushdb()
                    counts = cache_counts(base)
                    result = run(
                        f"{name} {label} {phase}",
                        mixed(base, users, weights, 0.002),
                        processes=2,
                        seconds=args.seconds,
                        warmup=0.0 if phase == "cold" else 1.0,
                    )
                    ratio = hit_ratio(counts, cache_counts(base)) if name == CACHED else None
                    figures[f"mix {label} {phase}, {name}"] = {
                        "req/s": round(result.rps),
                        "p50": round(result.p50_ms, 2),
                        "p99": round(result.p99_ms, 2),
                        "errors": result.errors,
                        "hit ratio": None if ratio is None else round(ratio, 3),
                    }
                    log(f"{result.row()} hit ratio {ratio}")
            if name == CACHED:
                figures["redis memory"] = rclient.info("memory")["used_memory_human"]
                figures["redis keys"] = rclient.dbsize()
                sweeps(figures, apps[CACHED].base, rclient, settings, users)
    rclient.close()
    redis_server.stop()
    table = figures_table(figures, args.rounds, args.seconds)
    print(table)
    (OUT / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    if args.record:
        record("The cache (issue 18)", command_line("bench.cache", argv), table)
    return 0


def sweeps(figures: dict, base: str, rclient, settings, users: list[int]) -> None:
    """The entry sizes after the mixes, then the suggestions sweep (bench/cache_sweeps.py)."""
    kinds = cache_sweeps.memory_by_kind(rclient)
    figures["redis entries"] = kinds
    figures["whole graph page 1, bytes"] = cache_sweeps.whole_graph_bytes(
        kinds, figures["graph users"]
    )
    client = Client(base)
    with db.create_driver(settings) as driver:
        groups = cache_sweeps.sweep_users(driver, settings.neo4j_database, users, client)
        sweep = cache_sweeps.suggestion_sweep(
            client, groups, bearer, rclient.flushdb, driver, settings.neo4j_database
        )
    sweep["groups"] = ", ".join(f"{len(v)} {k}" for k, v in groups.items())
    figures["suggestions sweep"] = sweep
    log(f"suggestions sweep: {sweep}")


def figures_table(figures: dict, rounds: int, seconds: int) -> str:
    """The Markdown table of one run's figures (the peer's row when it was measured)."""

    def page(name: str, c: int) -> str:
        rps, p50, p99 = figures[f"page 1 {name} c={c}"]
        return f"{rps} pages/s, p50 {p50:.2f} / p99 {p99:.2f} ms"

    rows = [
        "| what | figure |",
        "|---|---|",
        f"| graph | {figures['graph users']:,} users; {figures['sampled users']:,} sampled "
        f"active users; page 1, limit 20: median of {rounds} rotating rounds of {seconds} s |",
    ]
    for c in (2, 8):
        cached, uncached = figures[f"page 1 {CACHED} c={c}"], figures[f"page 1 {UNCACHED} c={c}"]
        bare = figures[f"page 1 {BARE} c={c}"]
        rows.append(
            f"| page 1, wrk c={c}: cached / uncached / bare Falcon | {page(CACHED, c)} / "
            f"{page(UNCACHED, c)} / {page(BARE, c)}: cached = "
            f"**{cached[0] / uncached[0]:.1f}×** uncached, **{cached[0] / bare[0]:.2f}×** bare |"
        )
    rows.append(
        "| share of the rounds' cached page hits served from a worker's kept copy "
        f"(service/cache/near.py, CACHE_NEAR_MB default) | {figures['page hits in the rounds served kept']} |"
    )
    if f"page 1 {PEER} c=2" in figures:
        peer = figures[f"page 1 {PEER} c=2"]
        rows.append(
            f"| page 1, 2 client processes: {PEER} (bench/postgres.py: psycopg, no HTTP; same "
            f"users, same rounds) | {page(PEER, 2)}: cached (wrk c=2) = "
            f"**{figures[f'page 1 {CACHED} c=2'][0] / peer[0]:.2f}×** the peer, uncached "
            f"{figures[f'page 1 {UNCACHED} c=2'][0] / peer[0]:.2f}× (goal: cached ≥ 2×) |"
        )
    rows.append(
        f"| one client p50: hit / miss / uncached | {figures['one client p50 ms, cached']} / "
        f"{figures['one client p50 ms, cached miss']} / "
        f"{figures['one client p50 ms, uncached']} ms |"
    )
    rows.append(
        f"| lifecycle write p50: cached / uncached | {figures['write p50 ms, cached']} / "
        f"{figures['write p50 ms, uncached']} ms |"
    )
    for label in ("uniform", "zipf 1.1"):
        for phase in ("cold", "warm"):
            c = figures[f"mix {label} {phase}, cached"]
            u = figures[f"mix {label} {phase}, uncached"]
            rows.append(
                f"| 99.8% reads / 0.2% writes, {label}, {phase}, 2 clients: cached / uncached | "
                f"{c['req/s']} / {u['req/s']} req/s, p50 {c['p50']} / {u['p50']}, p99 "
                f"{c['p99']} / {u['p99']} ms, hit ratio {c['hit ratio']} |"
            )
    rows.append(
        f"| Redis memory after the run | {figures['redis memory']}, {figures['redis keys']:,} keys |"
    )
    rows += cache_sweeps.table_rows(figures)
    for key, value in figures.items():
        if key.startswith("cpu ms"):
            rows.append(
                f"| {key} (api / redis / neo4j) | {value['api']} / {value['redis']} / {value['neo4j']} |"
            )
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
