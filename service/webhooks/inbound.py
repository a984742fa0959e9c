"""Webhooks in, the transport: the signature over the raw body, then the body as an event.

What an event means, and applying it once, is the domain's (`service.domain.sync`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

import orjson

from service.domain.errors import InvalidEvent
from service.domain.lifecycle import DUPLICATE, IGNORED
from service.domain.ports import NO_CACHE, CacheInvalidation
from service.domain.schemas import MAX_INT64
from service.domain.sync import EventSync, ReceivedEvent
from service.observability import metrics
from service.webhooks import signature

log = logging.getLogger(__name__)

MAX_CREATED = (
    9_999_999_999  # Unix seconds (year 2286); the clock bound in `receive` is the real one
)


def parse_event(body: bytes) -> ReceivedEvent:
    """The event in a webhook body: `{event_id, type, created, data}`; InvalidEvent otherwise."""
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidEvent("The body is not valid JSON.") from None
    return event_from(raw)


def event_from(raw) -> ReceivedEvent:
    """The event in a decoded body (or an export's line); InvalidEvent otherwise."""
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
        or not 0 <= created <= MAX_CREATED
    ):
        raise InvalidEvent("created must be a Unix time in seconds.")
    if not isinstance(data, dict):
        raise InvalidEvent("data must be an object.")
    return ReceivedEvent(event_id, kind, float(created), data)


class EventReceiver:
    """Verifies and parses events, and hands each to the domain to apply."""

    def __init__(
        self,
        events: EventSync,
        secret: str = "",
        tolerance: float = 300.0,
        clock: Callable[[], float] = time.time,
        cache: CacheInvalidation = NO_CACHE,
    ):
        self.events = events
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
            return self.apply(self._checked(body))
        except InvalidEvent:
            metrics.WEBHOOKS_RECEIVED.labels("invalid").inc()
            raise

    def _checked(self, body: bytes) -> ReceivedEvent:
        try:
            event = parse_event(body)
        except InvalidEvent:
            raise
        except (ValueError, OverflowError, TypeError) as exc:
            # Whatever else a hostile body trips on is still the body's fault: 400, not 500.
            raise InvalidEvent(f"The event cannot be read: {exc}.") from None
        return event

    def apply(self, event: ReceivedEvent) -> str:
        """applied, unchanged, stale, ignored or duplicate; nothing is written on InvalidEvent."""
        # A `created` ahead of the clock would date the pair or user ahead of every real event
        # to come, and so make those stale: it may lead by the signature's tolerance at most.
        if event.created > self.clock() + self.tolerance:
            raise InvalidEvent("created is in the future.")
        outcome = self.events.apply(event, self.clock())
        if outcome not in (IGNORED, DUPLICATE):
            # Committed: every later read, on any node, must see it (docs/cache.md).
            self.cache.users_changed(touched_users(event))
        if outcome == IGNORED:
            log.warning("webhook event %s of unknown type %r ignored", event.event_id, event.type)
        metrics.WEBHOOKS_RECEIVED.labels(outcome).inc()
        return outcome


def touched_users(event: ReceivedEvent) -> set[int]:
    """The users an applied (so valid) event may have changed: its user, or its two users."""
    data = event.data
    sides = [data.get("from_user"), data.get("to_user")] if "from_user" in data else [data]
    return {side["id"] for side in sides if isinstance(side, dict) and "id" in side}
