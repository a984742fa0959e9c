"""Received SelfCommunity events: what each type means, applied once each in one transaction.

SelfCommunity delivers at least once and retries for about an hour, so the same event can
arrive twice and events can arrive out of order. Each event is claimed by `event_id` in the
transaction that applies it (a redelivery changes nothing and answers DUPLICATE), and a change
older (by `created`) than the last one applied to the same user or pair is recorded as STALE
and skipped. Connection events are the lifecycle's (`lifecycle.apply_event`); user events and
unknown types are applied here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.domain.errors import InvalidEvent
from service.domain.lifecycle import (
    APPLIED,
    CONNECTION_EVENTS,
    DUPLICATE,
    IGNORED,
    STALE,
    apply_event,
)
from service.domain.users import InvalidUser, stored_user
from service.graph import sync as inbox
from service.graph.runner import Transactions

USER_EVENTS = ("user.created", "user.updated", "user.deleted")


@dataclass(frozen=True)
class ReceivedEvent:
    """One event as SelfCommunity sends it: `created` in Unix seconds, `data` its object."""

    event_id: int
    type: str
    created: float
    data: dict


class EventSync:
    """Applies received events through the same graph write layer as the API."""

    def __init__(self, runner: Transactions):
        self.runner = runner

    def apply(self, event: ReceivedEvent, now: float) -> str:
        """applied, unchanged, stale, ignored or duplicate (`now`: when it was received, Unix
        seconds); InvalidEvent, with nothing written, when its users do not validate."""
        script, args = script_for(event)
        return self.runner.write(script, *args, now)


def script_for(event: ReceivedEvent) -> tuple[Callable[..., str], tuple]:
    """The transaction script that applies the event, and its arguments before `now`; the
    event's users are validated here, before any transaction (InvalidEvent)."""
    if event.type in USER_EVENTS:
        return apply_user_event, (event, _user(event.data, "data"))
    if event.type in CONNECTION_EVENTS:
        rows = [_user(event.data.get(side), f"data.{side}") for side in ("from_user", "to_user")]
        if rows[0]["id"] == rows[1]["id"]:
            raise InvalidEvent("data.to_user.id: a connection needs two different users.")
        return apply_event, (event.event_id, event.type, event.created, rows)
    # Unknown types are acknowledged (the sender would otherwise retry for an hour) and
    # recorded as ignored, so they are counted and never applied later by mistake.
    return record_ignored, (event,)


def apply_user_event(tx, event: ReceivedEvent, row: dict, now: float) -> str:
    """`user.created` / `user.updated` upsert the user in the claim; `user.deleted` marks them
    deleted. STALE when the user already reflects a later event."""
    deleted = event.type == "user.deleted"
    claim = inbox.claim_event(
        tx, event.event_id, event.type, event.created, now, [] if deleted else [row]
    )
    if claim is None:
        return DUPLICATE
    if deleted:
        username = row["props"]["username"]
        applied = inbox.delete_user(tx, row["id"], username, event.created)
    else:
        applied = row["id"] in claim.upserted
    outcome = APPLIED if applied else STALE
    inbox.finish_event(tx, event.event_id, outcome)
    return outcome


def record_ignored(tx, event: ReceivedEvent, now: float) -> str:
    """Claim an event of a type this service does not handle, recorded as IGNORED."""
    if inbox.claim_event(tx, event.event_id, event.type, event.created, now) is None:
        return DUPLICATE
    inbox.finish_event(tx, event.event_id, IGNORED)
    return IGNORED


def _user(data, where: str) -> dict:
    try:
        return stored_user(data)
    except InvalidUser as exc:
        name = where if exc.field == "-" else f"{where}.{exc.field}"
        raise InvalidEvent(f"{name}: {exc.message}") from None
