"""`connections import`: users, connections and requests from files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="DIR",
        help="an export (`connections export`, parquet or csv) to write back as it was",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.graph import db
    from service.ingest.importing import ImportCountMismatch, Importer, ImportInputError
    from service.ingest.loading import checkpoint_waiter

    if args.source is not None:
        if args.users or args.connections or args.requests:
            raise CommandError(
                "--from imports a whole export: not with --users/--connections/--requests"
            )
        return restore(args)
    if not (args.users or args.connections or args.requests):
        raise CommandError("give at least one of --users, --connections, --requests or --from")
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


def restore(args: argparse.Namespace) -> int:
    """`import --from DIR`: the export's users, connections and requests, as they were."""
    from service.analytics import snapshot
    from service.graph import db
    from service.ingest.loading import checkpoint_waiter
    from service.ingest.restoring import Restorer

    try:
        manifest = snapshot.read_manifest(args.source)
        if manifest.format == "graphml":
            raise snapshot.ExportError("a GraphML export is for Gephi; import a parquet or csv one")

        def rows(table: str):
            for batch in snapshot.read_batches(args.source, table, batch_rows=args.batch_size):
                yield batch.to_pylist()

        settings = Settings.from_env()
        with db.create_driver(settings) as driver:
            driver.verify_connectivity()
            db.init_schema(driver, settings.neo4j_database, checkpoint_waiter(settings))
            summary = Restorer(
                driver, settings.neo4j_database, progress=not args.no_progress
            ).restore(
                rows("users"),
                rows("connections"),
                rows("requests"),
                totals=(manifest.users, manifest.connections, manifest.requests),
            )
            db.checkpoint(driver, settings.neo4j_database, checkpoint_waiter(settings))
    except snapshot.ExportError as exc:
        raise CommandError(str(exc)) from None
    print(summary.describe())
    return 0
