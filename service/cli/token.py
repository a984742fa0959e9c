"""`connections token`: mint a Bearer JWT for local use."""

from __future__ import annotations

import argparse

from service.cli.common import CommandError
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "token", help="mint a Bearer JWT (HS256, JWT_SECRET) for local use"
    )
    parser.add_argument("--user-id", type=int, required=True, help="the token's user_id")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.domain import auth
    from service.domain.schemas import is_user_id

    if not is_user_id(args.user_id):
        raise CommandError(f"--user-id must be a positive integer, got {args.user_id}")
    if args.ttl < 1:
        raise CommandError(f"--ttl must be at least 1 second, got {args.ttl}")
    settings = Settings.from_env()
    print(auth.mint_token(args.user_id, settings.jwt_secret, ttl_seconds=args.ttl))
    return 0
