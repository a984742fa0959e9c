"""A received connection event applied as the state it describes, through the lifecycle layer.

SelfCommunity tells us what happened between two users; our copy of the pair may differ (a
missed or refused delivery, a change made here). So each event names a target state, and the
pair is moved there with the lifecycle's own effects: every effect logs its event like a change
made through the API (so chains of services stay in sync), and a pair already in the target
state changes nothing and logs nothing (which also ends any echo between two services).
"""

from __future__ import annotations

import datetime as dt

from service.domain.lifecycle import PairState, classify
from service.graph import lifecycle

CONNECTION_EVENTS = (
    "connection_request.created",
    "connection_request.rejected",
    "connection_request.restored",
    "connection_request.cancelled",
    "connection.created",
    "connection.deleted",
)

# The pair as the event's `from` user sees it once the event holds.
TARGETS = {
    "connection_request.created": PairState.SENT,
    "connection_request.restored": PairState.SENT,
    "connection_request.rejected": PairState.SENT_REJECTED,
    "connection_request.cancelled": PairState.NONE,
    "connection.created": PairState.CONNECTED,
    "connection.deleted": PairState.NONE,
}

# effect -> (event it logs, whether the event's `from` is the effect's actor)
_EVENTS = {
    "create_request": ("connection_request.created", True),
    "reject_request": ("connection_request.rejected", False),
    "restore_request": ("connection_request.restored", False),
    "cancel_request": ("connection_request.cancelled", True),
    "connect": ("connection.created", False),
    "disconnect": ("connection.deleted", True),
}

_SENT = (PairState.SENT, PairState.SENT_REJECTED)
_RECEIVED = (PairState.RECEIVED, PairState.RECEIVED_REJECTED)


def plan(state: PairState, target: PairState) -> list[tuple[str, bool]]:
    """The effects from `state` to `target`, each `(effect, actor is the event's from user)`."""
    if state is target:
        return []
    if target is PairState.CONNECTED:
        return [("connect", False)]  # the to user accepts; connect clears any request
    if state is PairState.SENT and target is PairState.SENT_REJECTED:
        return [("reject_request", False)]
    if state is PairState.SENT_REJECTED and target is PairState.SENT:
        return [("restore_request", False)]
    # Otherwise: back to no relation, then build the target up.
    steps = []
    if state is PairState.CONNECTED:
        steps.append(("disconnect", True))
    elif state in _SENT:
        steps.append(("cancel_request", True))
    elif state in _RECEIVED:
        steps.append(("cancel_request", False))
    if target in _SENT:
        steps.append(("create_request", True))
    if target is PairState.SENT_REJECTED:
        steps.append(("reject_request", False))
    return steps


def apply_connection_event(
    tx, event_type: str, from_id: int, to_id: int, created: dt.datetime, pair: dict
) -> list[tuple[str, int, int]] | None:
    """Move the pair to the event's state; the events that logs (none if the pair held), or None
    if stale. Log them with `log_events`, last in the transaction.

    Inside the caller's write transaction, which has already upserted and write-locked both
    users and read `pair` (`{changed_at, connected, sent, received}` as `from_id` sees it; see
    graph.sync.Claim). Stale: the pair's last applied change (from a webhook or the API) is
    newer than `created`.
    """
    if pair["changed_at"] is not None and pair["changed_at"] > created:
        return None
    events = []
    for effect, by_from in plan(classify(pair), TARGETS[event_type]):
        actor, other = (from_id, to_id) if by_from else (to_id, from_id)
        lifecycle.write_effect(tx, effect, actor, other, created)
        event, from_is_actor = _EVENTS[effect]
        events.append((event, *((actor, other) if from_is_actor else (other, actor))))
    return events


def log_events(
    tx, from_id: int, to_id: int, created: dt.datetime, events: list[tuple[str, int, int]]
) -> None:
    """Log the events of a (not stale) connection event and its time as the pair's last change.

    It takes the event log's lock, held to commit, so every other change waits for this
    transaction from here on: run it last.
    """
    lifecycle.log_change(tx, from_id, to_id, created, events)
