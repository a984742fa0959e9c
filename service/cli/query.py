"""`connections query`: run a named, read-only analytics query from the catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.analytics.catalogue import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from service.cli.common import CommandError, positive
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "query",
        help="run a named, read-only analytics query (see --list)",
        description="Run a query from the analysts' catalogue (cypher/analytics/*.cypher) in a "
        "read-only transaction.",
    )
    parser.add_argument("name", nargs="?", help="the query to run")
    parser.add_argument("--list", action="store_true", help="list the queries and their params")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeat for several)",
    )
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    plan = parser.add_mutually_exclusive_group()
    plan.add_argument("--explain", action="store_true", help="print the plan; run nothing")
    plan.add_argument(
        "--profile",
        action="store_true",
        help="run the query and print the plan with rows and db hits",
    )
    parser.add_argument(
        "--timeout",
        type=positive(float),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"server-side timeout (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-rows",
        type=positive(int),
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"stop after N rows (default {DEFAULT_MAX_ROWS})",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        type=Path,
        help="also write a log-log PNG histogram (degree_distribution)",
    )
    parser.set_defaults(func=run)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`--param name=value` pairs as a dict; malformed or repeated names are errors."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CommandError(f"--param needs name=value, got {pair!r}")
        if name in params:
            raise CommandError(f"parameter {name} given twice")
        params[name] = value
    return params


def run(args: argparse.Namespace) -> int:
    from service.analytics import catalogue as analytics

    try:
        return run_query(args, analytics.Catalogue.load())
    except analytics.AnalyticsError as exc:
        raise CommandError(str(exc)) from None


def run_query(args: argparse.Namespace, catalogue) -> int:
    """List the catalogue, or bind, run and print one query (with its plan or plot)."""
    from service.analytics import output
    from service.analytics.runner import AnalyticsRunner
    from service.graph import db

    if args.list:
        print(output.format_catalogue(catalogue, args.format), end="")
        return 0
    if not args.name:
        raise CommandError("name a query to run, or list them with --list")
    query = catalogue.get(args.name)
    params = query.bind(parse_params(args.param))
    mode = "explain" if args.explain else "profile" if args.profile else "run"
    if args.plot and not query.plot:
        plottable = ", ".join(q.name for q in catalogue if q.plot) or "none"
        raise CommandError(
            f"query {query.name} has nothing to plot (--plot works with: {plottable})"
        )
    if args.plot and mode != "run":
        raise CommandError("--plot cannot be combined with --explain or --profile")
    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        runner = AnalyticsRunner(
            driver, settings.neo4j_database, timeout=args.timeout, max_rows=args.max_rows
        )
        result = runner.run(query, params, mode)
    if result.plan is not None:
        print(output.format_plan(result.plan, args.format), end="")
        return 0
    print(output.format_rows(result, args.format), end="")
    if result.truncated:
        print(
            f"connections: warning: output stopped at {args.max_rows} rows; "
            "raise the limit with --max-rows",
            file=sys.stderr,
        )
    if args.plot:
        assert query.plot is not None  # refused above otherwise
        x, y = query.plot
        output.plot_loglog(result, x, y, path=args.plot, title=query.name)
        print(f"connections: wrote {args.plot}", file=sys.stderr)
    return 0
