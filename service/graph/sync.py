"""Received webhook events: transaction functions that claim one by id and record its outcome.

Each takes an open transaction `tx`: the domain's inbound scripts (domain.lifecycle.apply_event,
domain.sync) compose them with the effects, so the dedupe record and the effect of an event
commit together, or neither does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.graph import cypher
from service.graph.lifecycle import pair_facts


@dataclass(frozen=True)
class Claim:
    """What claiming a fresh event did and found, in the statement that claimed it.

    `upserted`: ids of the event's users whose row was applied (the others already reflect a
    later event). `pair`: `{changed_at, connected, sent, received}` between the event's two
    users as its `from` user sees them (both write-locked), or None when no pair was asked for.
    """

    upserted: frozenset[int]
    pair: dict | None


def claim_event(
    tx,
    event_id: int,
    event_type: str,
    created: float,
    now: float,
    users: Sequence[dict] = (),
    pair: tuple[int, int] | None = None,
) -> Claim | None:
    """Claim the event by id: the Claim, or None when this `event_id` was claimed before.

    `users` (stored_user rows) are upserted and `pair` (from id, to id) read in the claim's
    own statement (`cypher/sync/claim_event`): one round trip before the effects. A duplicate
    upserts and reads nothing.
    """
    from_id, to_id = pair or (None, None)
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
        return None
    facts = None
    if pair is not None:
        changed_at = record["changed_at"]
        facts = {
            "changed_at": None if changed_at is None else changed_at.to_native(),
            **pair_facts(record),
        }
    return Claim(frozenset(record["upserted"]), facts)


def finish_event(tx, event_id: int, outcome: str) -> None:
    """Store what applying the claimed event did (the outcome the domain decided)."""
    tx.run(cypher.query("sync/finish_event"), event_id=event_id, outcome=outcome).consume()


def delete_user(tx, user_id: int, username: str, created: float) -> bool:
    """Mark the user deleted (status `d`) unless a later event already reached them."""
    query = cypher.query("sync/delete_user_if_newer")
    return tx.run(query, user_id=user_id, username=username, created=created).single()["applied"]
