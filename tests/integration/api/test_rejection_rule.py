"""The rejection rule (docs/lifecycle.md, "A rejection and a new request"): a sender may
withdraw a rejected request, and a request after that asks the recipient again."""

from __future__ import annotations

from tests.integration.api.test_lifecycle_api import (  # noqa: F401 (fixtures)
    act,
    client,
    db,
    events,
    page,
    settings,
    status,
)


def test_cancel_request_then_request_after_a_rejection_asks_again(client, graph):  # noqa: F811
    act(client, 1, "request", 2)
    act(client, 2, "reject", 1)
    # While rejected, the sender learns nothing and cannot re-open it by asking again.
    assert act(client, 1, "request", 2) == {"connection_status": "sent_connection_request"}
    assert page(client, 2, "requests")["count"] == 0
    # Withdrawing is the sender's right over their own request (rejected or not: to refuse it
    # would tell them), and what they send next is a new request the recipient sees.
    assert act(client, 1, "cancel_request", 2) == {"connection_status": None}
    assert act(client, 1, "request", 2) == {"connection_status": "sent_connection_request"}
    assert status(client, 2, 1) == "received_connection_request"
    received = page(client, 2, "requests")
    assert received["count"] == 1 and received["results"][0]["rejected"] is None
    assert [e["type"] for e in events(graph)] == [
        "connection_request.created",
        "connection_request.rejected",
        "connection_request.cancelled",
        "connection_request.created",
    ]
