"""A/B of deep pages with and without anchors on one supernode, interleaved (issue 12).

.venv/bin/python -m bench.anchor_ab [--user 400385] [--rounds 12]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.deep import ensure_graph
from service.graph import db
from service.graph.connections import ConnectionPages
from service.graph.runner import Runner, Tuning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", type=int, default=400385, help="a supernode of the deep graph")
    parser.add_argument("--median-user", type=int, default=234850, help="a degree-11 user")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    settings = ensure_graph()
    driver = db.create_driver(settings)
    database = settings.neo4j_database
    anchored = ConnectionPages(Runner(driver, database, Tuning(query_timeout=60)))
    plain = ConnectionPages(Runner(driver, database, Tuning(query_timeout=60, anchor_min=10**9)))
    t0 = time.perf_counter()
    anchored.list_user_connections(args.user, None, 50_000, 20)
    print(f"first deep page (builds the anchors): {(time.perf_counter() - t0) * 1000:.1f} ms")
    cases = [
        ("median user, page 1, limit 20", anchored, args.median_user, 0, 20),
        ("supernode, offset ~50k, limit 20, anchored", anchored, args.user, 50_000, 20),
        ("supernode, offset ~50k, limit 20, no anchors", plain, args.user, 50_000, 20),
        ("supernode, offset ~50k, limit 100, anchored", anchored, args.user, 50_000, 100),
        ("supernode, page 1, limit 20", anchored, args.user, 0, 20),
    ]
    times: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        for label, graph, user, offset, limit in cases:
            t0 = time.perf_counter()
            graph.list_user_connections(user, None, offset + (7 * round_ if offset else 0), limit)
            times.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
    for label, values in times.items():
        print(f"| {label} | {statistics.median(values):.1f} | {min(values):.1f} |")
    driver.close()


if __name__ == "__main__":
    main()
