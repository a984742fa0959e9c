"""Export folders written straight from a networkx graph, for tests with no Neo4j behind them."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from service.analytics import snapshot


def write_export(folder, graph: nx.Graph) -> None:
    """An export folder as `connections export` writes it, for a graph with no Neo4j behind it."""
    folder.mkdir()
    ids = sorted(graph)
    users = {name: [None] * len(ids) for name in snapshot.USERS_SCHEMA.names}
    users["id"] = ids
    users["username"] = [f"u{i}" for i in ids]
    users["is_staff"] = [False] * len(ids)
    pq.write_table(pa.table(users, schema=snapshot.USERS_SCHEMA), folder / "users.parquet")
    pairs = sorted(tuple(sorted(e)) for e in graph.edges)
    created = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * len(pairs)
    connections = {
        "user_id": [a for a, _ in pairs],
        "other_id": [b for _, b in pairs],
        "created_at": created,
    }
    pq.write_table(
        pa.table(connections, schema=snapshot.CONNECTIONS_SCHEMA), folder / "connections.parquet"
    )
    pq.write_table(snapshot.REQUESTS_SCHEMA.empty_table(), folder / "requests.parquet")
    manifest = snapshot.Manifest(
        "parquet", len(ids), len(pairs), 0, 0, "2024-01-01T00:00:00+00:00", 0.0
    )
    (folder / snapshot.MANIFEST).write_text(manifest.to_json())
