"""`make bench-cache`: the cache over HTTP against the uncached path and a bare-Falcon page.

One run, one Neo4j graph (the 1M reference graph of bench.toolkit.graphs, built once and shared
with the other benchmarks; or, when NEO4J_INSTANCE is set, that instance on BENCH_BOLT_PORT/
BENCH_HTTP_PORT, which must hold a generated graph), one Redis of its own
(`bench-cache` on BENCH_REDIS_PORT), three servers under the same gunicorn settings (2 workers,
gthread): the app with the cache, the app without (CACHE_ENABLED=false), and bench/bare_app.py
returning a pre-encoded page (the HTTP ceiling). Measured:

- page 1 (limit 20) of 4,000 random active users, wrk at 2 and 8 connections, cache warm;
- one client: p50 of a hit, of a miss (the user invalidated before each read) and uncached;
- lifecycle write p50 (request, then cancel) with and without the cache;
- uniform and Zipf(1.1) mixes of 99.8% reads (lists, user detail, counters, statuses) and
  0.2% writes from 2 client processes, cold (empty cache) and warm: hit ratio, p50/p99, req/s;
- Redis memory and keys; CPU ms per request of the API workers, Redis and Neo4j (capacity).

    .venv/bin/python -m bench.cache [--seconds 8] [--record]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import quiet_gunicorn
from bench.toolkit import ROOT
from bench.toolkit.graphs import REFERENCE_1M, generated_graph
from bench.toolkit.harness import run
from bench.toolkit.instances import bench_ports, own_neo4j
from bench.toolkit.launcher import APP, Gunicorn
from bench.toolkit.results import command_line, record
from bench.toolkit.stats import percentile
from service.config import RedisServerSettings
from service.domain import auth
from service.graph import cypher, db
from service.ops.redis_server import LocalRedis

OUT = ROOT / "bench" / "out" / "cache"
SECRET = "c" * 32
WRK_LUA = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local headers = {["Accept"] = "application/json"}
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def wrk(base: str, paths_file: Path, connections: int, seconds: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) from wrk over random lines of `paths_file`."""
    script = OUT / "paths.lua"
    script.write_text(WRK_LUA)
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + ["-s", str(script), base],
        env=dict(os.environ, WRK_PATHS=str(paths_file)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        log(f"wrk: non-2xx responses: {out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rps, ms("50%"), ms("99%")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--users", type=int, default=4000, help="sampled active users")
    parser.add_argument("--record", action="store_true")
    parser.add_argument(
        "--writes-only", action="store_true", help="only the interleaved write comparison"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)

    if os.environ.get("NEO4J_INSTANCE"):
        server, settings = own_neo4j(os.environ["NEO4J_INSTANCE"], *bench_ports())
        server.start()
    else:
        server, settings = generated_graph(REFERENCE_1M)
    redis_port = int(os.environ.get("BENCH_REDIS_PORT", "7380"))
    redis_server = LocalRedis(
        RedisServerSettings.own_instance("bench-cache", redis_port, REDIS_MAXMEMORY="1gb")
    )
    redis_server.start()
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/sample_users"), n=args.users, database_=settings.neo4j_database
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
    paths_file = OUT / "paths.txt"
    paths_file.write_text("".join(f"/api/v2/user/{u}/connections/?limit=20\n" for u in users))
    page_paths = [f"/api/v2/user/{u}/connections/?limit=20" for u in users]
    app_env = {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_server.settings.url,
        "CACHE_TTL_SECONDS": "7200",
        # One client address sends every request: the reads budget (600/minute) would answer
        # 429 to nearly all of them; rate limits are measured by bench/abuse.py, not here.
        "RATE_LIMITS_ENABLED": "false",
    }
    import redis as redis_py

    rclient = redis_py.Redis.from_url(redis_server.settings.url)
    rclient.flushdb()
    figures: dict = {"graph users": total_users, "sampled users": len(users)}
    rows: list[str] = []
    neo4j_pid = server.pid()
    redis_pid = redis_server.pid()

    def cpu_row(name: str, app: Gunicorn, requests: int, before: dict) -> None:
        after = {
            "api": cpu_seconds(app.worker_pids()),
            "redis": cpu_seconds([redis_pid] if redis_pid else []),
            "neo4j": cpu_seconds([neo4j_pid] if neo4j_pid else []),
        }
        per = {k: (after[k] - before[k]) * 1000 / max(requests, 1) for k in after}
        figures[f"cpu ms per request, {name}"] = {k: round(v, 3) for k, v in per.items()}

    def cpu_now(app: Gunicorn) -> dict:
        return {
            "api": cpu_seconds(app.worker_pids()),
            "redis": cpu_seconds([redis_pid] if redis_pid else []),
            "neo4j": cpu_seconds([neo4j_pid] if neo4j_pid else []),
        }

    variants = {
        "cached": (APP, {**app_env, "CACHE_ENABLED": "true"}),
        "uncached": (APP, {**app_env, "CACHE_ENABLED": "false"}),
        "bare Falcon, pre-encoded page": ("bench.bare_app:create_bare_app()", app_env),
    }
    rng = random.Random(1)
    pairs = [tuple(rng.sample(users, 2)) for _ in range(100)]
    for name, (spec, env) in variants.items():
        with quiet_gunicorn(spec, 2, env) as app:
            base = app.base
            log(f"{name}: serving on {base}")
            if name == "cached":
                started = time.monotonic()
                one_client(base, page_paths)  # cold: every page a miss, and the fill
                figures["cold pass over all sampled pages, s"] = round(
                    time.monotonic() - started, 1
                )
            wrk(base, paths_file, 4, 2)  # warm-up (and, cached, every page warm)
            for conns in (2, 8):
                before = cpu_now(app)
                rps, p50, p99 = wrk(base, paths_file, conns, args.seconds)
                cpu_row(f"{name} c={conns}", app, int(rps * args.seconds), before)
                figures[f"page 1 {name} c={conns}"] = (round(rps), p50, p99)
                log(f"{name} c={conns}: {rps:.0f}/s p50 {p50} p99 {p99}")
            if name == "bare Falcon, pre-encoded page":
                continue
            sample = page_paths[:400]
            figures[f"one client p50 ms, {name}"] = round(one_client(base, sample), 2)
            if name == "cached":
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
                    ratio = hit_ratio(counts, cache_counts(base)) if name == "cached" else None
                    figures[f"mix {label} {phase}, {name}"] = {
                        "req/s": round(result.rps),
                        "p50": round(result.p50_ms, 2),
                        "p99": round(result.p99_ms, 2),
                        "errors": result.errors,
                        "hit ratio": None if ratio is None else round(ratio, 3),
                    }
                    log(f"{result.row()} hit ratio {ratio}")
            if name == "cached":
                figures["redis memory"] = rclient.info("memory")["used_memory_human"]
                figures["redis keys"] = rclient.dbsize()
    rclient.close()
    redis_server.stop()

    def page(name: str, c: int) -> str:
        rps, p50, p99 = figures[f"page 1 {name} c={c}"]
        return f"{rps} pages/s, p50 {p50:.2f} / p99 {p99:.2f} ms"

    rows = [
        "| what | figure |",
        "|---|---|",
        f"| graph | {total_users:,} users; {len(users):,} sampled active users |",
    ]
    for c in (2, 8):
        cached, uncached = figures[f"page 1 cached c={c}"], figures[f"page 1 uncached c={c}"]
        bare = figures[f"page 1 bare Falcon, pre-encoded page c={c}"]
        rows.append(
            f"| page 1, wrk c={c}: cached / uncached / bare Falcon | {page('cached', c)} / "
            f"{page('uncached', c)} / {page('bare Falcon, pre-encoded page', c)}: cached = "
            f"**{cached[0] / uncached[0]:.1f}×** uncached, **{cached[0] / bare[0]:.2f}×** bare |"
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
    for key, value in figures.items():
        if key.startswith("cpu ms"):
            rows.append(
                f"| {key} (api / redis / neo4j) | {value['api']} / {value['redis']} / {value['neo4j']} |"
            )
    table = "\n".join(rows)
    print(table)
    (OUT / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    if args.record:
        record("The cache (issue 18)", command_line("bench.cache", argv), table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
