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

from neo4j import NotificationMinimumSeverity

# Relationships per chunk for each node of a chunk of nodes: the generated graphs hold ~20
# directed relationships per user, so a relationship chunk costs about what a node chunk does.
RELATIONSHIPS_PER_NODE = 20

# The sessions' `notifications_min_severity`: `id()` draws a deprecation warning per query,
# which the driver would log once a chunk.
QUIET = NotificationMinimumSeverity.OFF


def id_chunks(highest: int, size: int) -> Iterator[tuple[int, int]]:
    """`(low, high)` inclusive ranges of `size` ids covering 0..highest."""
    for low in range(0, highest + 1, size):
        yield low, min(low + size - 1, highest)


def relationship_chunk(node_chunk: int) -> int:
    return node_chunk * RELATIONSHIPS_PER_NODE
