"""`connections demo`: load the demo community into an empty database, print a first request."""

from __future__ import annotations

import argparse
import os

from service.cli.cache import everything_changed
from service.cli.common import positive_int
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "demo", help="load the demo community into an empty database and print an example request"
    )
    parser.add_argument("--token-ttl", type=positive_int, default=3600, help="seconds")
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.domain.auth import mint_token
    from service.ingest.loading import ensure_demo

    settings = Settings.from_env()
    demo = ensure_demo(settings, progress=not args.no_progress)
    if demo.loaded:
        print(f"demo data: {demo.loaded.describe()}")
        everything_changed(settings)
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
