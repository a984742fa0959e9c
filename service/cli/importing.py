"""`connections import`: users, connections and requests from files."""

from __future__ import annotations

import argparse
import sys

from service.cli.cache import everything_changed
from service.cli.common import CommandError, existing_file, positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser("import", help="import users, connections and requests from files")
    parser.add_argument("--users", type=existing_file, help="users, JSON Lines (API field names)")
    parser.add_argument(
        "--connections", type=existing_file, help="connections, CSV: user_id,other_id,created_at"
    )
    parser.add_argument(
        "--requests",
        type=existing_file,
        help="pending connection requests, CSV: from_id,to_id,created_at",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="skip bad rows (and count them) instead of stopping at the first",
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=5000, help="rows per transaction (default 5000)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
    everything_changed(settings)
    return 0
