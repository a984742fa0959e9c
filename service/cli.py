"""The `connections` command: a thin entry point over the same service code as the API."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from neo4j.exceptions import AuthError, ServiceUnavailable

from service.config import ConfigError, Neo4jServerSettings, RedisServerSettings, Settings
from service.graph.errors import GraphUnavailable
from service.ops.neo4j_server import LocalNeo4j, Neo4jServerError
from service.ops.redis_server import LocalRedis, RedisServerError


class CommandError(Exception):
    """A command failed in a way the user can fix; printed as one line, exit code 2."""


def cmd_neo4j(args: argparse.Namespace) -> int:
    if os.environ.get("NEO4J_URI", "").strip():
        print("NEO4J_URI is set: using that server, nothing to start or stop here.")
        return 0
    server = LocalNeo4j(Neo4jServerSettings.from_env())
    if args.action == "start":
        print(server.start().describe())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    else:
        status = server.status()
        print(status.describe())
        return 0 if status.running else 3
    return 0


def cmd_redis(args: argparse.Namespace) -> int:
    if os.environ.get("REDIS_URL", "").strip():
        print("REDIS_URL is set: using that server, nothing to start or stop here.")
        return 0
    server = LocalRedis(RedisServerSettings.from_env())
    if args.action == "start":
        print(server.start().describe())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    else:
        status = server.status()
        print(status.describe())
        return 0 if status.running else 3
    return 0


def cmd_db_init(args: argparse.Namespace) -> int:
    from service.graph import db
    from service.ingest.loading import checkpoint_waiter

    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        driver.verify_connectivity()
        for name in db.init_schema(driver, settings.neo4j_database, checkpoint_waiter(settings)):
            print(f"applied {name}")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def cmd_import(args: argparse.Namespace) -> int:
    from service.graph import db
    from service.ingest.importing import ImportCountMismatch, Importer, ImportInputError
    from service.ingest.loading import checkpoint_waiter

    if not (args.users or args.connections or args.requests):
        raise CommandError("give at least one of --users, --connections, --requests")
    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        driver.verify_connectivity()
        db.init_schema(driver, settings.neo4j_database, checkpoint_waiter(settings))
        importer = Importer(
            driver,
            settings.neo4j_database,
            await_checkpoint=checkpoint_waiter(settings),
            batch_size=args.batch_size,
            skip_invalid=args.skip_invalid,
            progress=not args.no_progress,
        )
        try:
            summary = importer.import_files(args.users, args.connections, args.requests)
        except (ImportInputError, ImportCountMismatch) as exc:
            raise CommandError(str(exc)) from None
    for bad in summary.bad_rows:
        print(f"skipped {bad.describe()}", file=sys.stderr)
    print(summary.describe())
    return 0


def _generator_config(args: argparse.Namespace):
    from service.ingest.generate import GeneratorConfig

    cfg = GeneratorConfig(
        users=args.users,
        avg_degree=args.avg_degree,
        exponent=args.exponent,
        supernodes=args.supernodes,
        supernode_degree=args.supernode_degree,
        request_share=args.request_share,
        seed=args.seed,
    )
    try:
        cfg.validate()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return cfg


def cmd_generate(args: argparse.Namespace) -> int:
    import time

    from service.ingest.generate import write_import_files

    if not (args.out or args.load):
        raise CommandError("give --out DIR (write the import files) and/or --load")
    cfg = _generator_config(args)
    if not args.load:
        started = time.monotonic()
        files = write_import_files(cfg, args.out)
        print(
            f"wrote {files.users} users to {files.users_path}, {files.connections} connections "
            f"to {files.connections_path}, {files.requests} requests to {files.requests_path} "
            f"in {time.monotonic() - started:.1f}s"
        )
        return 0
    from service.ingest.loading import LoadError, load_generated

    try:
        result = load_generated(
            Settings.from_env(),
            cfg,
            method=args.method,
            out_dir=args.out,
            batch_size=args.batch_size,
            progress=not args.no_progress,
        )
    except LoadError as exc:
        raise CommandError(str(exc)) from None
    print(result.describe())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from service.domain.auth import mint_token
    from service.ingest.loading import ensure_demo

    settings = Settings.from_env()
    demo = ensure_demo(settings, progress=not args.no_progress)
    if demo.loaded:
        print(f"demo data: {demo.loaded.describe()}")
    else:
        print("demo data: the database already holds users; nothing loaded")
    if demo.user_id is None:
        print("no active user with connections to show in an example request")
        return 0
    token = mint_token(demo.user_id, settings.jwt_secret, ttl_seconds=args.token_ttl)
    base = f"http://{os.environ.get('BIND', '127.0.0.1:8000')}"
    print(
        f"user {demo.user_id} has {demo.degree} connections; try (token valid "
        f"{args.token_ttl // 60} min):"
    )
    print(
        f"  curl -s -H 'Authorization: Bearer {token}' "
        f"'{base}/api/v2/user/{demo.user_id}/connections/?limit=5'"
    )
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from service.domain import auth

    if not 1 <= args.user_id <= 2**63 - 1:
        raise CommandError(f"--user-id must be a positive integer, got {args.user_id}")
    if args.ttl < 1:
        raise CommandError(f"--ttl must be at least 1 second, got {args.ttl}")
    settings = Settings.from_env()
    print(auth.mint_token(args.user_id, settings.jwt_secret, ttl_seconds=args.ttl))
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from service.domain import community
    from service.graph import db
    from service.graph.store import Graph

    settings = Settings.from_env()
    if args.action == "set":
        if args.name is None or args.value is None:
            raise CommandError(
                "usage: connections settings set NAME VALUE "
                f"(NAME one of: {', '.join(community.OPTIONS)})"
            )
        try:
            value = community.parse_option(args.name, args.value)
        except community.UnknownOption as exc:
            raise CommandError(str(exc)) from None
    elif args.name is not None:
        raise CommandError("usage: connections settings show")
    with db.create_driver(settings) as driver:
        graph = Graph(driver, settings.neo4j_database, settings.query_timeout)
        if args.action == "set":
            stored = graph.set_community_settings({args.name: value})
        else:
            stored = graph.get_community_settings()
    values = community.effective(stored, settings)
    for name in community.OPTIONS:
        source = "database" if name in stored else "default"
        print(f"{name}={str(values[name]).lower()} ({source})")
    return 0


def cmd_webhooks(args: argparse.Namespace) -> int:
    import json
    import secrets
    import signal
    import threading
    import time
    from urllib.parse import urlsplit

    from service.graph import db
    from service.graph.store import Graph
    from service.graph.webhooks import WebhookStore
    from service.webhooks.delivery import DeliveryWorker
    from service.webhooks.mirror import CONNECTION_EVENTS as EVENT_TYPES

    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        store = WebhookStore(Graph(driver, settings.neo4j_database, settings.query_timeout))
        if args.action == "add":
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
        elif args.action == "list":
            for row in store.list_subscribers():
                print(json.dumps(row))
        elif args.action == "remove":
            if not store.remove_subscriber(args.id):
                raise CommandError(f"no webhook subscriber with id {args.id}")
            print(f"removed subscriber {args.id}")
        elif args.action == "failures":
            for row in store.list_failures():
                print(json.dumps(row))
        else:
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
    return 0


def cmd_suggestions(args: argparse.Namespace) -> int:
    import signal
    import threading

    from service.domain.suggestions import refresh_suggestion_lists
    from service.graph import db
    from service.graph.store import Graph
    from service.graph.suggestions import SuggestionLists

    settings = Settings.from_env()
    stop = threading.Event()
    if args.every:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())

    def say(message: str) -> None:
        print(f"connections: suggestions: {message}", file=sys.stderr, flush=True)

    with db.create_driver(settings) as driver:
        # The exact ranking of a supernode takes minutes: not the API's query timeout.
        graph = Graph(driver, settings.neo4j_database, settings.suggestion_refresh_timeout)
        lists = SuggestionLists(graph)
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


def cmd_sync(args: argparse.Namespace) -> int:
    """Replay an export of SelfCommunity events (JSON Lines) through the webhook receiver."""
    import collections
    import json
    import time

    from service.graph import db
    from service.graph.store import Graph
    from service.graph.sync import SyncStore
    from service.webhooks.inbound import EventReceiver, InvalidEvent, event_from

    settings = Settings.from_env()
    outcomes: collections.Counter = collections.Counter()
    started = time.monotonic()
    with db.create_driver(settings) as driver, open(args.events, encoding="utf-8") as lines:
        receiver = EventReceiver(
            SyncStore(Graph(driver, settings.neo4j_database, settings.query_timeout))
        )
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
    return 0


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


def cmd_events(args: argparse.Namespace) -> int:
    import time

    from service.graph import db
    from service.graph.store import Graph

    settings = Settings.from_env()
    after = args.after
    with db.create_driver(settings) as driver:
        graph = Graph(driver, settings.neo4j_database, settings.query_timeout)
        while True:
            events = graph.read_events(after, limit=args.batch)
            for event in events:
                print(event_line(event), flush=args.follow)
                after = event["event_id"]
            if len(events) == args.batch:
                continue  # more may be waiting: read on before sleeping
            if not args.follow:
                return 0
            time.sleep(args.interval)


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


def cmd_query(args: argparse.Namespace) -> int:
    from service.analytics import catalogue as analytics
    from service.analytics import output
    from service.graph import db

    try:
        catalogue = analytics.Catalogue.load()
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
            runner = analytics.AnalyticsRunner(
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
            output.plot_loglog(result, *query.plot, path=args.plot, title=query.name)
            print(f"connections: wrote {args.plot}", file=sys.stderr)
        return 0
    except analytics.AnalyticsError as exc:
        raise CommandError(str(exc)) from None


def _positive(kind):
    def convert(raw: str):
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {raw}")
        return value

    return convert


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="connections", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    sub = parser.add_subparsers(dest="command", required=True)

    neo4j = sub.add_parser("neo4j", help="manage the project's local Neo4j server")
    neo4j.add_argument("action", choices=["start", "stop", "status"])
    neo4j.set_defaults(func=cmd_neo4j)

    redis_parser = sub.add_parser("redis", help="manage the project's local Redis (the cache)")
    redis_parser.add_argument("action", choices=["start", "stop", "status"])
    redis_parser.set_defaults(func=cmd_redis)

    db_parser = sub.add_parser("db", help="database maintenance")
    db_parser.add_argument("action", choices=["init"], help="init: apply constraints/indexes")
    db_parser.set_defaults(func=cmd_db_init)

    imp = sub.add_parser("import", help="import users, connections and requests from files")
    imp.add_argument("--users", type=_existing_file, help="users, JSON Lines (API field names)")
    imp.add_argument(
        "--connections", type=_existing_file, help="connections, CSV: user_id,other_id,created_at"
    )
    imp.add_argument(
        "--requests",
        type=_existing_file,
        help="pending connection requests, CSV: from_id,to_id,created_at",
    )
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="skip bad rows (and count them) instead of stopping at the first",
    )
    imp.add_argument(
        "--batch-size", type=_positive_int, default=5000, help="rows per transaction (default 5000)"
    )
    imp.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    imp.set_defaults(func=cmd_import)

    gen = sub.add_parser("generate", help="generate a large community with skewed degrees")
    gen.add_argument("--users", type=_positive_int, default=10_000)
    gen.add_argument(
        "--avg-degree",
        type=float,
        default=10.0,
        help="mean connections + requests per user (default 10)",
    )
    gen.add_argument(
        "--exponent",
        type=float,
        default=2.5,
        help="power-law exponent of the degree distribution (> 2; default 2.5)",
    )
    gen.add_argument("--supernodes", type=int, default=0, help="users with a huge degree")
    gen.add_argument(
        "--supernode-degree", type=int, default=0, help="connections of each supernode (within 5%%)"
    )
    gen.add_argument(
        "--request-share",
        type=float,
        default=0.05,
        help="share of related pairs left as pending requests (default 0.05)",
    )
    gen.add_argument("--seed", type=int, default=1, help="same seed, same files")
    gen.add_argument("--out", type=Path, help="write the import files to this directory")
    gen.add_argument("--load", action="store_true", help="load the graph into Neo4j")
    gen.add_argument(
        "--method",
        choices=["auto", "bolt", "bulk"],
        default="auto",
        help="auto: neo4j-admin bulk import for a big graph into the managed "
        "server's empty database, else Bolt",
    )
    gen.add_argument("--batch-size", type=_positive_int, default=5000)
    gen.add_argument("--no-progress", action="store_true")
    gen.set_defaults(func=cmd_generate)

    demo = sub.add_parser(
        "demo", help="load the demo community into an empty database and print an example request"
    )
    demo.add_argument("--token-ttl", type=_positive_int, default=3600, help="seconds")
    demo.add_argument("--no-progress", action="store_true")
    demo.set_defaults(func=cmd_demo)
    token = sub.add_parser("token", help="mint a Bearer JWT (HS256, JWT_SECRET) for local use")
    token.add_argument("--user-id", type=int, required=True, help="the token's user_id")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")
    token.set_defaults(func=cmd_token)

    events = sub.add_parser(
        "events",
        help="print the connection event log as JSON lines",
        description="Print events with id > --after, oldest first, one JSON object per line: "
        "event_id, type, created (Unix seconds), from_user_id, to_user_id.",
    )
    events.add_argument(
        "--after", type=int, default=0, metavar="ID", help="only events after this id (default 0)"
    )
    events.add_argument(
        "--follow", action="store_true", help="keep polling for new events (Ctrl-C stops)"
    )
    events.add_argument(
        "--interval",
        type=_positive(float),
        default=1.0,
        metavar="SECONDS",
        help="polling interval with --follow (default 1)",
    )
    events.add_argument("--batch", type=_positive_int, default=1000, help=argparse.SUPPRESS)
    events.set_defaults(func=cmd_events)

    settings_parser = sub.add_parser(
        "settings", help="show or set community options (follow_enabled, content_availability)"
    )
    settings_parser.add_argument("action", choices=["show", "set"])
    settings_parser.add_argument("name", nargs="?", help="option name (set)")
    settings_parser.add_argument("value", nargs="?", help="true or false (set)")
    settings_parser.set_defaults(func=cmd_settings)

    suggestions = sub.add_parser(
        "suggestions",
        help="precomputed suggestions of the most connected users",
        description="refresh: store the exact top SUGGESTION_PRECOMPUTE_TOP suggestions of every "
        "active user with at least SUGGESTION_PRECOMPUTE_MIN_DEGREE connections whose stored "
        "list is missing or older than SUGGESTION_REFRESH_SECONDS, and drop the lists of users "
        "below the threshold. The suggestion endpoint serves those lists, filtered live.",
    )
    suggestions.add_argument("action", choices=["refresh"])
    suggestions.add_argument(
        "--force", action="store_true", help="recompute every list, fresh or not"
    )
    suggestions.add_argument(
        "--every",
        type=_positive(float),
        metavar="SECONDS",
        help="run a pass every SECONDS until stopped (the periodic job)",
    )
    suggestions.add_argument(
        "--min-degree", type=_positive_int, help="override SUGGESTION_PRECOMPUTE_MIN_DEGREE"
    )
    suggestions.add_argument("--top", type=_positive_int, help="override SUGGESTION_PRECOMPUTE_TOP")
    suggestions.set_defaults(func=cmd_suggestions)

    sync_parser = sub.add_parser(
        "sync", help="apply an export of SelfCommunity webhook events (JSON Lines)"
    )
    sync_parser.add_argument("--events", type=_existing_file, required=True, metavar="FILE.jsonl")
    sync_parser.add_argument(
        "--skip-invalid", action="store_true", help="skip bad lines instead of stopping"
    )
    sync_parser.set_defaults(func=cmd_sync)

    webhooks = sub.add_parser(
        "webhooks", help="signed webhooks out: subscribers, failures and the delivery worker"
    )
    hooks = webhooks.add_subparsers(dest="action", required=True)
    add = hooks.add_parser("add", help="subscribe URL to the event log (prints it as JSON)")
    add.add_argument("url")
    add.add_argument("--secret", help="signing secret (generated and printed when absent)")
    add.add_argument("--events", help="comma-separated event types (default: all)")
    add.add_argument(
        "--from-start", action="store_true", help="replay the whole log, not only new events"
    )
    hooks.add_parser("list", help="subscribers and their delivery state, as JSON lines")
    remove = hooks.add_parser("remove", help="remove a subscriber")
    remove.add_argument("id", type=_positive_int)
    hooks.add_parser("failures", help="deliveries given up after every attempt, as JSON lines")
    hooks.add_parser("deliver", help="run the delivery worker until stopped")
    webhooks.set_defaults(func=cmd_webhooks)

    from service.analytics.catalogue import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

    query = sub.add_parser(
        "query",
        help="run a named, read-only analytics query (see --list)",
        description="Run a query from the analysts' catalogue (cypher/analytics/*.cypher) in a "
        "read-only transaction.",
    )
    query.add_argument("name", nargs="?", help="the query to run")
    query.add_argument("--list", action="store_true", help="list the queries and their params")
    query.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter (repeat for several)",
    )
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    plan = query.add_mutually_exclusive_group()
    plan.add_argument("--explain", action="store_true", help="print the plan; run nothing")
    plan.add_argument(
        "--profile",
        action="store_true",
        help="run the query and print the plan with rows and db hits",
    )
    query.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"server-side timeout (default {DEFAULT_TIMEOUT:g})",
    )
    query.add_argument(
        "--max-rows",
        type=_positive(int),
        default=DEFAULT_MAX_ROWS,
        metavar="N",
        help=f"stop after N rows (default {DEFAULT_MAX_ROWS})",
    )
    query.add_argument(
        "--plot",
        metavar="FILE",
        type=Path,
        help="also write a log-log PNG histogram (degree_distribution)",
    )
    query.set_defaults(func=cmd_query)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except (ConfigError, Neo4jServerError, RedisServerError, CommandError) as exc:
        print(f"connections: error: {exc}", file=sys.stderr)
        return 2
    except GraphUnavailable as exc:
        print(f"connections: error: {exc}", file=sys.stderr)
        return 2
    except (ServiceUnavailable, AuthError) as exc:
        print(
            f"connections: error: cannot use Neo4j at {os.environ.get('NEO4J_URI') or 'the local server'}: "
            f"{getattr(exc, 'message', None) or exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("connections: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
