"""Applying received webhook events: each one claimed by id and applied in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.graph import cypher
from service.graph.lifecycle import pair_facts
from service.graph.runner import Transactions

DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Claim:
    """What claiming a fresh event did and found, in the statement that claimed it.

    `upserted`: ids of the event's users whose row was applied (the others already reflect a
    later event). `pair`: `{changed_at, connected, sent, received}` between the event's two
    users as its `from` user sees them (both write-locked), or None for a user or unknown event.
    """

    upserted: frozenset[int]
    pair: dict | None


class SyncStore:
    """The dedupe record and the effect of an event commit together, or neither does."""

    def __init__(self, runner: Transactions):
        self.runner = runner

    def apply(
        self,
        event_id: int,
        event_type: str,
        created: float,
        now: float,
        change: Callable[..., str | tuple[str, Callable]],
        users: Sequence[dict] = (),
        pair: tuple[int, int] | None = None,
    ) -> str:
        """`change(tx, claim)`'s outcome, or "duplicate" when the event id was applied before.

        `users` (stored_user rows) are upserted and `pair` (from id, to id) read in the claim's
        own statement: one round trip before `change` runs. `change` returns the outcome, or
        `(outcome, last)` where `last(tx)` does the writes that take the event log's lock: they
        run after the outcome is stored, so the lock, held to commit, waits on nothing else.
        """
        from_id, to_id = pair or (None, None)

        def work(tx):
            record = tx.run(
                cypher.query("sync/claim_event"),
                event_id=event_id,
                type=event_type,
                created=created,
                now=now,
                users=sorted(users, key=lambda row: row["id"]),  # the lifecycle's lock order
                from_id=from_id,
                to_id=to_id,
            ).single()
            if not record["fresh"]:
                return DUPLICATE
            facts = None
            if pair is not None:
                changed_at = record["changed_at"]
                facts = {
                    "changed_at": None if changed_at is None else changed_at.to_native(),
                    **pair_facts(record),
                }
            outcome = change(tx, Claim(frozenset(record["upserted"]), facts))
            outcome, last = outcome if isinstance(outcome, tuple) else (outcome, None)
            tx.run(cypher.query("sync/finish_event"), event_id=event_id, outcome=outcome).consume()
            if last is not None:
                last(tx)
            return outcome

        return self.runner.write(work)


def delete_user(tx, user_id: int, username: str, created: float) -> bool:
    """Mark the user deleted (status `d`) unless a later event already reached them."""
    query = cypher.query("sync/delete_user_if_newer")
    return tx.run(query, user_id=user_id, username=username, created=created).single()["applied"]
