"""Cost curves: one page versus the user's degree, versus offset depth on a 100k-connection user,
and the count query versus degree — through the graph layer (what the endpoint runs, minus HTTP)
and through HTTP against gunicorn, medians of repeated requests, in the `bench` instance.

    .venv/bin/python -m bench.cost_curves [--repeat 15] [--record]
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.common import quiet_gunicorn
from bench.dataset import DEGREES, bench_settings, ensure_ladder, hub_id
from bench.toolkit.http import call
from bench.toolkit.results import command_line, record
from bench.toolkit.stats import percentile
from service.config import Settings
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
    return percentile(times, 0.5)


def http_get(base: str, path: str):
    def get():
        outcome = call(base + path).outcome
        assert outcome == 200, outcome

    return get


OFFSETS = (0, 1_000, 10_000, 25_000, 49_990, 50_000, 75_000, 99_980)


def measure(settings: Settings, repeat: int) -> dict:
    """Median ms per degree (graph layer, HTTP, count query) and per offset on the top hub."""
    driver = db.create_driver(settings)
    graph = ConnectionPages(Runner(driver, settings.neo4j_database, Tuning(query_timeout=30)))

    def count_only(user_id):
        return lambda: driver.execute_query(
            cypher.query("api/count_user_connections"),
            user_id=user_id,
            database_=settings.neo4j_database,
            routing_="r",
        )

    def page(user: int, offset: int):
        return lambda: graph.list_user_connections(user, None, offset, LIMIT)

    env = {"NEO4J_URI": settings.neo4j_uri, "NEO4J_PASSWORD": settings.neo4j_password}
    figures: dict = {"degree": {}, "offset": {}}
    with quiet_gunicorn("service.api.app:create_app()", 1, env) as app:
        for degree in DEGREES:
            user = hub_id(degree)
            figures["degree"][degree] = (
                median_ms(page(user, 0), repeat),
                median_ms(
                    http_get(app.base, f"/api/v2/user/{user}/connections/?limit={LIMIT}"), repeat
                ),
                median_ms(count_only(user), repeat),
            )
            print(degree, figures["degree"][degree], flush=True)
        user = hub_id(DEGREES[-1])
        for offset in OFFSETS:
            path = f"/api/v2/user/{user}/connections/?limit={LIMIT}&offset={offset}"
            figures["offset"][offset] = (
                median_ms(page(user, offset), repeat),
                median_ms(http_get(app.base, path), repeat),
            )
            print(offset, figures["offset"][offset], flush=True)
    driver.close()
    return figures


def table(figures: dict) -> str:
    """Both curves as Markdown, and the worst supernode page against a 100-connection user's."""
    out = [
        "#### Page (limit 20, offset 0) and count versus degree",
        "",
        "| degree | page, graph layer ms | page, HTTP ms | count query ms |",
        "|---|---|---|---|",
    ]
    for degree, (page, over_http, count) in figures["degree"].items():
        out.append(f"| {degree:,} | {page:.2f} | {over_http:.2f} | {count:.2f} |")
    out += [
        "",
        f"#### Page (limit 20) versus offset on the {DEGREES[-1]:,}-connection user",
        "",
        "| offset | page, graph layer ms | page, HTTP ms | HTTP vs 100-connection user |",
        "|---|---|---|---|",
    ]
    small = figures["degree"][100][1]
    worst = 0.0
    for offset, (page, over_http) in figures["offset"].items():
        worst = max(worst, over_http / small)
        out.append(f"| {offset:,} | {page:.2f} | {over_http:.2f} | {over_http / small:.2f}× |")
    out += [
        "",
        f"Worst supernode page vs a 100-connection user's page (HTTP): **{worst:.2f}×** "
        f"(goal ≤ 3×).",
    ]
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    settings = bench_settings()
    ensure_ladder(settings)
    body = table(measure(settings, args.repeat))
    print("\n" + body)
    if args.record:
        record(
            "Cost curves",
            command_line("bench.cost_curves", argv),
            f"Data: degree ladder (hubs with {', '.join(f'{d:,}' for d in DEGREES)} connections), "
            f"bench instance; medians of {args.repeat} sequential requests, 1 gunicorn worker.\n\n"
            + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
