"""`connections events`: print the connection event log as JSON lines."""

from __future__ import annotations

import argparse

from service.cli.common import positive, positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "events",
        help="print the connection event log as JSON lines",
        description="Print events with id > --after, oldest first, one JSON object per line: "
        "event_id, type, created (Unix seconds), from_user_id, to_user_id.",
    )
    parser.add_argument(
        "--after", type=int, default=0, metavar="ID", help="only events after this id (default 0)"
    )
    parser.add_argument(
        "--follow", action="store_true", help="keep polling for new events (Ctrl-C stops)"
    )
    parser.add_argument(
        "--interval",
        type=positive(float),
        default=1.0,
        metavar="SECONDS",
        help="polling interval with --follow (default 1)",
    )
    parser.add_argument("--batch", type=positive_int, default=1000, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def event_line(event: dict) -> str:
    """One event as the JSON line `connections events` prints (`created` in Unix seconds)."""
    import json

    return json.dumps(
        {
            "event_id": event["event_id"],
            "type": event["type"],
            "created": event["created"].timestamp(),
            "from_user_id": event["from_user_id"],
            "to_user_id": event["to_user_id"],
        }
    )


def run(args: argparse.Namespace) -> int:
    import time

    from service.graph import db
    from service.graph.events import EventLog
    from service.graph.runner import Runner, Tuning

    settings = Settings.from_env()
    after = args.after
    with db.create_driver(settings) as driver:
        tuning = Tuning(query_timeout=settings.query_timeout)
        event_log = EventLog(Runner(driver, settings.neo4j_database, tuning))
        while True:
            events = event_log.read_events(after, limit=args.batch)
            for event in events:
                print(event_line(event), flush=args.follow)
                after = event["event_id"]
            if len(events) == args.batch:
                continue  # more may be waiting: read on before sleeping
            if not args.follow:
                return 0
            time.sleep(args.interval)
