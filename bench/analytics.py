"""Whole-graph analytics (issue 20): export, load, each algorithm, --write, Spark, peak RSS, and
networkx on a graph 10x smaller, measured in one run.

Builds the graph once in the managed instance of its size (bench.toolkit.graphs: shared with
the other benchmarks at the same size; ports BENCH_BOLT_PORT/BENCH_HTTP_PORT) and reuses it while
its stamp matches. Each measured step runs as a child process (`python -m bench.analytics step
...`) so that its peak RSS is its own (os.wait4's ru_maxrss).

    python -m bench.analytics --users 100000 --record          # `make bench-analytics`
    python -m bench.analytics --users 1000000 --avg-degree 21 --supernodes 5 \
        --supernode-degree 100000 --record                      # the 1M graph (~7 min build)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.toolkit import ROOT
from bench.toolkit.graphs import add_graph_options, generated_graph, graph_config
from bench.toolkit.instances import (
    neo4j_env,
)
from bench.toolkit.results import command_line, record
from service.config import Settings
from service.ingest.generate import GeneratorConfig

# Without options: 100k users, two supernodes (the docstring above gives the 1M run).
DEFAULT_GRAPH = GeneratorConfig(users=100_000, avg_degree=20, supernodes=2, supernode_degree=10_000)
ALGORITHMS = ("pagerank", "components", "communities", "kcore", "clustering", "betweenness")


def log(message: str) -> None:
    print(f"[bench-analytics] {message}", file=sys.stderr, flush=True)


def child(settings: Settings, *argv: str) -> dict:
    """Run one step in a child process; its JSON line, plus its wall time and peak RSS."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.analytics", "step", *argv],
        stdout=subprocess.PIPE,
        env=neo4j_env(settings),
        cwd=ROOT,
    )
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"step {argv} failed with {process.returncode}")
    figures = json.loads(out.decode().strip().splitlines()[-1])
    figures["wall"] = time.monotonic() - started
    figures["rss_mb"] = usage.ru_maxrss / 1024
    return figures


def step(argv: list[str]) -> int:
    """One measured step, in this (child) process; prints one JSON line of figures."""
    from service.analytics import algorithms, loaded_graph
    from service.analytics.export import Exporter
    from service.analytics.write_back import write_values
    from service.graph import db as graph_db

    settings = Settings.from_env()
    kind = argv[0]
    figures: dict = {}
    if kind == "export":
        with graph_db.create_driver(settings) as driver:
            started = time.monotonic()
            manifest = Exporter(driver, settings.neo4j_database, progress=False).export(
                Path(argv[1])
            )
            figures["seconds"] = time.monotonic() - started
            figures["rows"] = manifest.users + manifest.connections + manifest.requests
    elif kind == "memory":
        with graph_db.create_driver(settings) as driver:
            started = time.monotonic()
            loaded = loaded_graph.from_neo4j(driver, settings.neo4j_database, progress=False)
            figures["load"] = time.monotonic() - started
            for name in argv[1:]:
                started = time.monotonic()
                result = algorithms.run(name, loaded, algorithms.Options(samples=100))
                figures[name] = time.monotonic() - started
                if name == "communities":
                    figures["modularity"] = result.summary["modularity"]
                if name == "pagerank":
                    started = time.monotonic()
                    write_values(
                        driver, settings.neo4j_database, loaded.ids, result, progress=False
                    )
                    figures["write"] = time.monotonic() - started
            figures["users"], figures["connections"] = loaded.users, loaded.connections
    elif kind == "spark":
        from service.analytics import spark_engine

        for name in argv[2:]:
            started = time.monotonic()
            spark_engine.run(name, Path(argv[1]))
            figures[name] = time.monotonic() - started
    elif kind == "networkx":
        figures = networkx_figures(int(argv[1]), float(argv[2]), int(argv[3]))
    print(json.dumps(figures), flush=True)
    return 0


def networkx_figures(users: int, avg_degree: float, seed: int) -> dict:
    """igraph and networkx on the same generated graph (in memory, no Neo4j): seconds each."""
    import networkx as nx
    import numpy as np

    from service.analytics import algorithms, loaded_graph
    from service.ingest.generate import generate_pairs

    cfg = GeneratorConfig(users=users, avg_degree=avg_degree, seed=seed)
    pairs = [(a, b) for a, b, _, request in generate_pairs(cfg) if not request]
    graph = nx.Graph()
    graph.add_nodes_from(range(1, users + 1))
    graph.add_edges_from(pairs)
    edges = np.array(pairs, dtype=np.int64)
    loaded = loaded_graph.from_edges(np.arange(1, users + 1), edges[:, 0], edges[:, 1])
    runs = {
        "pagerank": lambda: nx.pagerank(graph),
        "components": lambda: list(nx.connected_components(graph)),
        "communities": lambda: nx.community.louvain_communities(graph, seed=1),
        "kcore": lambda: nx.core_number(graph),
        "clustering": lambda: nx.clustering(graph),
        "betweenness": lambda: nx.betweenness_centrality(graph, k=100, seed=1),
    }
    figures: dict = {"users": users, "connections": len(pairs)}
    for name, work in runs.items():
        started = time.monotonic()
        work()
        figures[f"nx_{name}"] = time.monotonic() - started
        started = time.monotonic()
        algorithms.run(name, loaded, algorithms.Options(samples=100))
        figures[f"ig_{name}"] = time.monotonic() - started
    return figures


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["step"]:
        return step(args_list[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser, DEFAULT_GRAPH)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-networkx", action="store_true")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(args_list)
    cfg = graph_config(args)
    _, settings = generated_graph(cfg, heap="2g", pagecache="2g")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-analytics-") as scratch:
        out = Path(scratch) / "export"
        log("export")
        export = child(settings, "export", str(out))
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        rows.append(
            (
                "export to Parquet",
                f"{export['seconds']:.1f} s",
                f"{export['rss_mb']:.0f} MB",
                f"{export['rows']:,} rows, {size:.0f} MiB",
            )
        )
        log("load and algorithms")
        memory = child(settings, "memory", *ALGORITHMS)
        graph = f"{memory['users']:,} users / {memory['connections']:,} connections"
        rows.append(
            (
                "load from Neo4j",
                f"{memory['load']:.1f} s",
                f"{memory['rss_mb']:.0f} MB (whole step)",
                graph,
            )
        )
        for name in ALGORITHMS:
            note = f"modularity {memory['modularity']:.3f}" if name == "communities" else ""
            if name == "betweenness":
                note = "100 sampled sources"
            rows.append((name, f"{memory[name]:.2f} s", "", note))
        rows.append(
            ("--write pagerank (every user)", f"{memory['write']:.1f} s", "", "batches of 20,000")
        )
        if not args.skip_spark:
            log("spark")
            spark = child(settings, "spark", str(out), "pagerank", "components")
            for name in ("pagerank", "components"):
                ratio = spark[name] / memory[name] if memory[name] else float("nan")
                rows.append(
                    (
                        f"Spark local[*] {name}",
                        f"{spark[name]:.1f} s",
                        f"{spark['rss_mb']:.0f} MB (driver)",
                        f"{ratio:.0f}x the in-memory engine",
                    )
                )
    if not args.skip_networkx:
        small = max(args.users // 10, 100)
        log(f"networkx vs igraph on {small:,} users")
        nx_figures = child(settings, "networkx", str(small), str(args.avg_degree), str(args.seed))
        for name in ALGORITHMS:
            nxs, igs = nx_figures[f"nx_{name}"], nx_figures[f"ig_{name}"]
            rows.append(
                (
                    f"networkx {name} ({small:,} users, {nx_figures['connections']:,} connections)",
                    f"{nxs:.2f} s",
                    "",
                    f"igraph {igs:.3f} s: {nxs / max(igs, 1e-6):.0f}x faster",
                )
            )
    table = "| step | time | peak RSS | notes |\n|---|---|---|---|\n" + "\n".join(
        "| " + " | ".join(row) + " |" for row in rows
    )
    print(table)
    if args.record:
        record(
            f"Whole-graph analytics, {cfg.users:,} users (issue 20)",
            command_line("bench.analytics", argv),
            table,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
