"""`connections suggestions refresh`: the precomputed suggestions of the most connected users."""

from __future__ import annotations

import argparse
import sys

from service.cli.common import positive, positive_int
from service.config import Settings
from service.graph.errors import GraphUnavailable


def register(commands) -> None:
    parser = commands.add_parser(
        "suggestions",
        help="precomputed suggestions of the most connected users",
        description="refresh: store the exact top SUGGESTION_PRECOMPUTE_TOP suggestions of every "
        "active user with at least SUGGESTION_PRECOMPUTE_MIN_DEGREE connections whose stored "
        "list is missing or older than SUGGESTION_REFRESH_SECONDS, and drop the lists of users "
        "below the threshold. The suggestion endpoint serves those lists, filtered live.",
    )
    parser.add_argument("action", choices=["refresh"])
    parser.add_argument("--force", action="store_true", help="recompute every list, fresh or not")
    parser.add_argument(
        "--every",
        type=positive(float),
        metavar="SECONDS",
        help="run a pass every SECONDS until stopped (the periodic job)",
    )
    parser.add_argument(
        "--min-degree", type=positive_int, help="override SUGGESTION_PRECOMPUTE_MIN_DEGREE"
    )
    parser.add_argument("--top", type=positive_int, help="override SUGGESTION_PRECOMPUTE_TOP")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from service.domain.suggestions import refresh_suggestion_lists
    from service.graph import db
    from service.graph.runner import Runner, Tuning
    from service.graph.suggestion_lists import SuggestionLists

    settings = Settings.from_env()
    stop = threading.Event()
    if args.every:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())

    def say(message: str) -> None:
        print(f"connections: suggestions: {message}", file=sys.stderr, flush=True)

    with db.create_driver(settings) as driver:
        # The exact ranking of a supernode takes minutes: not the API's query timeout.
        tuning = Tuning(query_timeout=settings.suggestion_refresh_timeout)
        lists = SuggestionLists(Runner(driver, settings.neo4j_database, tuning))
        while True:
            try:
                report = refresh_suggestion_lists(
                    lists,
                    min_degree=args.min_degree or settings.suggestion_precompute_min_degree,
                    top=args.top or settings.suggestion_precompute_top,
                    max_age=settings.suggestion_refresh_seconds,
                    force=args.force,
                    progress=say,
                )
                say(
                    f"done in {report.seconds:.0f} s: {report.refreshed} computed, "
                    f"{report.fresh} still fresh, {report.dropped} dropped"
                )
            except GraphUnavailable as exc:
                if not args.every:
                    raise
                # The loop outlives a Neo4j restart: the next pass tries again.
                say(f"pass failed, retrying in {args.every:g} s: {exc}")
            if not args.every or stop.wait(args.every):
                return 0
