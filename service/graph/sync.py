"""Applying received webhook events: each one claimed by id and applied in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from service.graph import cypher
from service.graph.store import Graph

DUPLICATE = "duplicate"


class SyncStore:
    """The dedupe record and the effect of an event commit together, or neither does."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def apply(
        self,
        event_id: int,
        event_type: str,
        created: float,
        now: float,
        change: Callable[..., str],
    ) -> str:
        """`change(tx)`'s outcome, or "duplicate" when the event id was applied before."""

        def work(tx):
            claim = tx.run(
                cypher.query("sync/claim_event"),
                event_id=event_id,
                type=event_type,
                created=created,
                now=now,
            ).single()
            if not claim["fresh"]:
                return DUPLICATE
            outcome = change(tx)
            tx.run(cypher.query("sync/finish_event"), event_id=event_id, outcome=outcome).consume()
            return outcome

        return self.graph.write(work)


def upsert_user(tx, row: dict, created: float) -> bool:
    """Create or update the user unless a later event already reached them."""
    query = cypher.query("sync/upsert_user_if_newer")
    return tx.run(query, row=row, created=created).single()["applied"]


def delete_user(tx, user_id: int, username: str, created: float) -> bool:
    """Mark the user deleted (status `d`) unless a later event already reached them."""
    query = cypher.query("sync/delete_user_if_newer")
    return tx.run(query, user_id=user_id, username=username, created=created).single()["applied"]
