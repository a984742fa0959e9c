"""`connections cache status|flush`: the shared cache's state, and a new epoch by hand."""

from __future__ import annotations

import argparse

from service.cli.common import CommandError
from service.config import Settings


def register(commands) -> None:
    parser = commands.add_parser(
        "cache",
        help="the shared cache: status, or flush (a new epoch: every entry becomes a miss)",
    )
    parser.add_argument("action", choices=["status", "flush"])
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.cache.client import EPOCH_KEY, CacheClient, CacheDown

    settings = Settings.from_env()
    client = CacheClient(settings.redis_url, timeout=2.0)
    try:
        if args.action == "flush":
            client.rotate_epoch()
            print("cache: new epoch; every entry filled before now is a miss")
            return 0
        info = client.run(lambda r: (r.get(EPOCH_KEY), r.info("memory"), r.dbsize()))
    except CacheDown as exc:
        raise CommandError(f"the cache's Redis does not answer: {exc}") from None
    finally:
        client.close()
    epoch, memory, keys = info
    shown = epoch.decode() if isinstance(epoch, bytes) else epoch or "(none yet)"
    print(f"epoch:       {shown}")
    print(f"keys:        {keys}")
    print(f"memory:      {memory['used_memory_human']} of {memory.get('maxmemory_human', '?')}")
    print(f"eviction:    {memory.get('maxmemory_policy', '?')}")
    return 0


def everything_changed(settings: Settings) -> None:
    """After a bulk change: a new epoch, so no API node serves what the change replaced.

    A managed Redis that is not running holds nothing (no persistence): nothing to tell. Any
    other Redis that does not answer is an error the operator must act on."""
    if not settings.cache_enabled:
        return
    from service.cache.client import CacheClient, CacheDown
    from service.ops.redis_server import LocalRedis

    client = CacheClient(settings.redis_url, timeout=2.0)
    try:
        client.rotate_epoch()
    except CacheDown as exc:
        if not settings.redis_external and LocalRedis(settings.redis_server).pid() is None:
            return
        raise CommandError(
            f"the data is written, but the cache could not be told ({exc}); run "
            "`connections cache flush` once Redis answers, or API nodes may serve old entries"
        ) from None
    finally:
        client.close()
