"""The cap on a user's unanswered outgoing requests, through the real graph."""

from __future__ import annotations

import dataclasses

from falcon import testing

from service.api.app import create_app
from tests.integration.api.test_lifecycle_api import act, db, settings  # noqa: F401 (fixtures)


def test_the_cap_counts_unanswered_requests_rejected_ones_included(settings, graph, db):  # noqa: F811
    client = testing.TestClient(
        create_app(dataclasses.replace(settings, max_pending_requests=2), graph=graph)
    )
    act(client, 1, "request", 2)
    act(client, 1, "request", 3)
    act(client, 3, "reject", 1)  # the sender is never told, so it still counts
    refused = act(client, 1, "request", 4, expect=400)
    assert "2 connection requests waiting for an answer" in refused["detail"]
    act(client, 2, "accept", 1)  # an answer frees a place
    assert act(client, 1, "request", 4) == {"connection_status": "sent_connection_request"}
