"""`make bench-pages`: the explorer's first drawing, measured in the browser, median user vs supernode.

Builds a generated graph once in the managed instance of its size (bench.toolkit.graphs; ports
BENCH_BOLT_PORT/BENCH_HTTP_PORT; 200k users and one 100k-connection supernode by default; the
1M reference graph with `--users 1000000 --avg-degree 21 --supernodes 5`) and reuses it while
its stamp matches. Serves it with gunicorn and opens `/explore/?user=ID` in Debian's headless
Chromium (a fresh browser context each time: nothing cached, the libraries fetched too), for a
median-degree user and for the supernode (with and without the second hop), in rotating order. Per open, from the page's own
`performance` timings: the `explore:first-drawing` mark (navigation start to the drawn graph),
the network endpoint's fetch (resource timing), and the longest main-thread task (Long Tasks
API: what a "frozen" page would show).

    .venv/bin/python -m bench.pages [--users 200000] [--repeat 10] [--record]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench.common import quiet_gunicorn
from bench.toolkit.graphs import add_graph_options, generated_graph, graph_config
from bench.toolkit.harness import rotated
from bench.toolkit.launcher import APP
from bench.toolkit.results import command_line, record
from bench.toolkit.stats import percentile
from service.config import Settings
from service.graph import cypher, db
from service.ingest.generate import GeneratorConfig, supernode_ids

DEFAULT_GRAPH = GeneratorConfig(
    users=200_000, avg_degree=10, supernodes=1, supernode_degree=100_000
)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SECRET = "bench-pages-secret-0123456789abcdef"
# Collects the page's long tasks from its first script on.
LONG_TASKS = """
window.__longest = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
}).observe({type: 'longtask', buffered: true});
"""
READ_TIMINGS = """() => {
  const drawn = performance.getEntriesByName('explore:first-drawing')[0];
  const network = performance.getEntriesByType('resource').find(r => r.name.includes('/network/'));
  return {drawn: drawn.startTime, network: network ? network.duration : null,
          longest: window.__longest,
          nodes: +document.getElementById('graph').dataset.nodes,
          edges: +document.getElementById('graph').dataset.edges};
}"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pick_users(settings: Settings, cfg: GeneratorConfig) -> dict[str, tuple[int, int, str]]:
    """`{view: (id, degree, query)}`: a median-degree user (deterministic) and the supernode,
    with one hop and with the second hop (`&hops=2`: up to 100 more users drawn)."""
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/degree_sample"), every=97, database_=settings.neo4j_database
        )
        sample = sorted((r["degree"], r["id"]) for r in records)
        median = sample[len(sample) // 2]
        hub = supernode_ids(cfg)[0]
        degree = driver.execute_query(
            "MATCH (u:User {id: $id}) RETURN COUNT { (u)-[:CONNECTED_TO]->() } AS d",
            id=hub,
            database_=settings.neo4j_database,
        ).records[0]["d"]
    return {
        "median user": (median[1], median[0], ""),
        "supernode": (hub, degree, ""),
        "supernode, second hop": (hub, degree, "&hops=2"),
    }


def measure(
    base: str, users: dict[str, tuple[int, int, str]], repeat: int
) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[dict]] = {kind: [] for kind in users}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for round_no in range(repeat + 1):  # round 0 warms the server's query plans
                kinds = rotated(list(users), round_no)
                for kind in kinds:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.add_init_script(LONG_TASKS)
                    user_id, _, query = users[kind]
                    page.goto(f"{base}/explore/?user={user_id}{query}")
                    # a selector, not wait_for_function: the page's CSP forbids eval
                    page.wait_for_selector(
                        "#graph:not([data-nodes='0'])", state="attached", timeout=60_000
                    )
                    page.wait_for_timeout(200)  # let the observer deliver the last long task
                    if round_no:
                        timings[kind].append(page.evaluate(READ_TIMINGS))
                    context.close()
        finally:
            browser.close()
    return timings


def table(users: dict[str, tuple[int, int, str]], timings: dict[str, list[dict]]) -> str:
    rows = [
        "| user (degree) | drawn nodes / edges | first drawing p50 / p90 | network endpoint p50 "
        "| longest task p50 / max |",
        "|---|---|---|---|---|",
    ]
    for kind, runs in timings.items():
        drawn = [r["drawn"] for r in runs]
        network = [r["network"] for r in runs if r["network"] is not None]
        longest = [r["longest"] for r in runs]
        rows.append(
            f"| {kind} {users[kind][0]} ({users[kind][1]:,}) | {runs[-1]['nodes']} / "
            f"{runs[-1]['edges']} | {percentile(drawn, 0.5):.0f} / {percentile(drawn, 0.9):.0f} ms "
            f"| {percentile(network, 0.5):.0f} ms | {percentile(longest, 0.5):.0f} / "
            f"{max(longest):.0f} ms |"
        )
    median = percentile([r["drawn"] for r in timings["median user"]], 0.5)
    hub = percentile([r["drawn"] for r in timings["supernode"]], 0.5)
    rows.append("")
    rows.append(f"Supernode / median user, first drawing p50: **{hub / median:.2f}×**.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser, DEFAULT_GRAPH)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    cfg = graph_config(args)
    _, settings = generated_graph(cfg, heap="1g", pagecache="1g")
    users = pick_users(settings, cfg)
    log(f"users: {users}")
    env = {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        "JWT_SECRET": SECRET,
    }
    with quiet_gunicorn(APP, workers=2, extra_env=env) as app:
        timings = measure(app.base, users, args.repeat)
    body = table(users, timings)
    load = os.getloadavg()[0]
    body += (
        f"\n\nGraph: {cfg.users:,} users, average degree {cfg.avg_degree}, "
        f"{cfg.supernodes} supernode(s) of {cfg.supernode_degree:,}; the explorer's defaults (50 connections drawn; the second hop "
        f"adds up to 100 users); "
        f"{args.repeat} opens each, a fresh browser context per open; load average {load:.1f}."
    )
    print(body)
    if args.record:
        record("The explorer's first drawing (issue 21)", command_line("bench.pages", argv), body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
