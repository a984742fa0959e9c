"""The connection lifecycle: a pure state machine, and `apply_change`, one change in one transaction.

Between two users there is at most one of: a connection, or one request (pending or rejected)
in one direction. `decide(state, action)` says what an action does from a state (pure: the unit
tests and the README's rules table read the same code); `apply_change(tx, ...)` runs it against
the graph inside a write transaction the caller opened: lock both users (lower id first), read
the pair, decide, write, read the status back, append the event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from service.domain.errors import ActionNotAllowed
from service.graph import lifecycle as store
from service.graph.errors import UserNotFound


class PairState(Enum):
    """The pair as the acting user sees it ("sent" = a request from me to them)."""

    NONE = "none"
    CONNECTED = "connected"
    SENT = "sent"
    SENT_REJECTED = "sent_rejected"
    RECEIVED = "received"
    RECEIVED_REJECTED = "received_rejected"


class Action(Enum):
    """What the acting user asks for; the values are the URL's last segment."""

    REQUEST = "request"
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL_REJECT = "cancel_reject"
    CANCEL_REQUEST = "cancel_request"
    REMOVE = "remove"
    MARK_SEEN = "mark_seen"


class Effect(Enum):
    """One write to the graph; each names a file under cypher/lifecycle/."""

    CREATE_REQUEST = "create_request"
    CONNECT = "connect"
    REJECT_REQUEST = "reject_request"
    RESTORE_REQUEST = "restore_request"
    CANCEL_REQUEST = "cancel_request"
    DISCONNECT = "disconnect"
    MARK_SEEN = "mark_seen"


@dataclass(frozen=True)
class Decision:
    """What an action does: no effect means the target state already holds (a retry-safe no-op).

    `event` is SelfCommunity's event name (None: no event, e.g. mark_seen); `event_from_actor`
    says whether the event's `from` is the acting user (else the other user: the requester).
    """

    effect: Effect | None = None
    event: str | None = None
    event_from_actor: bool = True


@dataclass(frozen=True)
class Outcome:
    """The result of `apply_change`: whether anything changed, the event logged, the new status."""

    changed: bool
    status: str | None
    event_id: int | None = None
    event: str | None = None


NOOP = Decision()
_RECEIVED = (PairState.RECEIVED, PairState.RECEIVED_REJECTED)
_SENT = (PairState.SENT, PairState.SENT_REJECTED)


def classify(facts: dict) -> PairState:
    """The pair's state from the graph's facts `{connected, sent, received}` (see pair_states).

    Precedence (only imported data can hold more than one): connected, then a request from
    the other user, then my request. `user_rows.cypher`'s connection_status uses the same order.
    """
    if facts["connected"]:
        return PairState.CONNECTED
    if facts["received"] is not None:
        rejected = facts["received"].get("rejected") is not None
        return PairState.RECEIVED_REJECTED if rejected else PairState.RECEIVED
    if facts["sent"] is not None:
        rejected = facts["sent"].get("rejected") is not None
        return PairState.SENT_REJECTED if rejected else PairState.SENT
    return PairState.NONE


def status_of(state: PairState) -> str | None:
    """connection_status of the other user as the acting user sees it.

    THE status rule (the Cypher twin is the CASE in cypher/api/user_rows.cypher; a test checks
    they agree): a rejected request reads `sent_connection_request` for its sender (never told)
    and null for its receiver.
    """
    if state is PairState.CONNECTED:
        return "connected"
    if state in _SENT:
        return "sent_connection_request"
    if state is PairState.RECEIVED:
        return "received_connection_request"
    return None


def decide(state: PairState, action: Action) -> Decision:
    """What `action` does from `state`; raises ActionNotAllowed when it cannot be reached."""
    if action is Action.REQUEST:
        if state is PairState.NONE:
            return Decision(Effect.CREATE_REQUEST, "connection_request.created")
        if state in _RECEIVED:
            # A crossing request connects; the other user asked first.
            return Decision(Effect.CONNECT, "connection.created", event_from_actor=False)
        return NOOP  # already requested (even if rejected: a rejected sender cannot re-open it)
    if action is Action.REMOVE:
        if state is PairState.CONNECTED:
            return Decision(Effect.DISCONNECT, "connection.deleted")
        return NOOP
    if action is Action.CANCEL_REQUEST:
        if state in _SENT:
            return Decision(Effect.CANCEL_REQUEST, "connection_request.cancelled")
        return NOOP
    if action is Action.ACCEPT:
        if state in _RECEIVED:
            return Decision(Effect.CONNECT, "connection.created", event_from_actor=False)
        if state is PairState.CONNECTED:
            return NOOP  # a repeated accept
        raise ActionNotAllowed("There is no connection request from this user to accept.")
    if action is Action.REJECT:
        if state is PairState.RECEIVED:
            return Decision(
                Effect.REJECT_REQUEST, "connection_request.rejected", event_from_actor=False
            )
        if state is PairState.RECEIVED_REJECTED:
            return NOOP
        raise ActionNotAllowed("There is no connection request from this user to reject.")
    if action is Action.CANCEL_REJECT:
        if state is PairState.RECEIVED_REJECTED:
            return Decision(
                Effect.RESTORE_REQUEST, "connection_request.restored", event_from_actor=False
            )
        if state is PairState.RECEIVED:
            return NOOP
        raise ActionNotAllowed("There is no rejected connection request from this user to restore.")
    if action is Action.MARK_SEEN:
        if state in _RECEIVED:
            return Decision(Effect.MARK_SEEN)  # sets `viewed` once; never an event
        raise ActionNotAllowed("There is no connection request from this user to mark as seen.")
    raise ValueError(f"unknown action {action!r}")


def apply_change(tx, actor_id: int, other_id: int, action: Action, now: dt.datetime) -> Outcome:
    """Apply `action` by `actor_id` on the pair, inside the caller's open write transaction.

    A transaction function: the API runs it alone (`Graph.write(apply_change, ...)`); a caller
    with more to do atomically (e.g. a webhook's dedupe record and user upserts) calls it inside
    its own transaction, after its own work on other nodes. Steps, all in `tx`:
    lock both users (lower id first, so crossing writers queue instead of racing), check both
    are active (UserNotFound otherwise), read the pair, `decide` (ActionNotAllowed when the
    state cannot be reached; nothing was written), write the effect, read the status back, then
    append the event and the pair's last change time (`now`, see graph.lifecycle.read_pair_change).
    No-ops write nothing and log no event. `now` must be timezone-aware; it becomes the
    request's/connection's date, the event's `created` and the pair's last change time.
    Lock order for composing callers: users by ascending id, then the `connection_request`
    sequence, then the event log. Lock (or upsert) the users in ascending id order before other
    work on them, or call `graph.lifecycle.lock_users` first; anything else can deadlock with
    API writes (Neo4j detects it and the managed transaction retries, at a cost).
    """
    if actor_id == other_id:
        raise ActionNotAllowed("You cannot do this to yourself.")
    active = store.lock_users(tx, [actor_id, other_id])
    if not active.get(actor_id) or not active.get(other_id):
        raise UserNotFound(other_id if active.get(actor_id) else actor_id)
    facts = store.read_pair(tx, actor_id, other_id)
    # Per pair, `now` never goes back: a writer that waited on the users' locks may hold an
    # older clock reading than a change that committed meanwhile, and a mirror drops an event
    # older than the pair's last change as stale (webhooks/mirror.py), so it would diverge.
    if facts["changed_at"] is not None and facts["changed_at"] > now:
        now = facts["changed_at"]
    state = classify(facts)
    decision = decide(state, action)
    if decision.effect is Effect.MARK_SEEN and facts["received"].get("viewed") is not None:
        decision = NOOP  # seen already: the first time it was seen stays
    if decision.effect is None:
        return Outcome(changed=False, status=status_of(state))
    store.write_effect(tx, decision.effect.value, actor_id, other_id, now)
    after = classify(store.read_pair(tx, actor_id, other_id))
    event_id = None
    if decision.event is not None:
        # Last: it takes the event log's lock, which every change waits for, until commit.
        first, second = (actor_id, other_id) if decision.event_from_actor else (other_id, actor_id)
        [event_id] = store.log_change(
            tx, actor_id, other_id, now, [(decision.event, first, second)]
        )
    return Outcome(changed=True, status=status_of(after), event_id=event_id, event=decision.event)
