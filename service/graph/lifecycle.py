"""Transaction functions for the connection lifecycle: each takes an open transaction `tx`.

Plain data in and out. The domain's `apply_change` and `apply_event` compose them into one
change; the lifecycle's words (effects, event names) are the domain's, handed in here and run
as they are given. Lock order, always: users (lower id first), then the `connection_request`
sequence, then the event log, so concurrent writers can wait on each other but not deadlock
on these locks (a deadlock elsewhere is a transient error the managed transaction retries).
"""

from __future__ import annotations

import datetime as dt

from service.graph import cypher


def lock_users(tx, ids: list[int]) -> dict[int, bool]:
    """Write-lock the users in ascending id order; `{id: active}` for those that exist."""
    rows = tx.run(cypher.query("lifecycle/lock_users"), ids=sorted(set(ids)))
    return {row["id"]: row["active"] for row in rows}


def read_pairs(tx, viewer_id: int, ids: list[int], with_change: bool = False) -> dict[int, dict]:
    """`{id: {active, changed_at, connected, sent, received}}` between the viewer and each id.

    `sent`/`received` are the request's properties (`id`, `created_at`, `rejected`, `viewed`,
    datetimes as Python datetimes) or None; `changed_at` the pair's last change, read only
    `with_change` (a write's clock must not go back, see domain.lifecycle.apply_change), else
    None. Ids that are not users are left out.
    """
    rows = tx.run(
        cypher.query("lifecycle/pair_states"), viewer_id=viewer_id, ids=ids, with_change=with_change
    )
    return {
        row["id"]: {
            "active": row["active"],
            "changed_at": None if row["changed_at"] is None else row["changed_at"].to_native(),
            **pair_facts(row),
        }
        for row in rows
    }


def pair_facts(row) -> dict:
    """`{connected, sent, received}` for classify() from a row of pair_states (or sync's claim)."""
    return {
        "connected": row["connected"],
        "sent": _native(row["sent"]),
        "received": _native(row["received"]),
    }


def read_pair(tx, actor_id: int, other_id: int) -> dict:
    """The facts between two existing users: `{active, changed_at, connected, sent, received}`."""
    return read_pairs(tx, actor_id, [other_id], with_change=True)[other_id]


def write_effect(tx, effect: str, actor_id: int, other_id: int, now: dt.datetime) -> None:
    """Run the effect it is handed (`cypher/lifecycle/<effect>.cypher`; an unknown one raises
    UnknownQuery); the users must be locked already."""
    tx.run(
        cypher.query(f"lifecycle/{effect}"), actor_id=actor_id, other_id=other_id, now=now
    ).consume()


def log_change(
    tx, a: int, b: int, now: dt.datetime, events: list[tuple[str, int, int]]
) -> list[int]:
    """Append `events` (type, from user id, to user id) in this transaction and record `now` as
    the pair's last change; the new event ids (gap-free, from 1). Takes the event log's lock
    when there are events, held to commit: call it last."""
    record = tx.run(
        cypher.query("lifecycle/log_change"),
        events=[
            {"type": kind, "from_user_id": first, "to_user_id": second}
            for kind, first, second in events
        ],
        low_id=min(a, b),
        high_id=max(a, b),
        now=now,
    ).single()
    return list(record["event_ids"])


def read_pair_change(tx, a: int, b: int) -> dict | None:
    """`{changed_at, event_id}` of the pair's last applied change, or None if it never changed."""
    record = tx.run(
        cypher.query("lifecycle/read_pair_change"), low_id=min(a, b), high_id=max(a, b)
    ).single()
    if record is None:
        return None
    return {"changed_at": record["changed_at"].to_native(), "event_id": record["event_id"]}


def read_events(tx, after: int, limit: int) -> list[dict]:
    """Events with id > `after`, oldest first; `created` as a timezone-aware datetime."""
    rows = tx.run(cypher.query("lifecycle/read_events"), after=after, limit=limit)
    return [{**dict(row), "created": row["created"].to_native()} for row in rows]


def assign_request_ids(tx, user_id: int | None = None) -> int:
    """Number the requests that have no id yet (imported ones): all, or one user's."""
    if user_id is None:
        record = tx.run(cypher.query("lifecycle/assign_request_ids")).single()
    else:
        record = tx.run(cypher.query("lifecycle/assign_user_request_ids"), user_id=user_id).single()
    return record["assigned"]


def _native(request: dict | None) -> dict | None:
    if request is None:
        return None
    return {
        name: value.to_native() if hasattr(value, "to_native") else value
        for name, value in request.items()
    }
