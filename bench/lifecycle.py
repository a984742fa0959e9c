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
import json
import multiprocessing as mp
import os
import random
import sys
from functools import partial

from bench.common import quiet_gunicorn, sample_users
from bench.toolkit.harness import Result, median_of, results_table, rotated, run
from bench.toolkit.http import call
from bench.toolkit.instances import bench_ports, own_neo4j
from bench.toolkit.results import command_line, record
from service.config import Settings
from service.domain.auth import mint_token
from service.ingest.loading import ensure_demo

SECRET = "bench-lifecycle-secret-0123456789abcdef"


def lifecycle_settings() -> Settings:
    """The `bench-lifecycle` instance (started if needed) holding the demo community."""
    server, settings = own_neo4j(
        "bench-lifecycle",
        *bench_ports(),
        NEO4J_HEAP=os.environ.get("NEO4J_HEAP", "1g"),
        NEO4J_PAGECACHE=os.environ.get("NEO4J_PAGECACHE", "512m"),
    )
    server.start()
    ensure_demo(settings, progress=False)
    return settings


def _request(base: str, method: str, path: str, token: str) -> tuple[int | str, bytes]:
    reply = call(base + path, method, {"Authorization": f"Bearer {token}"})
    return reply.outcome, reply.body


def read_call(base: str, user_ids: list[int], tokens: dict[int, str], seed: int):
    """GET the first page (limit 20) of a random user's connections, signed in."""
    rng = random.Random(seed)
    viewers = list(tokens)

    def one(i):
        viewer = rng.choice(viewers)
        status, _ = _request(
            base, "GET", f"/api/v2/user/{rng.choice(user_ids)}/connections/", tokens[viewer]
        )
        if status != 200:
            raise RuntimeError(status)

    return one


def write_call(base: str, tokens: dict[int, str], seed: int):
    """One POST per call, cycling request -> accept -> remove over fresh random pairs."""
    rng = random.Random(1000 + seed)
    users = list(tokens)
    pair = [0, 0]

    def one(i):
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

    return one


def _background(name: str, factory, processes: int, seconds: float, queue) -> None:
    queue.put(run(name, factory, processes=processes, seconds=seconds))


def measure(args, cfg: Settings) -> dict[str, list[Result]]:
    """Reads alone, reads during writes, reads during as many extra readers (the control), in
    rotating rounds against one gunicorn; the writes' own results too."""
    user_ids = [u["id"] for u in sample_users(cfg, 2000) if u["degree"] > 0]
    tokens = {u: mint_token(u, SECRET, ttl_seconds=3600) for u in user_ids[:500]}
    print(f"{len(user_ids)} sampled users; {args.rounds} rounds x {args.seconds}s", flush=True)
    env = {"NEO4J_URI": cfg.neo4j_uri, "NEO4J_PASSWORD": cfg.neo4j_password, "JWT_SECRET": SECRET}
    measured: dict[str, list[Result]] = {
        k: [] for k in ("alone", "during writes", "writes", "control")
    }
    with quiet_gunicorn("service.api.app:create_app()", args.workers, env) as app:
        reader = partial(read_call, app.base, user_ids, tokens)
        writer = partial(write_call, app.base, tokens)
        background = {"during writes": ("writes", writer), "control": ("extra reads", reader)}
        run("warm-up reads", reader, processes=args.readers, seconds=3)
        run("warm-up writes", writer, processes=args.writers, seconds=3)
        for round_no in range(args.rounds):
            for mode in rotated(["alone", "during writes", "control"], round_no):
                if mode == "alone":
                    result = run(
                        "reads alone", reader, processes=args.readers, seconds=args.seconds
                    )
                    measured["alone"].append(result)
                    print(f"round {round_no + 1}: {result.row()}", flush=True)
                    continue
                name, factory = background[mode]
                result, other = reads_beside(name, factory, reader, args)
                measured[mode].append(result)
                if mode == "during writes":
                    measured["writes"].append(other)
                print(f"round {round_no + 1}: {result.row()}", flush=True)
                print(f"round {round_no + 1}: {other.row()}", flush=True)
    return measured


def reads_beside(name: str, factory, reader, args) -> tuple[Result, Result]:
    """The reads measured while `factory`'s calls run in other processes: (reads, theirs)."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_background, args=(name, factory, args.writers, args.seconds, queue))
    proc.start()
    result = run(f"reads + {name}", reader, processes=args.readers, seconds=args.seconds)
    other = queue.get()
    proc.join()
    return result, other


def table(measured: dict[str, list[Result]]) -> str:
    """The median round of each, and the ratios that answer the question."""
    alone, during, wrote, control = (
        median_of(measured[k]) for k in ("alone", "during writes", "writes", "control")
    )
    summary = (
        f"\nWrite latency (one POST: request, accept or remove): p50 **{wrote.p50_ms:.1f} ms**, "
        f"p99 **{wrote.p99_ms:.1f} ms**. Reads under writes vs alone: p50 "
        f"**{during.p50_ms / alone.p50_ms:.2f}×**, p99 {during.p99_ms / alone.p99_ms:.2f}×, "
        f"throughput {during.rps / alone.rps:.2f}×. Reads under writes vs under as many extra "
        f"readers (the control): p50 **{during.p50_ms / control.p50_ms:.2f}×**, p99 "
        f"{during.p99_ms / control.p99_ms:.2f}×, throughput {during.rps / control.rps:.2f}×.\n"
    )
    return results_table([alone, during, control, wrote]) + "\n\n" + summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append results to bench/RESULTS.md")
    args = parser.parse_args(argv)
    body = table(measure(args, lifecycle_settings()))
    print("\n" + body)
    if args.record:
        record(
            "Lifecycle writes and the read path",
            command_line("bench.lifecycle", argv),
            f"Data: the demo community (3,000 users, instance bench-lifecycle); readers: "
            f"{args.readers} processes GETting authenticated first pages (limit 20) of random "
            f"users; writers: {args.writers} processes POSTing request -> accept -> remove cycles "
            f"between random users (of 500 with tokens); control: {args.writers} more reader "
            f"processes instead; {args.workers} sync gunicorn workers; a warm-up, then "
            f"{args.rounds} rounds x {args.seconds}s in rotating order; the median round of "
            "each.\n\n" + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
