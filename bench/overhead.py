"""Overhead versus the ceiling: (a) raw driver, (b) bare Falcon+gunicorn, (c) the real endpoint.

All three run in one invocation, at the same concurrency (P client processes) and process count
(P gunicorn workers for b and c; P driver processes for a), interleaved over several rounds so
machine noise hits them alike. Reports medians and the ratios (c)/(a) and (c)/(b) in throughput.

    .venv/bin/python -m bench.overhead --processes 2 --seconds 10 --rounds 3 [--record]
"""

from __future__ import annotations

import argparse
import random
import sys
from functools import partial

from bench.common import quiet_gunicorn
from bench.dataset import bench_settings, ensure_community
from bench.toolkit.harness import Result, median_of, results_table, rotated, run
from bench.toolkit.http import call
from bench.toolkit.results import command_line, record
from service.config import Settings
from service.graph import cypher, db

LIMIT = 20


def raw_driver_call(cfg, user_ids, seed):
    """(a): the endpoint's own Cypher over Bolt in one read transaction: no HTTP, no Python-side
    row shaping or serialization (records are fetched and dropped)."""
    rng = random.Random(seed)
    driver = db.create_driver(cfg)
    page_q = cypher.query("api/connections_page")

    def work(tx, user_id):
        # the endpoint's one round trip (page 1 never needs the oldest-end second query)
        return tx.run(
            page_q, user_id=user_id, viewer_id=None, offset=0, limit=LIMIT, oldest_from=1000
        ).single()

    def call(i):
        with driver.session(database=cfg.neo4j_database) as session:
            session.execute_read(work, rng.choice(user_ids))

    return call


def http_call(base, user_ids, seed):
    """(b) and (c): GET the first page of a random user's connections."""
    rng = random.Random(seed)

    def get(i):
        outcome = call(f"{base}/api/v2/user/{rng.choice(user_ids)}/connections/?limit={LIMIT}")
        if outcome.outcome != 200:
            raise RuntimeError(outcome.outcome)

    return get


def measure(args, cfg: Settings, user_ids: list[int]) -> dict[str, list[Result]]:
    """(a), (b) and (c) at the same concurrency, warmed up, then in rotating rounds."""
    results: dict[str, list[Result]] = {"a": [], "b": [], "c": []}
    P = args.processes
    env = {"NEO4J_URI": cfg.neo4j_uri, "NEO4J_PASSWORD": cfg.neo4j_password}
    with (
        quiet_gunicorn("bench.bare_app:create_bare_app()", P) as bare_app,
        quiet_gunicorn("service.api.app:create_app()", P, env) as real_app,
    ):
        variants = [
            ("a", "(a) raw driver", partial(raw_driver_call, cfg, user_ids)),
            ("b", "(b) bare falcon", partial(http_call, bare_app.base, user_ids)),
            ("c", "(c) endpoint", partial(http_call, real_app.base, user_ids)),
        ]
        for _, name, factory in variants:  # warm caches, plans and pools; not measured
            run(name, factory, processes=P, seconds=min(args.seconds, 5))
        for round_no in range(args.rounds):
            for key, name, factory in rotated(variants, round_no):
                result = run(name, factory, processes=P, seconds=args.seconds)
                results[key].append(result)
                print(f"round {round_no + 1}: {result.row()}", flush=True)
    return results


def table(results: dict[str, list[Result]]) -> str:
    """The median round of each variant and the ratios against the ceilings."""
    a, b, c = (median_of(results[k]) for k in "abc")
    ratios = (
        f"\n(c)/(a) throughput = **{c.rps / a.rps:.2f}** (goal ≥ 0.80); "
        f"(c)/(b) throughput = **{c.rps / b.rps:.2f}**; "
        f"p50 (c)/(a) = {c.p50_ms / a.p50_ms:.2f}\n"
    )
    return results_table([a, b, c]) + "\n" + ratios


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append results to bench/RESULTS.md")
    args = parser.parse_args(argv)
    cfg = bench_settings()
    user_ids = ensure_community(cfg)
    print(
        f"{len(user_ids)} sampled users; P={args.processes}, {args.seconds}s x {args.rounds} rounds",
        flush=True,
    )
    results = measure(args, cfg, user_ids)
    body = table(results)
    print("\n" + body)
    if args.record:
        record(
            "Overhead vs ceiling",
            command_line("bench.overhead", argv),
            f"Data: bench community (20k generated users), {len(user_ids)} sampled users with "
            f"connections, anonymous first page, limit {LIMIT}; "
            f"P={args.processes}; a warm-up of each variant, then {args.rounds} rounds x "
            f"{args.seconds}s in rotating order; the median round of each.\n\n" + body,
        )
    failures = sum(median_of(results[k]).errors for k in "abc")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
