"""`connections analyze`: a whole-graph algorithm over the graph in memory (or on Spark)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from service.cli.common import CommandError, non_negative_int, number, positive_int
from service.config import Settings

ALGORITHMS = ("pagerank", "components", "communities", "kcore", "betweenness", "clustering")
SPARK_ALGORITHMS = ("pagerank", "components", "communities")


damping = number(float, lambda value: 0 < value < 1, "between 0 and 1")


def register(commands) -> None:
    parser = commands.add_parser(
        "analyze",
        help="run a whole-graph algorithm (pagerank, components, communities, ...)",
        description="Load the whole graph into memory (igraph) from Neo4j or an export and run "
        "one algorithm; print the top users, write every value to a file or to the :User nodes.",
    )
    parser.add_argument("algorithm", choices=ALGORITHMS)
    parser.add_argument(
        "--from", dest="source", type=Path, metavar="DIR", help="an export folder, not Neo4j"
    )
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument(
        "--top", type=positive_int, default=20, metavar="N", help="print the N highest (default 20)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="every user's value: a .parquet or .csv file"
    )
    parser.add_argument("--seed", type=int, default=1, help="for communities, betweenness")
    parser.add_argument(
        "--damping", type=damping, default=0.85, help="PageRank's damping (default 0.85)"
    )
    parser.add_argument(
        "--samples",
        type=non_negative_int,
        default=1000,
        metavar="K",
        help="betweenness from K random sources (default 1000); 0 = exact",
    )
    parser.add_argument(
        "--write", action="store_true", help="store the values on the :User nodes, in batches"
    )
    parser.add_argument(
        "--write-batch", type=positive_int, default=20_000, metavar="N", help="users per write"
    )
    parser.add_argument("--plot", type=Path, metavar="FILE", help="a PNG of the distribution")
    parser.add_argument(
        "--engine",
        choices=["memory", "spark"],
        default="memory",
        help="memory (igraph, default) or spark (pagerank, components, communities over "
        "a Parquet export: needs --from and the [spark] extra)",
    )
    parser.add_argument(
        "--master", default="local[*]", help="the Spark master URL (default local[*])"
    )
    parser.add_argument(
        "--iterations",
        type=positive_int,
        default=None,
        help="Spark: PageRank/label-propagation iterations (default: until converged, max 100)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.analytics import algorithms
    from service.analytics.catalogue import AnalyticsError
    from service.analytics.snapshot import ExportError

    _check_engine(args)
    settings = Settings.from_env()
    try:
        started = time.monotonic()
        ids, users, connections, result = _compute(args, settings)
        _report(args, ids, users, connections, result, time.monotonic() - started)
        if args.write:
            _write(args, settings, ids, result)
    except (AnalyticsError, ExportError, algorithms.AlgorithmError) as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:  # an unreadable export, a file that cannot be written
        raise CommandError(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None
    return 0


def _check_engine(args: argparse.Namespace) -> None:
    if args.engine != "spark":
        return
    if args.algorithm not in SPARK_ALGORITHMS:
        raise CommandError(
            f"--engine spark runs {', '.join(SPARK_ALGORITHMS)}, not {args.algorithm}"
        )
    if args.source is None:
        raise CommandError("--engine spark reads a Parquet export: give --from DIR")
    if args.write:
        raise CommandError("--write works with --engine memory only")


def _compute(args: argparse.Namespace, settings: Settings):
    """`(ids, users, connections, result)` of the algorithm on the engine asked for."""
    if args.engine == "spark":
        from service.analytics import spark_engine

        return spark_engine.run(
            args.algorithm,
            args.source,
            master=args.master,
            damping=args.damping,
            iterations=args.iterations,
            seed=args.seed,
        )
    from service.analytics import algorithms

    loaded = _load(args, settings)
    options = algorithms.Options(damping=args.damping, samples=args.samples, seed=args.seed)
    result = algorithms.run(args.algorithm, loaded, options)
    return loaded.ids, loaded.users, loaded.connections, result


def _report(args: argparse.Namespace, ids, users: int, connections: int, result, seconds: float):
    """The summary on stderr, the top rows on stdout, and the --out and --plot files."""
    from service.analytics import output, results

    print(results.describe_summary(users, connections, result, seconds), file=sys.stderr)
    print(output.format_rows(results.top_rows(ids, result, args.top), args.format), end="")
    if args.out:
        results.write_file(ids, result, args.out)
        print(f"connections: wrote {args.out}", file=sys.stderr)
    if args.plot:
        from service.analytics.plots import plot_result

        plot_result(result, args.plot)
        print(f"connections: wrote {args.plot}", file=sys.stderr)


def _write(args: argparse.Namespace, settings: Settings, ids, result) -> None:
    from service.analytics import algorithms
    from service.analytics.write_back import write_values
    from service.graph import db

    with db.create_driver(settings) as driver:
        written = write_values(
            driver,
            settings.neo4j_database,
            ids,
            result,
            batch=args.write_batch,
            progress=not args.no_progress,
        )
    prop = algorithms.PROPERTIES[args.algorithm]
    print(f"connections: stored {prop} on {written} users", file=sys.stderr)


def _load(args: argparse.Namespace, settings: Settings):
    from service.analytics import loaded_graph
    from service.graph import db

    if args.source is not None:
        return loaded_graph.from_export(args.source)
    with db.create_driver(settings) as driver:
        return loaded_graph.from_neo4j(
            driver, settings.neo4j_database, progress=not args.no_progress
        )
