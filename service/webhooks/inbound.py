"""Webhooks in: SelfCommunity's signed events applied once each, late ones never undoing newer.

SelfCommunity delivers at least once and retries for about an hour, so the same event can
arrive twice and events can arrive out of order. Each event is claimed by `event_id` in the
transaction that applies it (a redelivery answers 2xx and changes nothing), and a change older
(by `created`) than the last one applied to the same user is recorded as `stale` and skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson

from service.domain.ports import NO_CACHE, CacheInvalidation
from service.domain.schemas import MAX_INT64
from service.domain.users import InvalidUser, stored_user
from service.graph import sync
from service.graph.sync import SyncStore
from service.observability import metrics
from service.webhooks import mirror, signature

log = logging.getLogger(__name__)

APPLIED, UNCHANGED, STALE, IGNORED = "applied", "unchanged", "stale", "ignored"
USER_EVENTS = ("user.created", "user.updated", "user.deleted")


class InvalidEvent(ValueError):
    """The body is not a SelfCommunity event this service can apply; the message says why."""


@dataclass(frozen=True)
class ReceivedEvent:
    event_id: int
    type: str
    created: float
    data: dict


def parse_event(body: bytes) -> ReceivedEvent:
    """The event in a webhook body: `{event_id, type, created, data}`; InvalidEvent otherwise."""
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidEvent("The body is not valid JSON.") from None
    return event_from(raw)


def event_from(raw) -> ReceivedEvent:
    if not isinstance(raw, dict):
        raise InvalidEvent("An event must be a JSON object.")
    missing = [name for name in ("event_id", "type", "created", "data") if name not in raw]
    if missing:
        raise InvalidEvent(f"Not an event: missing {', '.join(missing)}.")
    event_id, kind, created, data = raw["event_id"], raw["type"], raw["created"], raw["data"]
    if (
        isinstance(event_id, bool)
        or not isinstance(event_id, int)
        or not 0 <= event_id <= MAX_INT64
    ):
        raise InvalidEvent("event_id must be a non-negative integer.")
    if not isinstance(kind, str) or not kind:
        raise InvalidEvent("type must be a non-empty string.")
    if (
        isinstance(created, bool)
        or not isinstance(created, int | float)
        or not math.isfinite(created)
    ):
        raise InvalidEvent("created must be a Unix time in seconds.")
    if not isinstance(data, dict):
        raise InvalidEvent("data must be an object.")
    return ReceivedEvent(event_id, kind, float(created), data)


def _user(data, where: str) -> dict:
    try:
        return stored_user(data)
    except InvalidUser as exc:
        name = where if exc.field == "-" else f"{where}.{exc.field}"
        raise InvalidEvent(f"{name}: {exc.message}") from None


class EventReceiver:
    """Verifies, parses and applies events through the same graph write layer as the API."""

    def __init__(
        self,
        store: SyncStore,
        secret: str = "",
        tolerance: float = 300.0,
        clock: Callable[[], float] = time.time,
        cache: CacheInvalidation = NO_CACHE,
    ):
        self.store = store
        self.cache = cache
        self.secret = secret
        self.tolerance = tolerance
        self.clock = clock

    def receive(self, header: str | None, body: bytes) -> str:
        """Verify the signature over the raw body, then apply; SignatureError / InvalidEvent."""
        try:
            signature.verify(header, body, self.secret, self.tolerance, now=self.clock())
        except signature.SignatureError:
            metrics.WEBHOOKS_RECEIVED.labels("refused").inc()
            raise
        try:
            return self.apply(parse_event(body))
        except InvalidEvent:
            metrics.WEBHOOKS_RECEIVED.labels("invalid").inc()
            raise

    def apply(self, event: ReceivedEvent) -> str:
        """applied, stale, ignored or duplicate; nothing is written when InvalidEvent is raised."""
        change, users, pair = self._change_for(event)
        outcome = self.store.apply(
            event.event_id, event.type, event.created, self.clock(), change, users, pair
        )
        if outcome not in (IGNORED, sync.DUPLICATE):
            # Committed: every later read, on any node, must see it (docs/cache.md).
            self.cache.users_changed(_touched(event, users, pair))
        if outcome == IGNORED:
            log.warning("webhook event %s of unknown type %r ignored", event.event_id, event.type)
        metrics.WEBHOOKS_RECEIVED.labels(outcome).inc()
        return outcome

    def _change_for(self, event: ReceivedEvent) -> tuple[Callable, list[dict], tuple | None]:
        """`(change, users to upsert in the claim, pair to read in it)`; see SyncStore.apply."""
        created = event.created
        if event.type in ("user.created", "user.updated"):
            row = _user(event.data, "data")
            return (
                (lambda tx, claim: APPLIED if row["id"] in claim.upserted else STALE),
                [row],
                None,
            )
        if event.type == "user.deleted":
            row = _user(event.data, "data")
            username = row["props"]["username"]
            return (
                lambda tx, claim: (
                    APPLIED if sync.delete_user(tx, row["id"], username, created) else STALE
                ),
                [],
                None,
            )
        if event.type in mirror.CONNECTION_EVENTS:
            return self._connection_change(event)
        # Unknown types are acknowledged (the sender would otherwise retry for an hour) and
        # recorded as ignored, so they are counted and never applied later by mistake.
        return (lambda tx, claim: IGNORED), [], None

    def _connection_change(self, event: ReceivedEvent) -> tuple[Callable, list[dict], tuple]:
        rows = [_user(event.data.get(side), f"data.{side}") for side in ("from_user", "to_user")]
        from_id, to_id = rows[0]["id"], rows[1]["id"]
        if from_id == to_id:
            raise InvalidEvent("data.to_user.id: a connection needs two different users.")
        created_at = dt.datetime.fromtimestamp(event.created, dt.UTC)

        def change(tx, claim):
            # The claim upserted both users (lower id first, as the lifecycle locks them).
            events = mirror.apply_connection_event(
                tx, event.type, from_id, to_id, created_at, claim.pair
            )
            if events is None:
                return STALE
            outcome = APPLIED if events else UNCHANGED
            return outcome, lambda tx: mirror.log_events(tx, from_id, to_id, created_at, events)

        return change, rows, (from_id, to_id)


def _touched(event: ReceivedEvent, users: list[dict], pair: tuple | None) -> set[int]:
    """The users an applied event may have changed."""
    touched = {row["id"] for row in users} | set(pair or ())
    if event.type == "user.deleted":
        touched.add(_user(event.data, "data")["id"])
    return touched
