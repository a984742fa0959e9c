"""`connections settings show|set`: the community options stored in the database."""

from __future__ import annotations

import argparse

from service.cli.common import CommandError
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "settings", help="show or set community options (follow_enabled, content_availability)"
    )
    parser.add_argument("action", choices=["show", "set"])
    parser.add_argument("name", nargs="?", help="option name (set)")
    parser.add_argument("value", nargs="?", help="true or false (set)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.domain import community
    from service.graph import db
    from service.graph.community import CommunityStore
    from service.graph.runner import Runner, Tuning

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
        store = CommunityStore(
            Runner(driver, settings.neo4j_database, Tuning(query_timeout=settings.query_timeout))
        )
        if args.action == "set":
            stored = store.set_community_settings({args.name: value})
        else:
            stored = store.get_community_settings()
    values = community.effective(stored, settings)
    for name in community.OPTIONS:
        source = "database" if name in stored else "default"
        print(f"{name}={str(values[name]).lower()} ({source})")
    return 0
