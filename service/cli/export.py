"""`connections export`: a consistent snapshot of the graph as Parquet, CSV or GraphML files."""

from __future__ import annotations

import argparse
from pathlib import Path

from service.cli.common import CommandError, positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "export",
        help="export the graph (users, connections, requests) for analysts' tools",
        description="Write users, connections, requests and manifest.json to a folder, read in "
        "one transaction (a consistent snapshot; the manifest names its event-log position).",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder")
    parser.add_argument(
        "--format",
        choices=["parquet", "csv", "graphml"],
        default="parquet",
        help="parquet (default), csv (same columns) or graphml (Gephi; small graphs only)",
    )
    parser.add_argument(
        "--page",
        type=positive_int,
        default=50_000,
        help="node ids read per query (default 50000; relationship ids: 20 times as many)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.analytics.export import Exporter
    from service.analytics.snapshot import ExportError
    from service.graph import db

    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        exporter = Exporter(
            driver, settings.neo4j_database, page=args.page, progress=not args.no_progress
        )
        try:
            manifest = exporter.export(args.out, args.format)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                f"cannot write the export to {args.out}: {exc.strerror or exc}"
            ) from None
    print(
        f"exported {manifest.users} users, {manifest.connections} connections, "
        f"{manifest.requests} requests to {args.out} ({args.format}, event {manifest.event_id}, "
        f"{manifest.seconds:.1f}s)"
    )
    return 0
