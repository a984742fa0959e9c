"""Stored suggestion lists: the exact top K for the few users the bounded read cannot rank."""

from __future__ import annotations

import datetime as dt

from service.graph import cypher
from service.graph.runner import Transactions


class SuggestionLists:
    """Reads and writes of `(:SuggestionList)` nodes over one Runner (api/suggestions_page reads
    them). Give it a Runner whose query timeout allows the exact ranking of a supernode (minutes
    on a 1M-user graph), not the API's."""

    def __init__(self, runner: Transactions):
        self.runner = runner

    def find_heavy_users(self, min_degree: int) -> dict[int, int]:
        """`{id: degree}` of the active users with at least `min_degree` connections."""

        def work(tx):
            rows = tx.run(cypher.query("suggestions/heavy_users"), min_degree=min_degree)
            return {r["id"]: r["degree"] for r in rows}

        return self.runner.read(work)

    def list_stored(self) -> dict[int, dt.datetime]:
        """`{user_id: refreshed_at}` of every stored list (timezone-aware datetimes)."""

        def work(tx):
            rows = tx.run(cypher.query("suggestions/stored_lists"))
            return {r["user_id"]: r["refreshed_at"].to_native() for r in rows}

        return self.runner.read(work)

    def compute_top(self, user_id: int, top: int) -> list[dict[str, int]]:
        """The exact ranking's first `top` entries `{id, mutual_count}` (analysts' query)."""

        def work(tx):
            # The ranking alone, without counting every candidate (a second full
            # aggregation, as long as this one for a supernode).
            rows = tx.run(cypher.query("analytics/suggestions"), user_id=user_id, skip=0, limit=top)
            return [{"id": r["id"], "mutual_count": r["mutual_count"]} for r in rows]

        return self.runner.read(work)

    def store(self, user_id: int, ranked: list[dict[str, int]], degree: int) -> None:
        """Replace the user's stored list with `ranked` (best first)."""

        def work(tx):
            tx.run(
                cypher.query("suggestions/store_list"),
                user_id=user_id,
                ids=[row["id"] for row in ranked],
                mutual_counts=[row["mutual_count"] for row in ranked],
                degree=degree,
            ).consume()

        self.runner.write(work)

    def drop(self, user_ids: list[int]) -> int:
        """Delete these users' stored lists; returns how many there were."""

        def work(tx):
            return tx.run(cypher.query("suggestions/drop_lists"), user_ids=user_ids).single()[
                "dropped"
            ]

        return self.runner.write(work) if user_ids else 0
