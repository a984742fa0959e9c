"""`connections generate`: a large community with skewed degrees, to files and/or Neo4j."""

from __future__ import annotations

import argparse
from pathlib import Path

from service.cli.cache import everything_changed
from service.cli.common import CommandError, positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser("generate", help="generate a large community with skewed degrees")
    parser.add_argument("--users", type=positive_int, default=10_000)
    parser.add_argument(
        "--avg-degree",
        type=float,
        default=10.0,
        help="mean connections + requests per user (default 10)",
    )
    parser.add_argument(
        "--exponent",
        type=float,
        default=2.5,
        help="power-law exponent of the degree distribution (> 2; default 2.5)",
    )
    parser.add_argument("--supernodes", type=int, default=0, help="users with a huge degree")
    parser.add_argument(
        "--supernode-degree", type=int, default=0, help="connections of each supernode (within 5%%)"
    )
    parser.add_argument(
        "--request-share",
        type=float,
        default=0.05,
        help="share of related pairs left as pending requests (default 0.05)",
    )
    parser.add_argument("--seed", type=int, default=1, help="same seed, same files")
    parser.add_argument("--out", type=Path, help="write the import files to this directory")
    parser.add_argument("--load", action="store_true", help="load the graph into Neo4j")
    parser.add_argument(
        "--method",
        choices=["auto", "bolt", "bulk"],
        default="auto",
        help="auto: neo4j-admin bulk import for a big graph into the managed "
        "server's empty database, else Bolt",
    )
    parser.add_argument("--batch-size", type=positive_int, default=5000)
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(func=run)


def generator_config(args: argparse.Namespace):
    """The generator's config from the command line, validated."""
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


def run(args: argparse.Namespace) -> int:
    import time

    from service.ingest.generate import write_import_files

    if not (args.out or args.load):
        raise CommandError("give --out DIR (write the import files) and/or --load")
    cfg = generator_config(args)
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

    settings = Settings.from_env()
    try:
        result = load_generated(
            settings,
            cfg,
            method=args.method,
            out_dir=args.out,
            batch_size=args.batch_size,
            progress=not args.no_progress,
        )
    except LoadError as exc:
        raise CommandError(str(exc)) from None
    print(result.describe())
    everything_changed(settings)
    return 0
