"""`connections webhooks add|list|remove|failures|deliver`: signed webhooks out."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from service.cli.common import CommandError, positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "webhooks", help="signed webhooks out: subscribers, failures and the delivery worker"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="subscribe URL to the event log (prints it as JSON)")
    add.add_argument("url")
    add.add_argument("--secret", help="signing secret (generated and printed when absent)")
    add.add_argument("--events", help="comma-separated event types (default: all)")
    add.add_argument(
        "--from-start", action="store_true", help="replay the whole log, not only new events"
    )
    actions.add_parser("list", help="subscribers and their delivery state, as JSON lines")
    remove = actions.add_parser("remove", help="remove a subscriber")
    remove.add_argument("id", type=positive_int)
    actions.add_parser("failures", help="deliveries given up after every attempt, as JSON lines")
    actions.add_parser("deliver", help="run the delivery worker until stopped")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.graph import db
    from service.graph.runner import Runner, Tuning
    from service.graph.webhooks import WebhookStore

    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        tuning = Tuning(query_timeout=settings.query_timeout)
        store = WebhookStore(Runner(driver, settings.neo4j_database, tuning))
        ACTIONS[args.action](args, store, settings)
    return 0


def add(args: argparse.Namespace, store, settings: Settings) -> None:
    import secrets
    import time
    from urllib.parse import urlsplit

    from service.domain.lifecycle import CONNECTION_EVENTS as EVENT_TYPES

    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"URL must be http:// or https:// with a host, got {args.url!r}")
    events = [name.strip() for name in (args.events or "").split(",") if name.strip()]
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise CommandError(
            f"unknown event type(s) {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}"
        )
    secret = args.secret
    if not secret:
        secret = secrets.token_hex(32)
        print(f"connections: generated secret: {secret}", file=sys.stderr)
    added = store.add_subscriber(args.url, secret, events, args.from_start, time.time())
    print(json.dumps(added))


def list_subscribers(args: argparse.Namespace, store, settings: Settings) -> None:
    for row in store.list_subscribers():
        print(json.dumps(row))


def remove(args: argparse.Namespace, store, settings: Settings) -> None:
    if not store.remove_subscriber(args.id):
        raise CommandError(f"no webhook subscriber with id {args.id}")
    print(f"removed subscriber {args.id}")


def failures(args: argparse.Namespace, store, settings: Settings) -> None:
    for row in store.list_failures():
        print(json.dumps(row))


def deliver(args: argparse.Namespace, store, settings: Settings) -> None:
    import signal
    import threading

    from service.webhooks.delivery import DeliveryWorker

    logging.getLogger("service.webhooks").setLevel(logging.INFO)
    worker = DeliveryWorker(
        store,
        retry_scale=settings.webhook_retry_scale,
        timeout=settings.webhook_timeout,
        poll_interval=settings.webhook_poll_seconds,
    )
    if settings.webhook_metrics_port:
        # Not under gunicorn: the worker serves its own counters for Prometheus.
        from prometheus_client import start_http_server

        start_http_server(settings.webhook_metrics_port, addr="127.0.0.1")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print("connections: delivering webhooks (Ctrl-C to stop)", file=sys.stderr)
    worker.run(stop)


ACTIONS = {
    "add": add,
    "list": list_subscribers,
    "remove": remove,
    "failures": failures,
    "deliver": deliver,
}
