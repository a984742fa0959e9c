"""The neo4j driver: created from Settings, checked early, and the schema bootstrap."""

from __future__ import annotations

import logging

from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity

from service.config import Settings
from service.graph import cypher

log = logging.getLogger(__name__)


def create_driver(settings: Settings) -> Driver:
    """One driver per process (per gunicorn worker, created after fork)."""
    return GraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password),
        max_connection_pool_size=settings.neo4j_pool_size,
        connection_timeout=settings.neo4j_connection_timeout,
        connection_acquisition_timeout=settings.neo4j_connection_timeout,
        # e.g. "property key does not exist" for optional properties on a fresh database:
        # noise in every CLI, benchmark and request log, never actionable at run time.
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    )


def init_schema(driver: Driver, database: str) -> list[str]:
    """Apply every `cypher/schema/*` statement (all `IF NOT EXISTS`) and number imported requests.

    Idempotent: a second run changes nothing.
    """
    applied = []
    for name in cypher.names("schema/"):
        driver.execute_query(cypher.query(name), database_=database)
        applied.append(name)
    driver.execute_query(cypher.query("admin/await_indexes"), seconds=300, database_=database)
    # Imported requests get their Connection Request ids here (every import path runs this).
    driver.execute_query(cypher.query("lifecycle/assign_request_ids"), database_=database)
    return applied
