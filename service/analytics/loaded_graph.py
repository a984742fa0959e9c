"""The whole connection graph in memory (igraph), loaded from Neo4j or from an export.

Vertex `i` is the user `ids[i]` (ids ascending); each connection is one undirected edge.
Memory is the edge list in C (igraph) plus a few numpy arrays: about 60 bytes a connection.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import igraph as ig
import numpy as np
from neo4j import Driver, ManagedTransaction, unit_of_work

from service.analytics import scan, snapshot

LOAD_PAGE = 100_000
LOAD_TIMEOUT = 3600.0


@dataclass
class LoadedGraph:
    """`graph`'s vertex i is user `ids[i]`."""

    ids: np.ndarray
    graph: ig.Graph

    @property
    def users(self) -> int:
        return len(self.ids)

    @property
    def connections(self) -> int:
        return self.graph.ecount()


def from_edges(ids: np.ndarray, user_id: np.ndarray, other_id: np.ndarray) -> LoadedGraph:
    """A graph from user ids and parallel arrays of connection endpoints (ids, not positions)."""
    ids = np.unique(np.asarray(ids, dtype=np.int64))
    a = np.searchsorted(ids, np.asarray(user_id, dtype=np.int64))
    b = np.searchsorted(ids, np.asarray(other_id, dtype=np.int64))
    if len(a) and (
        a.max() >= len(ids)
        or b.max() >= len(ids)
        or (ids[a] != user_id).any()
        or (ids[b] != other_id).any()
    ):
        raise snapshot.ExportError("a connection names a user the graph does not have")
    graph = ig.Graph(n=len(ids), edges=np.column_stack([a, b]), directed=False)
    return LoadedGraph(ids, graph)


def from_export(folder: Path) -> LoadedGraph:
    """The graph of the export in `folder` (Parquet or CSV): users and connections."""
    ids = [b.column("id").to_numpy() for b in snapshot.read_batches(folder, "users")]
    ends = [
        (b.column("user_id").to_numpy(), b.column("other_id").to_numpy())
        for b in snapshot.read_batches(folder, "connections")
    ]
    return from_edges(
        np.concatenate(ids) if ids else np.empty(0, np.int64),
        np.concatenate([a for a, _ in ends]) if ends else np.empty(0, np.int64),
        np.concatenate([b for _, b in ends]) if ends else np.empty(0, np.int64),
    )


def from_neo4j(
    driver: Driver, database: str = "neo4j", *, page: int = LOAD_PAGE, progress: bool = True
) -> LoadedGraph:
    """The graph in Neo4j, read in one read transaction: the user ids a chunk of node ids at a
    time, then the pairs a chunk of relationship ids at a time (analytics/scan.py)."""
    from tqdm import tqdm

    def work(tx: ManagedTransaction) -> LoadedGraph:
        position = scan.position(tx)
        highest_node, highest_relationship = (
            position["max_node_id"],
            position["max_relationship_id"],
        )
        bar = tqdm(
            total=highest_node + highest_relationship + 2,
            unit=" ids",
            desc="load",
            file=sys.stderr,
            disable=not progress,
            dynamic_ncols=True,
        )
        ids: list[np.ndarray] = []
        ones: list[np.ndarray] = []
        others: list[np.ndarray] = []
        try:
            for low, high in scan.id_chunks(highest_node, page):
                page_ids = scan.chunk(tx, "analytics/support/export_user_ids", low, high)["ids"]
                if page_ids:
                    ids.append(np.array(page_ids, dtype=np.int64))
                bar.update(high - low + 1)
            for low, high in scan.id_chunks(highest_relationship, scan.relationship_chunk(page)):
                pairs = scan.chunk(tx, "analytics/support/load_pairs", low, high)
                if pairs["user_id"]:
                    ones.append(np.array(pairs["user_id"], dtype=np.int64))
                    others.append(np.array(pairs["other_id"], dtype=np.int64))
                bar.update(high - low + 1)
        finally:
            bar.close()
        empty = np.empty(0, np.int64)
        return from_edges(
            np.concatenate(ids) if ids else empty,
            np.concatenate(ones) if ones else empty,
            np.concatenate(others) if others else empty,
        )

    timed = unit_of_work(timeout=LOAD_TIMEOUT, metadata={"app": "connections-analyze"})(work)
    with scan.read_session(driver, database) as session:
        return session.execute_read(timed)
