"""The neo4j driver: created from Settings, checked early, and the schema bootstrap."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity
from neo4j.exceptions import ClientError

from service.config import Settings
from service.graph import cypher

log = logging.getLogger(__name__)

# Users per transaction when `db init` fills the search key of users stored before it existed.
USERNAME_KEY_BATCH = 50_000


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


def init_schema(
    driver: Driver, database: str, await_checkpoint: Callable[[float], object] | None = None
) -> list[str]:
    """Apply every `cypher/schema/*` statement (all `IF NOT EXISTS`) and number imported requests.

    Idempotent: a second run changes nothing. When an index or constraint was created, its
    population is awaited and then made durable by a checkpoint, so a crash right after never
    forces Neo4j to rebuild it on recovery.
    """
    applied, created = [], 0
    for name in cypher.names("schema/"):
        _, summary, _ = driver.execute_query(cypher.query(name), database_=database)
        created += summary.counters.indexes_added + summary.counters.constraints_added
        applied.append(name)
    driver.execute_query(cypher.query("admin/await_indexes"), seconds=300, database_=database)
    # Imported requests get their Connection Request ids here (every import path runs this).
    driver.execute_query(cypher.query("lifecycle/assign_request_ids"), database_=database)
    # Users stored before the search key existed get it, in batches (a 1M graph: ~20 batches).
    while driver.execute_query(
        cypher.query("admin/assign_username_keys"), batch=USERNAME_KEY_BATCH, database_=database
    ).records[0]["assigned"]:
        pass
    if created:
        checkpoint(driver, database, await_checkpoint)
    return applied


def checkpoint(
    driver: Driver, database: str, await_checkpoint: Callable[[float], object] | None = None
) -> str:
    """Make everything committed so far durable in the store files; says how it was done.

    `CALL db.checkpoint()` where the server has it (Enterprise, Aura). Community 5.26 has no
    such procedure, so `await_checkpoint` (the managed server's: it waits for the next periodic
    checkpoint, at most `db.checkpoint.interval.time` away) is called instead when given.
    """
    try:
        records, _, _ = driver.execute_query(cypher.query("admin/checkpoint"), database_=database)
    except ClientError as exc:
        # Community has no such procedure; a non-admin user (e.g. on Aura) may not call it.
        if exc.code not in (
            "Neo.ClientError.Procedure.ProcedureNotFound",
            "Neo.ClientError.Security.Forbidden",
        ):
            raise
    else:
        if records and records[0]["success"]:
            return "forced"
        log.warning("db.checkpoint() on %s did not succeed: %s", database, records)
    if await_checkpoint is not None:
        # Everything to make durable is committed (or populated) before `since`; the marker
        # write guarantees a checkpoint starts after it even when one just ran.
        since = time.time()
        driver.execute_query(cypher.query("admin/checkpoint_marker"), database_=database)
        await_checkpoint(since)
        return "periodic, awaited"
    log.info(
        "no db.checkpoint() on this server: the next periodic checkpoint makes the writes durable"
    )
    return "periodic"
