"""`make bench-deep`: the 1M-user / 10M-connection graph, every kind of user, one table.

Builds the graph once in the managed instance of its size (bench.toolkit.graphs; ports BENCH_BOLT_PORT/BENCH_HTTP_PORT,
heap 2g / page cache 4g by default) and reuses it while its stamp (generator version + options)
matches. Then, in one run: graph-layer latency (p50/p99) of page 1, deep offsets and suggestions
for median-degree, p99-degree and supernode users; HTTP throughput with wrk at 2/4/8
connections for the endpoint as it is (gthread + keep-alive), the same code under sync workers,
and main's code (the baseline tree, `git archive main`), in rotating order.

    .venv/bin/python -m bench.deep [--record] [--seconds 8] [--rounds 2] [--baseline-ref main]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench.common import quiet_gunicorn
from bench.toolkit import ROOT
from bench.toolkit.graphs import REFERENCE_1M, generated_graph, stamp_of
from bench.toolkit.harness import rotated, run
from bench.toolkit.launcher import APP, Gunicorn
from bench.toolkit.results import record
from bench.toolkit.stats import percentile
from bench.toolkit.wrk import wrk
from service.config import Settings
from service.domain.connections import ConnectionsService, Viewer
from service.domain.lifecycle import Action
from service.domain.suggestions import refresh_suggestion_lists
from service.graph import cypher, db
from service.graph.layer import GraphLayer, open_graph
from service.graph.runner import Runner, Tuning
from service.graph.suggestion_lists import SuggestionLists
from service.ingest.generate import supernode_ids

GRAPH = REFERENCE_1M
STAMP = stamp_of(GRAPH)
OUT = ROOT / "bench" / "out" / "deep"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_graph() -> Settings:
    """Start the 1M reference graph's instance (built first unless its stamp matches), with the
    stored suggestion lists refreshed the way production's job does."""
    _, settings = generated_graph(GRAPH, heap="2g", pagecache="4g")
    refresh_suggestions(settings)
    return settings


def refresh_suggestions(settings: Settings) -> None:
    """What production's periodic job does: store the supernodes' exact top K (minutes each the
    first time; lists younger than SUGGESTION_REFRESH_SECONDS are kept as they are)."""
    log(
        f"suggestions: refreshing the stored lists (users with >= "
        f"{settings.suggestion_precompute_min_degree} connections)"
    )
    with db.create_driver(settings) as driver:
        tuning = Tuning(query_timeout=settings.suggestion_refresh_timeout)
        graph = Runner(driver, settings.neo4j_database, tuning)
        report = refresh_suggestion_lists(
            SuggestionLists(graph),
            settings.suggestion_precompute_min_degree,
            settings.suggestion_precompute_top,
            settings.suggestion_refresh_seconds,
            progress=lambda message: log(f"suggestions: {message}"),
        )
    log(
        f"suggestions: {report.refreshed} lists computed, {report.fresh} fresh, "
        f"{report.dropped} dropped in {report.seconds:.0f} s"
    )


def pick_users(settings: Settings, per_group: int = 20) -> dict[str, list[tuple[int, int]]]:
    """(id, degree) of median-degree, p99-degree and supernode users, deterministically."""
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/degree_sample"), every=25, database_=settings.neo4j_database
        )
    sample = sorted((r["degree"], r["id"]) for r in records)
    degrees = [d for d, _ in sample]
    median, p99 = degrees[len(degrees) // 2], degrees[int(len(degrees) * 0.99)]
    rng = random.Random(1)
    at_median = [(i, d) for d, i in sample if d == median]
    near_p99 = [(i, d) for d, i in sample if p99 * 0.95 <= d <= p99 * 1.05]
    hubs = set(supernode_ids(GRAPH))
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/supernodes"), n=len(hubs) + 5, database_=settings.neo4j_database
        )
    supers = [(r["id"], r["degree"]) for r in records if r["id"] in hubs]
    return {
        f"median (degree {median})": rng.sample(at_median, min(per_group, len(at_median))),
        f"p99 (degree ≈{p99})": rng.sample(near_p99, min(per_group, len(near_p99))),
        "supernode": supers,
    }


def timed(call, repeat: int) -> tuple[float, float]:
    latencies = []
    for i in range(repeat):
        t0 = time.perf_counter()
        call(i)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return percentile(latencies, 0.5), percentile(latencies, 0.99)


def scenarios(graph: GraphLayer, degree: dict, suggestion_count: dict) -> dict:
    """label -> call(user_id): the requests the table measures."""

    def page(offset_of, limit):
        return lambda u: graph.connections.list_user_connections(u, None, offset_of(u), limit)

    return {
        "page 1, limit 20": page(lambda u: 0, 20),
        "page 1, limit 100": page(lambda u: 0, 100),
        "middle (offset count/2), limit 20": page(lambda u: degree[u] // 2, 20),
        "middle (offset count/2), limit 100": page(lambda u: degree[u] // 2, 100),
        "last page, limit 20": page(lambda u: max(0, degree[u] - 20), 20),
        "suggestions page 1, limit 20": lambda u: graph.suggestions.suggest_users(u, 0, 20),
        "suggestions page 1, limit 100": lambda u: graph.suggestions.suggest_users(u, 0, 100),
        "suggestions last page, limit 20": lambda u: graph.suggestions.suggest_users(
            u, max(0, suggestion_count[u] - 20), 20
        ),
    }


def latency_table(settings: Settings, groups: dict, repeat: int) -> str:
    """p50/p99 per scenario through the graph layer (one process, sequential)."""
    driver = db.create_driver(settings)
    graph = open_graph(driver, settings.neo4j_database, Tuning(query_timeout=30))
    service = ConnectionsService(graph, settings)
    rows = ["| user | request | p50 ms | p99 ms |", "|---|---|---|---|"]
    strangers = [r["id"] for r in sample_active(settings, 400)]
    try:
        for name, users in groups.items():
            ids = [i for i, _ in users]
            counts = {i: graph.suggestions.suggest_users(i, 0, 1)[0] for i in ids}
            asked = {i: statuses_asked(graph, i, strangers) for i in ids}
            calls = scenarios(graph, dict(users), counts)
            calls["connection statuses, 100 ids (POST)"] = lambda u, asked=asked: (
                service.connection_statuses(Viewer(u, False), asked[u])
            )
            for label, call in calls.items():
                cycle = [ids[i % len(ids)] for i in range(repeat)]
                timed(lambda i, call=call, cycle=cycle: call(cycle[i]), min(len(ids), 5))
                p50, p99 = timed(lambda i, call=call, cycle=cycle: call(cycle[i]), repeat)
                rows.append(f"| {name} | {label} | {p50:.1f} | {p99:.1f} |")
                log(rows[-1])
            for label, (p50, p99) in write_latencies(service, ids, strangers, repeat).items():
                rows.append(f"| {name} | {label} | {p50:.1f} | {p99:.1f} |")
                log(rows[-1])
    finally:
        driver.close()
    return "\n".join(rows)


def sample_active(settings: Settings, n: int) -> list[dict]:
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/sample_users"), n=n, database_=settings.neo4j_database
        )
    return [dict(r) for r in records]


def statuses_asked(graph: GraphLayer, user_id: int, strangers: list[int]) -> list[tuple[str, int]]:
    """What a client asks `statuses` about: 100 ids, up to half of them the user's connections."""
    _, friends = graph.connections.list_user_connections(user_id, None, 0, 50)
    ids = [row["id"] for row in friends]
    ids += [i for i in strangers if i != user_id and i not in ids][: 100 - len(ids)]
    return [(str(i), i) for i in ids]


# Each cycle leaves the pair as it found it (no connection, no request), so the reused graph
# keeps its shape; only the event log grows by the cycle's events.
WRITE_CYCLES = (
    (("actor", Action.REQUEST), ("other", Action.ACCEPT), ("actor", Action.REMOVE)),
    (
        ("actor", Action.REQUEST),
        ("other", Action.REJECT),
        ("other", Action.CANCEL_REJECT),
        ("actor", Action.CANCEL_REQUEST),
    ),
)


def write_latencies(
    service: ConnectionsService, ids: list[int], strangers: list[int], repeat: int
) -> dict[str, tuple[float, float]]:
    """p50/p99 of each lifecycle write by these users, towards users they have no relation with
    (as the endpoint calls them: ConnectionsService.change_connection, one write transaction)."""
    graph = service.graph
    pairs, known = [], {}
    for i in range(repeat):
        actor = ids[i % len(ids)]
        if actor not in known:
            known[actor] = graph.users.read_pair_states(actor, [s for s in strangers if s != actor])
        free = known[actor]
        other = next(
            s
            for s in strangers[i:] + strangers[:i]
            if s in free
            and free[s]["active"]
            and not any(free[s][k] for k in ("connected", "sent", "received"))
        )
        pairs.append((actor, other))
    times: dict[str, list[float]] = {}
    try:
        # The first cycle warms up (query plans), unrecorded.
        for n, (actor, other) in enumerate([pairs[0], *pairs]):
            for cycle in WRITE_CYCLES:
                for who, action in cycle:
                    me, them = (actor, other) if who == "actor" else (other, actor)
                    t0 = time.perf_counter()
                    service.change_connection(Viewer(me, False), them, action)
                    label = f"POST {action.value}" + (
                        " (by the other user)" if who == "other" else ""
                    )
                    if n:
                        times.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
    finally:
        # Whatever happened above, leave every pair unrelated again (no-ops when it is).
        for actor, other in pairs:
            service.change_connection(Viewer(actor, False), other, Action.REMOVE)
            service.change_connection(Viewer(actor, False), other, Action.CANCEL_REQUEST)
            service.change_connection(Viewer(other, False), actor, Action.CANCEL_REQUEST)
    result = {}
    for label, values in times.items():
        values.sort()
        result[label] = (percentile(values, 0.5), percentile(values, 0.99))
    return result


def baseline_tree(ref: str) -> Path:
    """`git archive REF` unpacked under .local/, so main's code serves the same graph."""
    sha = subprocess.run(
        ["git", "rev-parse", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = ROOT / ".local" / "bench-baseline" / sha[:12]
    if not (target / "service").exists():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as archive:
            subprocess.run(["git", "archive", sha], cwd=ROOT, stdout=archive, check=True)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(target, filter="data")
    return target


def serve(tree: Path, extra: dict) -> Gunicorn:
    """`tree`'s app under gunicorn, 2 workers, with `extra` in its environment (not started)."""
    return quiet_gunicorn(APP, 2, extra, checkout=tree)


CEILING = "graph layer alone (N processes, no HTTP)"


def throughput(settings: Settings, args) -> dict[tuple[str, int], list]:
    """(variant, clients) -> each round's (pages/s, p50, p99): wrk against this branch on
    gthread and on sync workers and the baseline ref, and the graph layer in N processes."""
    OUT.mkdir(parents=True, exist_ok=True)
    password = settings.neo4j_password
    app_env = {
        "NEO4J_URI": f"bolt://127.0.0.1:{settings.server.bolt_port}",
        "NEO4J_PASSWORD": password,
        "JWT_SECRET": "b" * 32,
    }
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("loadtest/sample_users"), n=4000, database_=settings.neo4j_database
        )
    paths = OUT / "paths.txt"
    paths.write_text("".join(f"/api/v2/user/{r['id']}/connections/?limit=20\n" for r in records))
    variants = {
        "this branch, gthread workers (keep-alive)": (
            ROOT,
            {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "4"},
        ),
        "this branch, sync workers": (
            ROOT,
            {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1"},
        ),
        # explicit: the baseline ref's own default may be either class
        f"{args.baseline_ref} (sync workers)": (
            baseline_tree(args.baseline_ref),
            {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1"},
        ),
    }
    results: dict[tuple[str, int], list] = {}
    user_ids = [r["id"] for r in records]

    def graph_call(seed):
        rng = random.Random(seed)
        graph = open_graph(db.create_driver(settings), settings.neo4j_database)
        return lambda i: graph.connections.list_user_connections(rng.choice(user_ids), None, 0, 20)

    for round_ in range(args.rounds):
        for name, (tree, extra) in rotated([*variants.items(), (CEILING, (None, {}))], round_):
            if tree is None:
                for conns in (2, 4, 8):
                    r = run(name, graph_call, processes=conns, seconds=args.seconds)
                    results.setdefault((name, conns), []).append((r.rps, r.p50_ms, r.p99_ms))
                    log(f"round {round_ + 1} {name} N={conns}: {results[(name, conns)][-1]}")
                continue
            with serve(tree, {**app_env, **extra}) as app:
                base = app.base
                wrk(base, paths, 4, 2)  # warm-up
                for conns in (2, 4, 8):
                    results.setdefault((name, conns), []).append(
                        wrk(base, paths, conns, args.seconds)
                    )
                    log(f"round {round_ + 1} {name} c={conns}: {results[(name, conns)][-1]}")
    return results


def throughput_table(results: dict[tuple[str, int], list], baseline: str) -> str:
    """The median round per variant and client count, and its throughput against `baseline`."""
    rows = [
        "| server (2 workers) | clients | pages/s | p50 ms | p99 ms | vs baseline |",
        "|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(name for name, _ in results):
        for conns in (2, 4, 8):
            runs = sorted(results[(name, conns)])
            rps, p50, p99 = runs[len(runs) // 2]
            base_rps = sorted(results[(baseline, conns)])[len(runs) // 2][0]
            rows.append(
                f"| {name} | {conns} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {rps / base_rps:.2f}× |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    settings = ensure_graph()
    groups = pick_users(settings)
    log("users: " + "; ".join(f"{k}: {[i for i, _ in v][:5]}..." for k, v in groups.items()))
    body = (
        "Graph layer, one process, sequential (the DAOs' methods, as the endpoint calls them):\n\n"
    )
    body += latency_table(settings, groups, args.repeat) + "\n"
    if not args.skip_http:
        body += "\nHTTP, wrk, first pages of 4,000 random active users, rotating order, median "
        body += f"of {args.rounds} rounds of {args.seconds} s:\n\n"
        results = throughput(settings, args)
        body += throughput_table(results, f"{args.baseline_ref} (sync workers)") + "\n"
    body += f"\nEnd to end {time.monotonic() - started:.0f} s (graph reused or built as logged).\n"
    print(body)
    if args.record:
        # `make bench-deep` runs it with --record alone; say so when other options were given
        options = [a for a in sys.argv[1:] if a != "--record"]
        command = " ".join(["python -m bench.deep --record", *options]) if options else None
        record("Deep graph (1M users / 10M connections)", command or "make bench-deep", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
