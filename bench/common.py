"""What several benchmarks read from their data set: settings, a sample of users."""

from __future__ import annotations

import os
from pathlib import Path

from bench.toolkit import ROOT
from bench.toolkit.launcher import Gunicorn
from service.config import Settings
from service.graph import cypher, db


def settings() -> Settings:
    return Settings.from_env()


def read(driver, settings: Settings, name: str, **params) -> list[dict]:
    records, _, _ = driver.execute_query(
        cypher.query(name), database_=settings.neo4j_database, routing_="r", **params
    )
    return [dict(r) for r in records]


def sample_users(settings: Settings, n: int = 500) -> list[dict]:
    with db.create_driver(settings) as driver:
        users = read(driver, settings, "loadtest/sample_users", n=n)
    if not users:
        raise SystemExit(
            "bench: the database has no users; load data first (make run, or "
            "connections generate --load)"
        )
    return users


# A benchmark's load comes from one loopback address: the rate limiter (issue 19) would answer
# it 429, and the cache, without a Redis of the benchmark's own, would try one every second.
# Both are off unless `extra_env` turns them on (bench.abuse measures the limiter, bench.cache
# the cache).
BENCH_DEFAULTS = {"RATE_LIMITS_ENABLED": "false", "CACHE_ENABLED": "false"}


def quiet_gunicorn(
    app: str, workers: int, extra_env: dict | None = None, checkout: Path = ROOT
) -> Gunicorn:
    """`app` (of `checkout`'s code) under gunicorn with this environment plus `extra_env`,
    logging warnings only; not started (`with` starts and stops it)."""
    env = {**os.environ, "LOG_LEVEL": "warning", **BENCH_DEFAULTS, **(extra_env or {})}
    return Gunicorn(env, app=app, workers=workers, checkout=checkout)
