"""`connections neo4j start|stop|status`: the project's local Neo4j server."""

from __future__ import annotations

import argparse

from service.cli.common import manage_server
from service.config import Neo4jServerSettings
from service.ops.neo4j_server import LocalNeo4j


def register(commands) -> None:
    parser = commands.add_parser("neo4j", help="manage the project's local Neo4j server")
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return manage_server(LocalNeo4j(Neo4jServerSettings.from_env()), args.action, "NEO4J_URI")
