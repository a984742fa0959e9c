"""The delivery worker: every logged event to every subscriber, signed, in order, at least once.

Per subscriber, events go out one at a time in event-id order. An answer other than 2xx
(redirects are not followed), a timeout or a refused connection is retried after 5, 25, 125,
625 and 3125 seconds (times `WEBHOOK_RETRY_SCALE`), each attempt signed afresh; after the sixth
failed attempt the event is recorded as failed and the cursor moves on. Cursors and retry state
live in Neo4j and move only after an attempt, so a crash re-sends at most the event in flight.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import orjson

from service.domain.schemas import UserSchema, compile_dumper
from service.graph.errors import GraphUnavailable
from service.graph.webhooks import Attempt, Delivery, WebhookStore
from service.observability import metrics
from service.webhooks import signature

log = logging.getLogger(__name__)

RETRY_DELAYS = (5, 25, 125, 625, 3125)  # seconds after each failed attempt
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
USER_AGENT = "connections-webhooks/1"
# A subscriber's answer matters only for its status: at most this much of its body is read,
# within the same `timeout` as the rest, so a huge or dripping answer cannot hold the worker.
MAX_RESPONSE_BYTES = 64 * 1024

_dump_users = compile_dumper(UserSchema())

Post = Callable[[str, bytes, dict, float], tuple[int | None, str | None]]


def post_json(
    url: str, body: bytes, headers: dict, timeout: float
) -> tuple[int | None, str | None]:
    """POST once, never following redirects: `(status, None)` or `(None, what went wrong)`."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        _read_bounded(response, time.monotonic() + timeout)
        return response.status, None
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:200]
    finally:
        connection.close()


def _read_bounded(response: http.client.HTTPResponse, deadline: float) -> None:
    """Read (and drop) up to MAX_RESPONSE_BYTES of the body, stopping at the deadline; the
    connection is closed afterwards, so what is left unread does not matter."""
    left = MAX_RESPONSE_BYTES
    while left > 0 and time.monotonic() < deadline:
        chunk = response.read1(min(left, 8192))
        if not chunk:
            return
        left -= len(chunk)


def unix_seconds(value) -> float:
    """An event's `created` as Unix seconds, whether stored as a number or a DateTime."""
    if isinstance(value, int | float):
        return float(value)
    native = value.to_native() if hasattr(value, "to_native") else value
    if native.tzinfo is None:
        native = native.replace(tzinfo=dt.UTC)
    return native.timestamp()


def event_body(delivery: Delivery) -> bytes:
    """SelfCommunity's payload: `{event_id, type, created, data: {from_user, to_user}}`."""
    event = delivery.event
    assert event is not None, "a delivery with an event"
    from_id, to_id = event["from_user_id"], event["to_user_id"]
    from_user, to_user = _dump_users(
        [delivery.users.get(from_id, {"id": from_id}), delivery.users.get(to_id, {"id": to_id})]
    )
    payload = {
        "event_id": event["id"],
        "type": event["type"],
        "created": unix_seconds(event["created"]),
        "data": {"from_user": from_user, "to_user": to_user},
    }
    return orjson.dumps(payload)


def decide(
    delivery: Delivery, status: int | None, error: str | None, now: float, retry_scale: float
) -> Attempt:
    """What one attempt's outcome means for the cursor and the retry schedule."""
    attempts = delivery.attempts + 1
    assert delivery.event is not None, "a delivery with an event"
    event_id = delivery.event["id"]
    if status is not None and 200 <= status < 300:
        return Attempt(event_id, True, attempts, None, status, None)
    error = error or f"HTTP {status}"
    if attempts >= MAX_ATTEMPTS:
        return Attempt(event_id, True, attempts, None, status, error, failed=True)
    next_at = now + RETRY_DELAYS[attempts - 1] * retry_scale
    return Attempt(event_id, False, attempts, next_at, status, error)


class DeliveryWorker:
    """Sends the event log to every subscriber; one thread per subscriber keeps their order."""

    def __init__(
        self,
        store: WebhookStore,
        *,
        retry_scale: float = 1.0,
        timeout: float = 10.0,
        poll_interval: float = 0.5,
        post: Post = post_json,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.retry_scale = retry_scale
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.post = post
        self.clock = clock

    def step(self, subscriber_id: int) -> float | None:
        """One attempt if one is due; the seconds to wait before the next step, None if gone."""
        delivery = self.store.next_delivery(subscriber_id)
        if delivery is None:
            return None
        if delivery.event is None:
            return self.poll_interval
        now = self.clock()
        if delivery.next_attempt_at is not None and now < delivery.next_attempt_at:
            # Re-read at least every second: the subscriber may be removed meanwhile.
            return min(delivery.next_attempt_at - now, 1.0)
        body = event_body(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signature.HEADER: signature.sign(delivery.secret, body, int(self.clock())),
        }
        started = time.monotonic()
        status, error = self.post(delivery.url, body, headers, self.timeout)
        attempt = decide(delivery, status, error, self.clock(), self.retry_scale)
        self.store.record_attempt(subscriber_id, attempt, self.clock())
        result = "failed" if attempt.failed else "delivered" if attempt.advance else "retry"
        metrics.WEBHOOK_DELIVERIES.labels(result).inc()
        log.info(
            "webhook event %s to subscriber %s: %s in %.0f ms%s",
            attempt.event_id,
            subscriber_id,
            status if status is not None else error,
            (time.monotonic() - started) * 1000,
            " (given up)" if attempt.failed else "" if attempt.advance else " (will retry)",
        )
        return 0.0

    def serve(self, subscriber_id: int, stop: threading.Event) -> None:
        """Deliver to one subscriber until `stop` is set or the subscriber is removed."""
        while not stop.is_set():
            try:
                wait = self.step(subscriber_id)
            except GraphUnavailable as exc:
                log.warning("webhooks: Neo4j unavailable (%s); retrying", exc)
                wait = 1.0
            except Exception:  # one bad event must not end the worker
                log.exception("webhooks: delivery to subscriber %s failed", subscriber_id)
                wait = 1.0
            if wait is None:
                return
            if wait > 0:
                stop.wait(wait)

    def run(self, stop: threading.Event, rescan_seconds: float = 2.0) -> None:
        """Serve every subscriber, picking up new ones every `rescan_seconds`."""
        threads: dict[int, threading.Thread] = {}
        while not stop.is_set():
            try:
                ids = self.store.subscriber_ids()
            except GraphUnavailable as exc:
                log.warning("webhooks: Neo4j unavailable (%s); retrying", exc)
                ids = []
            for subscriber_id in ids:
                thread = threads.get(subscriber_id)
                if thread is None or not thread.is_alive():
                    thread = threading.Thread(
                        target=self.serve,
                        args=(subscriber_id, stop),
                        daemon=True,
                        name=f"webhook-{subscriber_id}",
                    )
                    threads[subscriber_id] = thread
                    thread.start()
            stop.wait(rescan_seconds)
        for thread in threads.values():
            thread.join(timeout=self.timeout + 1)
