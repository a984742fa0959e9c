"""The `connections` command: a thin entry point over the same service code as the API.

One module per command, its parser beside its handler: `register(commands)` adds the
subparser and sets `func=run`. A new command is a new module and one line in COMMANDS.

May import: graph, domain, analytics, ops, ingest, webhooks, cache, config.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from neo4j.exceptions import AuthError, ServiceUnavailable

from service.cli import (
    analyze,
    cache,
    db,
    demo,
    events,
    export,
    generate,
    importing,
    jobs,
    neo4j,
    query,
    redis,
    settings,
    suggestions,
    sync,
    token,
    webhooks,
)
from service.cli.common import CommandError
from service.config import ConfigError
from service.graph.errors import GraphUnavailable
from service.ops.neo4j_install import Neo4jServerError
from service.ops.redis_server import RedisServerError

# In the order `connections --help` lists them.
COMMANDS = [
    neo4j,
    redis,
    cache,
    db,
    importing,
    generate,
    demo,
    token,
    events,
    settings,
    suggestions,
    sync,
    webhooks,
    query,
    export,
    analyze,
    jobs,
]


def build_parser() -> argparse.ArgumentParser:
    """The `connections` parser: global flags, then each command module's subparser."""
    parser = argparse.ArgumentParser(
        prog="connections",
        description="The `connections` command: a thin entry point over the same service code "
        "as the API.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output")
    # `jobs run` runs a job's command line through this same entry point, handed down here
    # (a command module importing the package would be an import cycle).
    parser.set_defaults(entry_point=main)
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user-fixable failure is one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except (ConfigError, Neo4jServerError, RedisServerError, CommandError, GraphUnavailable) as exc:
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
