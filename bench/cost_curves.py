"""Cost curves: one page versus the user's degree, versus offset depth on a 100k-connection user,
and the count query versus degree — through the graph layer (what the endpoint runs, minus HTTP)
and through HTTP against gunicorn, medians of repeated requests, in the `bench` instance.

    .venv/bin/python -m bench.cost_curves [--repeat 15] [--record]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time

from bench.common import quiet_gunicorn
from bench.dataset import DEGREES, bench_settings, ensure_ladder, hub_id
from bench.toolkit.results import record
from service.graph import cypher, db
from service.graph.connections import ConnectionPages
from service.graph.runner import Runner, Tuning

LIMIT = 20


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def http_get(base: str, path: str):
    host, port = base.removeprefix("http://").split(":")

    def call():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        conn.close()
        assert resp.status == 200, resp.status

    return call


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    settings = bench_settings()
    ensure_ladder(settings)
    driver = db.create_driver(settings)
    graph = ConnectionPages(Runner(driver, settings.neo4j_database, Tuning(query_timeout=30)))

    def count_only(user_id):
        return lambda: driver.execute_query(
            cypher.query("api/count_user_connections"),
            user_id=user_id,
            database_=settings.neo4j_database,
            routing_="r",
        )

    env = {"NEO4J_URI": settings.neo4j_uri, "NEO4J_PASSWORD": settings.neo4j_password}
    out = [
        "#### Page (limit 20, offset 0) and count versus degree",
        "",
        "| degree | page, graph layer ms | page, HTTP ms | count query ms |",
        "|---|---|---|---|",
    ]
    by_degree = {}
    with quiet_gunicorn("service.api.app:create_app()", 1, env) as app:
        base = app.base
        for degree in DEGREES:
            user = hub_id(degree)
            page = median_ms(
                lambda user=user: graph.list_user_connections(user, None, 0, LIMIT), args.repeat
            )
            over_http = median_ms(
                http_get(base, f"/api/v2/user/{user}/connections/?limit={LIMIT}"), args.repeat
            )
            count = median_ms(count_only(user), args.repeat)
            by_degree[degree] = over_http
            out.append(f"| {degree:,} | {page:.2f} | {over_http:.2f} | {count:.2f} |")
            print(out[-1], flush=True)
        top = DEGREES[-1]
        out += [
            "",
            f"#### Page (limit 20) versus offset on the {top:,}-connection user",
            "",
            "| offset | page, graph layer ms | page, HTTP ms | HTTP vs 100-connection user |",
            "|---|---|---|---|",
        ]
        worst = 0.0
        for offset in (0, 1_000, 10_000, 25_000, 49_990, 50_000, 75_000, 99_980):
            user = hub_id(top)
            page = median_ms(
                lambda user=user, offset=offset: graph.list_user_connections(
                    user, None, offset, LIMIT
                ),
                args.repeat,
            )
            over_http = median_ms(
                http_get(base, f"/api/v2/user/{user}/connections/?limit={LIMIT}&offset={offset}"),
                args.repeat,
            )
            ratio = over_http / by_degree[100]
            worst = max(worst, ratio)
            out.append(f"| {offset:,} | {page:.2f} | {over_http:.2f} | {ratio:.2f}× |")
            print(out[-1], flush=True)
    out += [
        "",
        f"Worst supernode page vs a 100-connection user's page (HTTP): **{worst:.2f}×** "
        f"(goal ≤ 3×).",
    ]
    driver.close()
    body = "\n".join(out)
    print("\n" + body)
    if args.record:
        record(
            "Cost curves",
            "python -m bench.cost_curves " + " ".join(argv or sys.argv[1:]),
            f"Data: degree ladder (hubs with {', '.join(f'{d:,}' for d in DEGREES)} connections), "
            f"bench instance; medians of {args.repeat} sequential requests, 1 gunicorn worker.\n\n"
            + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
