"""Recall@20 of what the suggestion endpoint serves against the exact ranking.

On the deep graph (bench/deep.py's instance, whose stored suggestion lists it refreshes first):
200 active users across the degree range (100 at evenly spaced degree quantiles, 95 on a
log-spaced degree grid, the 5 supernodes). For each, the exact top 20 comes from the analysts'
`suggestions` query with a long timeout, the served top 20 from `Suggestions.suggest_users` (the
bounded neighbourhood, or the stored list of a user above the precompute threshold). Two recalls:
- strict: |bounded ∩ exact| / |exact|, ids compared (ties at the cut broken by id, as ranked);
- tie-aware: bounded ids whose *true* mutual count reaches the exact 20th's, / |exact| — a
  different user with as many mutual connections is as good a suggestion.

    .venv/bin/python -m bench.suggestion_recall [--record] [--timeout 600]

The exact answers are saved to --exact-cache (default bench/out/recall-exact.json, ignored) and
reused by a later run with --reuse-exact, so other bounds can be compared in minutes:
--friends/--fanout/--seeks override the endpoint's bound.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

from neo4j import unit_of_work

from bench.deep import STAMP, ensure_graph, log
from bench.toolkit import ROOT
from bench.toolkit.results import record
from service.graph import cypher, db
from service.graph.runner import Runner, Tuning
from service.graph.suggestions import Suggestions


def sample_users(driver, settings) -> list[tuple[int, int]]:
    records, _, _ = driver.execute_query(
        cypher.query("loadtest/degree_sample"), every=25, database_=settings.neo4j_database
    )
    ranked = sorted((r["degree"], r["id"]) for r in records if r["degree"] > 0)
    chosen: dict[int, int] = {}
    for k in range(100):
        degree, uid = ranked[int(k * (len(ranked) - 1) / 99)]
        chosen.setdefault(uid, degree)
    top = ranked[-1][0]
    for k in range(200):
        if len(chosen) >= 195:
            break
        target = math.exp(math.log(top) * k / 199)
        for degree, uid in ranked:
            if degree >= target and uid not in chosen:
                chosen[uid] = degree
                break
    supers, _, _ = driver.execute_query(
        cypher.query("loadtest/supernodes"), n=5, database_=settings.neo4j_database
    )
    for r in supers:
        chosen[r["id"]] = r["degree"]
    return sorted(chosen.items(), key=lambda item: item[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--exact-cache", type=Path, default=ROOT / "bench" / "out" / "recall-exact.json"
    )
    parser.add_argument("--reuse-exact", action="store_true", help="read exact answers saved")
    parser.add_argument("--friends", type=int, default=Tuning().suggestion_friends)
    parser.add_argument("--fanout", type=int, default=Tuning().suggestion_fanout)
    parser.add_argument("--seeks", type=int, default=Tuning().suggestion_seeks)
    args = parser.parse_args()
    settings = ensure_graph()
    driver = db.create_driver(settings)
    tuning = Tuning(
        query_timeout=60,
        suggestion_friends=args.friends,
        suggestion_fanout=args.fanout,
        suggestion_seeks=args.seeks,
    )
    graph = Suggestions(Runner(driver, settings.neo4j_database, tuning))
    users = sample_users(driver, settings)
    log(f"{len(users)} users, degrees {users[0][1]}..{users[-1][1]}")
    cached: dict[str, list] = {}
    if args.reuse_exact:
        saved = json.loads(args.exact_cache.read_text())
        if saved["stamp"] != STAMP:
            raise SystemExit(f"{args.exact_cache} was computed on another graph")
        cached = saved["exact"]
    saved_exact: dict[str, list] = {}

    @unit_of_work(timeout=args.timeout)
    def exact_top(tx, uid):
        rows = tx.run(cypher.query("analytics/suggestions"), user_id=uid, skip=0, limit=20)
        return [(r["id"], r["mutual_count"]) for r in rows]

    @unit_of_work(timeout=args.timeout)
    def mutual(tx, uid, ids):
        rows = tx.run(cypher.query("loadtest/mutual_counts"), user_id=uid, ids=ids)
        return {r["id"]: r["mutual_count"] for r in rows}

    results = []  # (degree, strict, ties, exact_ms, bounded_ms, exact_flag_guess)
    with driver.session(database=settings.neo4j_database) as session:
        for n, (uid, degree) in enumerate(users, 1):
            t0 = time.perf_counter()
            if str(uid) in cached:
                exact = [tuple(pair) for pair in cached[str(uid)]]
            else:
                exact = session.execute_read(exact_top, uid)
            saved_exact[str(uid)] = exact
            t1 = time.perf_counter()
            _, rows = graph.suggest_users(uid, 0, 20)
            t2 = time.perf_counter()
            bounded = [row["id"] for row in rows]
            if not exact:
                results.append((degree, 1.0, 1.0, (t1 - t0) * 1000, (t2 - t1) * 1000))
                continue
            k = len(exact)
            cut = exact[-1][1]
            true = session.execute_read(mutual, uid, bounded[:k])
            strict = len(set(bounded[:k]) & {i for i, _ in exact}) / k
            ties = min(k, sum(1 for i in bounded[:k] if true.get(i, 0) >= cut)) / k
            results.append((degree, strict, ties, (t1 - t0) * 1000, (t2 - t1) * 1000))
            if n % 10 == 0 or degree > 10_000:
                log(
                    f"{n}/{len(users)} user {uid} degree {degree}: strict {strict:.2f} "
                    f"ties {ties:.2f} exact {(t1 - t0):.1f} s bounded {(t2 - t1) * 1000:.0f} ms"
                )
    driver.close()
    if not args.reuse_exact:
        args.exact_cache.parent.mkdir(parents=True, exist_ok=True)
        args.exact_cache.write_text(json.dumps({"stamp": STAMP, "exact": saved_exact}))

    def band(lo, hi, label):
        part = [r for r in results if lo <= r[0] < hi]
        if not part:
            return None
        return (
            f"| {label} | {len(part)} | {statistics.mean(r[1] for r in part):.3f} | "
            f"{statistics.mean(r[2] for r in part):.3f} | {min(r[2] for r in part):.2f} | "
            f"{statistics.median(r[3] for r in part):.0f} | {max(r[3] for r in part):.0f} | "
            f"{statistics.median(r[4] for r in part):.0f} | {max(r[4] for r in part):.0f} |"
        )

    rows = [
        "| degree | users | recall@20 strict | recall@20 tie-aware | worst tie-aware | "
        "exact p50 ms | exact max ms | served p50 ms | served max ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lo, hi, label in (
        (0, 10, "1–9"),
        (10, 50, "10–49"),
        (50, 200, "50–199"),
        (200, 2000, "200–1,999"),
        (2000, 50_000, "2,000–49,999"),
        (50_000, 10**9, "≥ 50,000 (supernodes)"),
        (0, 10**9, "**all**"),
    ):
        line = band(lo, hi, label)
        if line:
            rows.append(line)
    body = (
        f"Served: users with >= {settings.suggestion_precompute_min_degree} connections their "
        f"stored exact top {settings.suggestion_precompute_top} (filtered live), everyone else "
        f"the bound: {args.friends} newest connections × {args.fanout} newest of each, "
        f"{args.seeks} seeks (`cypher/api/suggestions_page.cypher`); exact = "
        f"`analytics/suggestions`, timeout {args.timeout:.0f} s"
        f"{' (exact answers reused from ' + str(args.exact_cache.name) + ')' if args.reuse_exact else ''}."
        "\n\n" + "\n".join(rows) + "\n"
    )
    print(body)
    if args.record:
        record(
            "Suggestion recall@20, served vs exact (deep graph)",
            ".venv/bin/python -m bench.suggestion_recall --record",
            body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
