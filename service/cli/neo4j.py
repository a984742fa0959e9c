"""`connections neo4j start|stop|status`: the project's local Neo4j server."""

from __future__ import annotations

import argparse
import os

from service.config import Neo4jServerSettings
from service.ops.neo4j_server import LocalNeo4j


def register(commands) -> None:
    parser = commands.add_parser("neo4j", help="manage the project's local Neo4j server")
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
