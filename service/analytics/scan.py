"""Whole-graph reads in chunks of Neo4j's internal ids, for `export` and `analyze`'s loader.

A chunk is `WHERE id(x) IN range($low, $high)`: the planner seeks each id of the range in the
store file, in order, so a chunk costs its size whatever the graph's shape. A range predicate
on a property (`c.owner >= $low ...`) is planned as a scan of every CONNECTED_TO relationship
filtered: each page of the old keyset export read all 20M of them (358 s at 1M users). `id()`
is deprecated in Cypher 5 without a replacement; on 5.26 LTS it is the only by-id seek.

The ids in use are 0..max (`export_position` reads the maxima); ids freed by deletions are
seeks that find nothing, and Neo4j reuses them, so the scan is bounded by the graph's peak size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from neo4j import READ_ACCESS, Driver, ManagedTransaction, NotificationMinimumSeverity, Session

from service.graph import cypher

# Relationships per chunk for each node of a chunk of nodes: the generated graphs hold ~20
# directed relationships per user, so a relationship chunk costs about what a node chunk does.
RELATIONSHIPS_PER_NODE = 20


def id_chunks(highest: int, size: int) -> Iterator[tuple[int, int]]:
    """`(low, high)` inclusive ranges of `size` ids covering 0..highest."""
    for low in range(0, highest + 1, size):
        yield low, min(low + size - 1, highest)


def relationship_chunk(node_chunk: int) -> int:
    return node_chunk * RELATIONSHIPS_PER_NODE


def read_session(driver: Driver, database: str) -> Session:
    """A read session for chunked scans; notifications off, or `id()`'s deprecation warning
    would be logged once a chunk."""
    return driver.session(
        database=database,
        default_access_mode=READ_ACCESS,
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    )


def chunk(tx: ManagedTransaction, query: str, low: int, high: int) -> dict[str, Any]:
    """One chunk's answer (one row of collected lists) as `{column: values}`. Not
    `record.data()`: it walks every item of every list (half of the 1M export's time)."""
    record = tx.run(cypher.query(query), low=low, high=high).single()
    assert record is not None  # collect() always answers one row
    return dict(zip(record.keys(), record.values(), strict=True))


def position(tx: ManagedTransaction) -> dict[str, int]:
    """The graph's position and extent (analytics/support/export_position): event id, totals,
    and the highest node and relationship ids the chunks run to."""
    record = tx.run(cypher.query("analytics/support/export_position")).single()
    assert record is not None
    return record.data()
