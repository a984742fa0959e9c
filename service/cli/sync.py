"""`connections sync`: replay an export of SelfCommunity events through the webhook receiver."""

from __future__ import annotations

import argparse
import sys

from service.cli.cache import everything_changed
from service.cli.common import CommandError, existing_file
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "sync", help="apply an export of SelfCommunity webhook events (JSON Lines)"
    )
    parser.add_argument("--events", type=existing_file, required=True, metavar="FILE.jsonl")
    parser.add_argument(
        "--skip-invalid", action="store_true", help="skip bad lines instead of stopping"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Replay an export of SelfCommunity events (JSON Lines) through the webhook receiver."""
    import collections
    import json
    import time

    from service.domain.errors import InvalidEvent
    from service.domain.sync import EventSync
    from service.graph import db
    from service.graph.runner import Runner, Tuning
    from service.webhooks.inbound import EventReceiver, event_from

    settings = Settings.from_env()
    outcomes: collections.Counter = collections.Counter()
    started = time.monotonic()
    with db.create_driver(settings) as driver, open(args.events, encoding="utf-8") as lines:
        tuning = Tuning(query_timeout=settings.query_timeout)
        store = EventSync(Runner(driver, settings.neo4j_database, tuning))
        receiver = EventReceiver(store, cache=_invalidation(settings))
        for line_no, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                outcome = receiver.apply(event_from(json.loads(text)))
            except (ValueError, InvalidEvent) as exc:
                message = f"{args.events}:{line_no}: {exc}"
                if not args.skip_invalid:
                    raise CommandError(
                        f"{message}; events before line {line_no} were applied"
                    ) from None
                print(f"connections: skipped {message}", file=sys.stderr)
                outcome = "invalid"
            outcomes[outcome] += 1
            if sum(outcomes.values()) % 1000 == 0:
                print(f"connections: {sum(outcomes.values())} events ...", file=sys.stderr)
    summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))
    seconds = time.monotonic() - started
    print(f"{sum(outcomes.values())} events in {seconds:.1f}s: {summary or 'none'}")
    everything_changed(settings)  # events whose invalidation was lost are covered too
    return 0


def _invalidation(settings: Settings):
    """Each applied event invalidates its users as the API's receiver does."""
    from service.cache.layer import Invalidation, open_client
    from service.cache.store import CacheStore
    from service.domain.ports import NO_CACHE

    if not settings.cache_enabled:
        return NO_CACHE
    return Invalidation(CacheStore(open_client(settings), ttl=settings.cache_ttl))
