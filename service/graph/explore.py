"""The explorer's reads: a bounded ego network, user search, shortest path, mutual connections."""

from __future__ import annotations

from dataclasses import dataclass

from service.graph import cypher
from service.graph.errors import UserNotFound
from service.graph.runner import WARM_UP_USER, Runner, WarmUpCall

# Cypher list indices are 32-bit; no list here is anywhere near 2**30 long.
_MAX_SLICE = 2**30


@dataclass(frozen=True)
class NetworkBounds:
    """The caps of one ego-network read (the API's schema chooses them within its limits)."""

    first_limit: int = 50
    hops: int = 1
    fanout: int = 10
    second_limit: int = 100
    max_edges: int = 5000


class Explore:
    """Read-only queries of cypher/explore/, plain dicts out; the domain applies access rules."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def warm_up_calls(self) -> list[WarmUpCall]:
        user = WARM_UP_USER
        return [
            WarmUpCall("ego_network", lambda: self.ego_network(user, NetworkBounds())),
            WarmUpCall("search_users", lambda: self.search_users("user", None, 0, 20, 1000)),
        ]

    def ego_network(self, user_id: int, bounds: NetworkBounds) -> dict:
        """`{degree, nodes, edges, truncated}` around the active user; UserNotFound otherwise.

        Nodes and edges come from one read transaction (explore/ego_nodes, explore/ego_edges);
        `truncated` says the edges hit `max_edges`.
        """

        def work(tx):
            head = tx.run(
                cypher.query("explore/ego_nodes"),
                user_id=user_id,
                first_limit=bounds.first_limit,
                hops=bounds.hops,
                fanout=bounds.fanout,
                second_limit=bounds.second_limit,
            ).single()
            if not head["found"]:
                raise UserNotFound(user_id)
            nodes = [dict(node) for node in head["nodes"]]
            rows = tx.run(
                cypher.query("explore/ego_edges"),
                ids=[node["id"] for node in nodes],
                max_edges=bounds.max_edges + 1,
            )
            edges = [{"source": r["source"], "target": r["target"]} for r in rows]
            return {
                "degree": head["degree"],
                "nodes": nodes,
                "edges": edges[: bounds.max_edges],
                "truncated": len(edges) > bounds.max_edges,
            }

        return self.runner.read(work)

    def search_users(
        self, prefix: str, user_id: int | None, offset: int, limit: int, max_matches: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` of active users: the one with `user_id`, then username prefix matches."""
        offset = min(offset, _MAX_SLICE)

        def work(tx):
            record = tx.run(
                cypher.query("explore/search_users"),
                prefix=prefix,
                id=user_id,
                offset=offset,
                limit=limit,
                max_matches=max_matches,
            ).single()
            return record["count"], [dict(row) for row in record["rows"]]

        return self.runner.read(work)

    def shortest_path(self, a: int, b: int) -> list[dict] | None:
        """The users along one shortest path from a to b (at most 6 hops), or None."""

        def work(tx):
            record = tx.run(cypher.query("explore/shortest_path"), a=a, b=b).single()
            for found, user_id in ((record["found_a"], a), (record["found_b"], b)):
                if not found:
                    raise UserNotFound(user_id)
            path = record["path"]
            return None if path is None else [dict(node) for node in path]

        return self.runner.read(work)

    def mutual_connections(self, a: int, b: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        """`(count, page)` of the users connected to both a and b, by id."""
        offset = min(offset, _MAX_SLICE)

        def work(tx):
            record = tx.run(
                cypher.query("explore/mutual_page"), a=a, b=b, offset=offset, limit=limit
            ).single()
            for found, user_id in ((record["found_a"], a), (record["found_b"], b)):
                if not found:
                    raise UserNotFound(user_id)
            return record["count"], [dict(row) for row in record["rows"]]

        return self.runner.read(work)

    def mutual_counts(self, user_id: int, ids: list[int]) -> dict[int, int]:
        """`{id: connections shared with user_id}` for each of `ids` that is a user."""
        if not ids:
            return {}

        def work(tx):
            rows = tx.run(cypher.query("explore/mutual_counts"), user_id=user_id, ids=ids)
            return {r["id"]: r["mutual"] for r in rows}

        return self.runner.read(work)
