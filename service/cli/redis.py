"""`connections redis start|stop|status`: the project's local Redis (the cache server)."""

from __future__ import annotations

import argparse

from service.cli.common import manage_server
from service.config import RedisServerSettings
from service.ops.redis_server import LocalRedis


def register(commands) -> None:
    parser = commands.add_parser("redis", help="manage the project's local Redis (the cache)")
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return manage_server(LocalRedis(RedisServerSettings.from_env()), args.action, "REDIS_URL")
