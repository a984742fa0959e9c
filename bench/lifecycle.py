"""Connection lifecycle writes: their latency, and how much they slow the read path.

One invocation, one gunicorn (the real app), the bench community. Each round runs
(R) reads alone: authenticated first pages of random users, from P reader processes; then
(RW) the same reads while W writer processes run request -> accept -> remove cycles between
random users (every POST timed). Rounds alternate the order; medians are reported, with the
read slowdown as ratios measured in the same run (the machines are shared and noisy).

    .venv/bin/python bench/lifecycle.py --readers 2 --writers 2 --seconds 10 --rounds 3 [--record]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import random
import socket
import sys
from functools import partial

from common import gunicorn, record
from dataset import bench_settings, ensure_community
from harness import median_of, run

from service.domain.auth import mint_token

SECRET = "bench-lifecycle-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def _writers(factory, writers: int, seconds: float, queue) -> None:
    queue.put(run("writes", factory, processes=writers, seconds=seconds))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append results to bench/RESULTS.md")
    args = parser.parse_args(argv)
    cfg = bench_settings()
    user_ids = ensure_community(cfg)
    tokens = {u: mint_token(u, SECRET, ttl_seconds=3600) for u in user_ids[:500]}
    print(f"{len(user_ids)} sampled users; {args.rounds} rounds x {args.seconds}s", flush=True)
    env = {
        "NEO4J_URI": cfg.neo4j_uri,
        "NEO4J_PASSWORD": cfg.neo4j_password,
        "JWT_SECRET": SECRET,
    }
    reads_alone, reads_during, writes = [], [], []
    ctx = mp.get_context("fork")
    with gunicorn("service.api.app:create_app()", free_port(), args.workers, env) as base:
        reader = partial(read_call, base, user_ids, tokens)
        writer = partial(write_call, base, tokens)
        run("warm-up reads", reader, processes=args.readers, seconds=3)
        run("warm-up writes", writer, processes=args.writers, seconds=3)
        for round_no in range(args.rounds):
            for mode in ("alone", "during") if round_no % 2 == 0 else ("during", "alone"):
                if mode == "alone":
                    result = run(
                        "reads alone", reader, processes=args.readers, seconds=args.seconds
                    )
                    reads_alone.append(result)
                    print(f"round {round_no + 1}: {result.row()}", flush=True)
                    continue
                queue = ctx.Queue()
                proc = ctx.Process(
                    target=_writers, args=(writer, args.writers, args.seconds, queue)
                )
                proc.start()
                result = run(
                    "reads during writes", reader, processes=args.readers, seconds=args.seconds
                )
                written = queue.get()
                proc.join()
                reads_during.append(result)
                writes.append(written)
                print(f"round {round_no + 1}: {result.row()}", flush=True)
                print(f"round {round_no + 1}: {written.row()}", flush=True)
    alone, during, wrote = median_of(reads_alone), median_of(reads_during), median_of(writes)
    lines = ["| variant | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
    for r in (alone, during, wrote):
        lines.append(
            f"| {r.name} | {r.rps:.1f} | {r.p50_ms:.2f} | {r.p95_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} |"
        )
    summary = (
        f"\nWrite latency (one POST: request, accept or remove): p50 **{wrote.p50_ms:.1f} ms**, "
        f"p99 **{wrote.p99_ms:.1f} ms**. Reads under writes vs alone: p50 "
        f"**{during.p50_ms / alone.p50_ms:.2f}×**, p99 {during.p99_ms / alone.p99_ms:.2f}×, "
        f"throughput {during.rps / alone.rps:.2f}×.\n"
    )
    body = "\n".join(lines) + "\n" + summary
    print("\n" + body)
    if args.record:
        record(
            "Lifecycle writes and the read path",
            "python bench/lifecycle.py " + " ".join(argv or sys.argv[1:]),
            f"Data: bench community (20k generated users); readers: {args.readers} processes "
            f"GETting authenticated first pages (limit 20) of random users; writers: "
            f"{args.writers} processes POSTing request -> accept -> remove cycles between random "
            f"users (of 500 with tokens); {args.workers} sync gunicorn workers; a warm-up, then "
            f"{args.rounds} rounds x {args.seconds}s alternating the order; the median round of "
            f"each.\n\n" + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
