"""The connection lifecycle's one vocabulary, its rules, and its two transaction scripts.

Between two users there is at most one of: a connection, or one request (pending or rejected)
in one direction. The words are defined here once and handed down: the states, the actions,
the effects (each a file under cypher/lifecycle/, which graph/ runs as it is handed), the event
each effect logs (`EVENT_OF`) and the state each received event describes (`TARGETS`).

- `decide(state, action)`: what an API action does from a state (pure; the unit tests check it
  against an independent model of the rules). `apply_change(tx, ...)` runs it in a write
  transaction: lock both users (lower id first), read the pair, decide, write, read the status
  back, append the event.
- `plan(state, target)`: the effects that move a pair to the state a received event describes
  (pure). `apply_event(tx, ...)` runs it for one received connection event: claim it once,
  drop it if stale, write the effects, record the outcome, append the events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from service.domain.errors import ActionNotAllowed
from service.graph import lifecycle as store
from service.graph import sync as inbox
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


# effect -> (SelfCommunity's name of the event it logs, whether the event's `from` is the
# effect's actor; else the other user, the requester). mark_seen logs no event.
EVENT_OF: dict[Effect, tuple[str, bool]] = {
    Effect.CREATE_REQUEST: ("connection_request.created", True),
    Effect.REJECT_REQUEST: ("connection_request.rejected", False),
    Effect.RESTORE_REQUEST: ("connection_request.restored", False),
    Effect.CANCEL_REQUEST: ("connection_request.cancelled", True),
    Effect.CONNECT: ("connection.created", False),
    Effect.DISCONNECT: ("connection.deleted", True),
}

# A received connection event -> the pair as the event's `from` user sees it once it holds.
TARGETS: dict[str, PairState] = {
    "connection_request.created": PairState.SENT,
    "connection_request.rejected": PairState.SENT_REJECTED,
    "connection_request.restored": PairState.SENT,
    "connection_request.cancelled": PairState.NONE,
    "connection.created": PairState.CONNECTED,
    "connection.deleted": PairState.NONE,
}
CONNECTION_EVENTS = tuple(TARGETS)

# What applying a received event did (the webhook's answer, stored with the claim).
APPLIED, UNCHANGED, STALE, IGNORED, DUPLICATE = (
    "applied",
    "unchanged",
    "stale",
    "ignored",
    "duplicate",
)


@dataclass(frozen=True)
class Decision:
    """What an action does: no effect means the target state already holds (a retry-safe no-op)."""

    effect: Effect | None = None

    @property
    def event(self) -> str | None:
        """SelfCommunity's name of the event it logs; None: no event (a no-op, mark_seen)."""
        logged = self._logged()
        return None if logged is None else logged[0]

    @property
    def event_from_actor(self) -> bool:
        """Whether the event's `from` is the acting user (else the other user: the requester)."""
        logged = self._logged()
        return True if logged is None else logged[1]

    def _logged(self) -> tuple[str, bool] | None:
        return None if self.effect is None else EVENT_OF.get(self.effect)


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


@dataclass(frozen=True)
class _Rule:
    """One action's rule: the effect from each state it acts from; from any other state a
    no-op, unless `refusal` is set: then only the `settled` states are no-ops."""

    moves: dict[PairState, Effect]
    refusal: str | None = None
    settled: tuple[PairState, ...] = ()


_RULES: dict[Action, _Rule] = {
    # A crossing request connects (the other user asked first); from a request of mine, even
    # a rejected one, it is a no-op: a rejected sender cannot re-open it.
    Action.REQUEST: _Rule(
        {
            PairState.NONE: Effect.CREATE_REQUEST,
            PairState.RECEIVED: Effect.CONNECT,
            PairState.RECEIVED_REJECTED: Effect.CONNECT,
        }
    ),
    Action.REMOVE: _Rule({PairState.CONNECTED: Effect.DISCONNECT}),
    Action.CANCEL_REQUEST: _Rule(
        {PairState.SENT: Effect.CANCEL_REQUEST, PairState.SENT_REJECTED: Effect.CANCEL_REQUEST}
    ),
    Action.ACCEPT: _Rule(
        {PairState.RECEIVED: Effect.CONNECT, PairState.RECEIVED_REJECTED: Effect.CONNECT},
        "There is no connection request from this user to accept.",
        settled=(PairState.CONNECTED,),  # a repeated accept
    ),
    Action.REJECT: _Rule(
        {PairState.RECEIVED: Effect.REJECT_REQUEST},
        "There is no connection request from this user to reject.",
        settled=(PairState.RECEIVED_REJECTED,),
    ),
    Action.CANCEL_REJECT: _Rule(
        {PairState.RECEIVED_REJECTED: Effect.RESTORE_REQUEST},
        "There is no rejected connection request from this user to restore.",
        settled=(PairState.RECEIVED,),
    ),
    # Sets `viewed` once; never an event.
    Action.MARK_SEEN: _Rule(
        {PairState.RECEIVED: Effect.MARK_SEEN, PairState.RECEIVED_REJECTED: Effect.MARK_SEEN},
        "There is no connection request from this user to mark as seen.",
    ),
}


def decide(state: PairState, action: Action) -> Decision:
    """What `action` does from `state`; raises ActionNotAllowed when it cannot be reached."""
    rule = _RULES[action]
    if state in rule.moves:
        return Decision(rule.moves[state])
    if rule.refusal is None or state in rule.settled:
        return NOOP
    raise ActionNotAllowed(rule.refusal)


def plan(state: PairState, target: PairState) -> list[tuple[Effect, bool]]:
    """The effects from `state` to `target`, each `(effect, actor is the event's from user)`."""
    if state is target:
        return []
    if target is PairState.CONNECTED:
        return [(Effect.CONNECT, False)]  # the to user accepts; connect clears any request
    if state is PairState.SENT and target is PairState.SENT_REJECTED:
        return [(Effect.REJECT_REQUEST, False)]
    if state is PairState.SENT_REJECTED and target is PairState.SENT:
        return [(Effect.RESTORE_REQUEST, False)]
    # Otherwise: back to no relation, then build the target up.
    steps = []
    if state is PairState.CONNECTED:
        steps.append((Effect.DISCONNECT, True))
    elif state in _SENT:
        steps.append((Effect.CANCEL_REQUEST, True))
    elif state in _RECEIVED:
        steps.append((Effect.CANCEL_REQUEST, False))
    if target in _SENT:
        steps.append((Effect.CREATE_REQUEST, True))
    if target is PairState.SENT_REJECTED:
        steps.append((Effect.REJECT_REQUEST, False))
    return steps


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
    # older than the pair's last change as stale (apply_event), so it would diverge.
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


def apply_event(
    tx, event_id: int, event_type: str, created: float, users: list[dict], now: float
) -> str:
    """Apply one received connection event as the state it describes, in one write transaction.

    SelfCommunity tells us what happened between two users; our copy of the pair may differ (a
    missed or refused delivery, a change made here). So the event names a target state
    (`TARGETS`) and the pair is moved there with the lifecycle's own effects (`plan`): each
    logs its event like a change made through the API (so chains of services stay in sync),
    and a pair already in the target state changes nothing and logs nothing (which also ends
    any echo between two services). `users` are the event's from and to users as
    domain.users.stored_user makes them; `created` and `now` are Unix seconds.

    The outcome: DUPLICATE when this `event_id` was claimed before (nothing is read or
    written), STALE when the pair's last applied change (from a webhook or the API) is newer
    than `created`, else APPLIED or UNCHANGED. Four statements: the claim (which upserts and
    write-locks both users, lower id first, and reads the pair), the effects, the outcome, then
    the events and the pair's last change, last because it holds the event log's lock to commit.
    """
    from_id, to_id = users[0]["id"], users[1]["id"]
    claim = inbox.claim_event(tx, event_id, event_type, created, now, users, (from_id, to_id))
    if claim is None:
        return DUPLICATE
    at = dt.datetime.fromtimestamp(created, dt.UTC)
    pair = claim.pair
    assert pair is not None  # the claim read the pair it was given
    if pair["changed_at"] is not None and pair["changed_at"] > at:
        inbox.finish_event(tx, event_id, STALE)
        return STALE
    events = []
    for effect, by_from in plan(classify(pair), TARGETS[event_type]):
        actor, other = (from_id, to_id) if by_from else (to_id, from_id)
        store.write_effect(tx, effect.value, actor, other, at)
        event, from_is_actor = EVENT_OF[effect]
        events.append((event, *((actor, other) if from_is_actor else (other, actor))))
    outcome = APPLIED if events else UNCHANGED
    inbox.finish_event(tx, event_id, outcome)
    store.log_change(tx, from_id, to_id, at, events)
    return outcome
