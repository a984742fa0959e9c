"""Webhook subscribers and their delivery state, kept in Neo4j so a crash loses nothing."""

from __future__ import annotations

from dataclasses import dataclass

from service.graph import cypher
from service.graph.rows import user_rows
from service.graph.runner import Transactions


@dataclass(frozen=True)
class Delivery:
    """What one attempt needs: where, with which secret, which event and its two users."""

    subscriber_id: int
    url: str
    secret: str
    attempts: int
    next_attempt_at: float | None
    event: dict | None
    users: dict[int, dict]


@dataclass(frozen=True)
class Attempt:
    """The outcome of one attempt, as the worker decided it."""

    event_id: int
    advance: bool
    attempts: int
    next_attempt_at: float | None
    last_status: int | None
    last_error: str | None
    failed: bool = False


class WebhookStore:
    """Subscribers, cursors, retry state and failures, over the graph layer's transactions."""

    def __init__(self, runner: Transactions):
        self.runner = runner

    def add_subscriber(
        self, url: str, secret: str, events: list[str], from_start: bool, now: float
    ) -> dict:
        """The new subscriber `{id, url, events}`."""

        def work(tx):
            record = tx.run(
                cypher.query("webhooks/add_subscriber"),
                url=url,
                secret=secret,
                events=events,
                from_start=from_start,
                now=now,
            ).single()
            return {"id": record["id"], "url": record["url"], "events": list(record["events"])}

        return self.runner.write(work)

    def list_subscribers(self) -> list[dict]:
        def work(tx):
            return [dict(r) for r in tx.run(cypher.query("webhooks/list_subscribers"))]

        return self.runner.read(work)

    def subscriber_ids(self) -> list[int]:
        return [row["id"] for row in self.list_subscribers()]

    def remove_subscriber(self, subscriber_id: int) -> bool:
        def work(tx):
            query = cypher.query("webhooks/remove_subscriber")
            return tx.run(query, subscriber_id=subscriber_id).single()["removed"] == 1

        return self.runner.write(work)

    def list_failures(self) -> list[dict]:
        def work(tx):
            return [dict(r) for r in tx.run(cypher.query("webhooks/list_failures"))]

        return self.runner.read(work)

    def next_delivery(self, subscriber_id: int) -> Delivery | None:
        """The subscriber's next event with both users' rows; None once it is removed."""

        def work(tx):
            query = cypher.query("webhooks/next_delivery")
            record = tx.run(query, subscriber_id=subscriber_id).single()
            if record is None:
                return None
            sub, event = record["subscriber"], record["event"]
            users = {}
            if event is not None:
                ids = [event["from_user_id"], event["to_user_id"]]
                users = {row["id"]: row for row in user_rows(tx, ids, None)}
            return Delivery(
                subscriber_id=sub["id"],
                url=sub["url"],
                secret=sub["secret"],
                attempts=sub.get("attempts") or 0,
                next_attempt_at=sub.get("next_attempt_at"),
                event=event,
                users=users,
            )

        return self.runner.read(work)

    def record_attempt(self, subscriber_id: int, attempt: Attempt, now: float) -> bool:
        """Store the attempt (and a failure record when given up); False if already passed."""

        # What both records say about the attempt.
        shared = {
            "subscriber_id": subscriber_id,
            "event_id": attempt.event_id,
            "attempts": attempt.attempts,
            "last_status": attempt.last_status,
            "last_error": attempt.last_error,
        }

        def work(tx):
            recorded = tx.run(
                cypher.query("webhooks/record_delivery"),
                shared,
                advance=attempt.advance,
                next_attempt_at=attempt.next_attempt_at,
            ).single()["recorded"]
            if recorded and attempt.failed:
                tx.run(cypher.query("webhooks/record_failure"), shared, now=now).consume()
            return bool(recorded)

        return self.runner.write(work)
