"""`connections db init`: apply the constraints and indexes."""

from __future__ import annotations

import argparse

from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser("db", help="database maintenance")
    parser.add_argument("action", choices=["init"], help="init: apply constraints/indexes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.graph import db
    from service.ingest.loading import checkpoint_waiter

    settings = Settings.from_env()
    with db.create_driver(settings) as driver:
        driver.verify_connectivity()
        for name in db.init_schema(driver, settings.neo4j_database, checkpoint_waiter(settings)):
            print(f"applied {name}")
    return 0
