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


def quiet_gunicorn(
    app: str, workers: int, extra_env: dict | None = None, checkout: Path = ROOT
) -> Gunicorn:
    """`app` (of `checkout`'s code) under gunicorn with this environment plus `extra_env`,
    logging warnings only; not started (`with` starts and stops it)."""
    env = {**os.environ, "LOG_LEVEL": "warning", **(extra_env or {})}
    return Gunicorn(env, app=app, workers=workers, checkout=checkout)
