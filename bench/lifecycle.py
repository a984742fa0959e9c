"""Connection lifecycle writes: their latency, and how much they slow the read path.

One invocation, one gunicorn (the real app), a small graph: the demo community (3,000 users)
in its own managed instance `bench-lifecycle` (ports BENCH_BOLT_PORT/BENCH_HTTP_PORT, default
7688/7475), loaded on first use; writes leave it as it was (each cycle removes what it made),
so runs compare. Each round runs
(R) reads alone: authenticated first pages of random users, from P reader processes;
(RW) the same reads while W writer processes run request -> accept -> remove cycles between
random users (every POST timed); and the control (RR) the same reads while W more processes
read too, which loads gunicorn's workers as much as the writers do. RW/R is the slowdown a
reader sees; RW/RR is the part due to the writes themselves rather than to W more clients.
Rounds rotate the order; medians are reported, as ratios within one run (the machines are shared
and noisy).

    .venv/bin/python -m bench.lifecycle --readers 2 --writers 2 --seconds 10 --rounds 3 [--record]
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import multiprocessing as mp
import os
import random
import sys
from functools import partial

from bench.common import quiet_gunicorn, sample_users
from bench.toolkit.harness import median_of, run
from bench.toolkit.results import record
from service.config import Neo4jServerSettings, Settings
from service.domain.auth import mint_token
from service.ingest.loading import ensure_demo
from service.ops.neo4j_server import LocalNeo4j

SECRET = "bench-lifecycle-secret-0123456789abcdef"


def lifecycle_settings() -> Settings:
    """The `bench-lifecycle` instance (started if needed) holding the demo community."""
    env = dict(
        os.environ,
        NEO4J_INSTANCE="bench-lifecycle",
        NEO4J_BOLT_PORT=os.environ.get("BENCH_BOLT_PORT", "7688"),
        NEO4J_HTTP_PORT=os.environ.get("BENCH_HTTP_PORT", "7475"),
    )
    env.setdefault("NEO4J_HEAP", "1g")
    env.setdefault("NEO4J_PAGECACHE", "512m")
    server_settings = Neo4jServerSettings.from_env(env)
    LocalNeo4j(server_settings).start()
    settings = dataclasses.replace(Settings.from_env(env), server=server_settings)
    ensure_demo(settings, progress=False)
    return settings


def _request(base: str, method: str, path: str, token: str):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def read_call(base: str, user_ids: list[int], tokens: dict[int, str], seed: int):
    """GET the first page (limit 20) of a random user's connections, signed in."""
    rng = random.Random(seed)
    viewers = list(tokens)

    def call(i):
        viewer = rng.choice(viewers)
        status, _ = _request(
            base, "GET", f"/api/v2/user/{rng.choice(user_ids)}/connections/", tokens[viewer]
        )
        if status != 200:
            raise RuntimeError(status)

    return call


def write_call(base: str, tokens: dict[int, str], seed: int):
    """One POST per call, cycling request -> accept -> remove over fresh random pairs."""
    rng = random.Random(1000 + seed)
    users = list(tokens)
    pair = [0, 0]

    def call(i):
        step = i % 3
        if step == 0:
            pair[:] = rng.sample(users, 2)
        a, b = pair
        actor, other, action = [(a, b, "request"), (b, a, "accept"), (a, b, "remove")][step]
        status, body = _request(
            base, "POST", f"/api/v2/user/{other}/connection/{action}/", tokens[actor]
        )
        if status != 200:
            raise RuntimeError(f"{action}: {status} {body[:200]!r}")
        return json.loads(body)

    return call


def _background(name: str, factory, processes: int, seconds: float, queue) -> None:
    queue.put(run(name, factory, processes=processes, seconds=seconds))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append results to bench/RESULTS.md")
    args = parser.parse_args(argv)
    cfg = lifecycle_settings()
    user_ids = [u["id"] for u in sample_users(cfg, 2000) if u["degree"] > 0]
    tokens = {u: mint_token(u, SECRET, ttl_seconds=3600) for u in user_ids[:500]}
    print(f"{len(user_ids)} sampled users; {args.rounds} rounds x {args.seconds}s", flush=True)
    env = {
        "NEO4J_URI": cfg.neo4j_uri,
        "NEO4J_PASSWORD": cfg.neo4j_password,
        "JWT_SECRET": SECRET,
    }
    measured: dict[str, list] = {"alone": [], "during writes": [], "writes": [], "control": []}
    ctx = mp.get_context("fork")
    with quiet_gunicorn("service.api.app:create_app()", args.workers, env) as app:
        base = app.base
        reader = partial(read_call, base, user_ids, tokens)
        writer = partial(write_call, base, tokens)
        background = {"during writes": ("writes", writer), "control": ("extra reads", reader)}
        run("warm-up reads", reader, processes=args.readers, seconds=3)
        run("warm-up writes", writer, processes=args.writers, seconds=3)
        modes = ["alone", "during writes", "control"]
        for round_no in range(args.rounds):
            shift = round_no % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                if mode == "alone":
                    result = run(
                        "reads alone", reader, processes=args.readers, seconds=args.seconds
                    )
                    measured["alone"].append(result)
                    print(f"round {round_no + 1}: {result.row()}", flush=True)
                    continue
                name, factory = background[mode]
                queue = ctx.Queue()
                proc = ctx.Process(
                    target=_background, args=(name, factory, args.writers, args.seconds, queue)
                )
                proc.start()
                result = run(
                    f"reads + {name}", reader, processes=args.readers, seconds=args.seconds
                )
                other = queue.get()
                proc.join()
                measured[mode].append(result)
                if mode == "during writes":
                    measured["writes"].append(other)
                print(f"round {round_no + 1}: {result.row()}", flush=True)
                print(f"round {round_no + 1}: {other.row()}", flush=True)
    alone, during, wrote, control = (
        median_of(measured[k]) for k in ("alone", "during writes", "writes", "control")
    )
    lines = ["| variant | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
    for r in (alone, during, control, wrote):
        lines.append(
            f"| {r.name} | {r.rps:.1f} | {r.p50_ms:.2f} | {r.p95_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} |"
        )
    summary = (
        f"\nWrite latency (one POST: request, accept or remove): p50 **{wrote.p50_ms:.1f} ms**, "
        f"p99 **{wrote.p99_ms:.1f} ms**. Reads under writes vs alone: p50 "
        f"**{during.p50_ms / alone.p50_ms:.2f}×**, p99 {during.p99_ms / alone.p99_ms:.2f}×, "
        f"throughput {during.rps / alone.rps:.2f}×. Reads under writes vs under as many extra "
        f"readers (the control): p50 **{during.p50_ms / control.p50_ms:.2f}×**, p99 "
        f"{during.p99_ms / control.p99_ms:.2f}×, throughput {during.rps / control.rps:.2f}×.\n"
    )
    body = "\n".join(lines) + "\n" + summary
    print("\n" + body)
    if args.record:
        record(
            "Lifecycle writes and the read path",
            "python -m bench.lifecycle " + " ".join(argv or sys.argv[1:]),
            f"Data: the demo community (3,000 users, instance bench-lifecycle); readers: {args.readers} processes "
            f"GETting authenticated first pages (limit 20) of random users; writers: "
            f"{args.writers} processes POSTing request -> accept -> remove cycles between random "
            f"users (of 500 with tokens); control: {args.writers} more reader processes instead; "
            f"{args.workers} sync gunicorn workers; a warm-up, then {args.rounds} rounds x "
            f"{args.seconds}s in rotating order; the median round of each.\n\n" + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
