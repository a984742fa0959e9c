"""Small hostile-client items: forwarded schemes, nosniff, no-store, JWT claims end to end."""

from __future__ import annotations

import pytest

from service.domain import auth
from tests.unit.api.client import SECRET, bearer, make_client
from tests.unit.api.test_connections_resource import PATH
from tests.unit.fakes import FakeGraph


@pytest.mark.parametrize(
    "headers",
    [
        {"Forwarded": "proto=javascript"},
        {"X-Forwarded-Proto": "javascript"},
        {"Forwarded": "proto=data"},
    ],
)
def test_a_forwarded_scheme_other_than_http_or_https_is_400(headers):
    resp = make_client(trust_forwarded=True).simulate_get(PATH, headers=headers)
    assert resp.status_code == 400 and "proto" in resp.json["detail"]


@pytest.mark.parametrize("proto", ["http", "https"])
def test_http_and_https_forwarded_schemes_build_the_links(proto):
    graph = FakeGraph()
    resp = make_client(graph, trust_forwarded=True).simulate_get(
        PATH, params={"limit": "1"}, headers={"X-Forwarded-Proto": proto}
    )
    assert resp.status_code == 200
    assert resp.json["next"] is None or resp.json["next"].startswith(f"{proto}://")


def test_every_answer_says_nosniff():
    client = make_client()
    for path in (PATH, "/health/live", "/nowhere", "/api/v2/openapi.json"):
        assert client.simulate_get(path).headers["X-Content-Type-Options"] == "nosniff"


def test_answers_to_credentialed_requests_are_no_store():
    client = make_client()
    assert "Cache-Control" not in client.simulate_get(PATH).headers
    assert client.simulate_get(PATH, headers=bearer(1)).headers["Cache-Control"] == "no-store"
    refused = client.simulate_get(PATH, headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"


def test_a_token_longer_lived_than_the_maximum_is_401():
    token = auth.mint_token(1, SECRET, ttl_seconds=86400)
    headers = {"Authorization": f"Bearer {token}"}
    assert make_client().simulate_get(PATH, headers=headers).status_code == 200
    resp = make_client(jwt_max_lifetime=3600).simulate_get(PATH, headers=headers)
    assert resp.status_code == 401 and "lifetime" in resp.json["detail"]


def test_the_pending_requests_cap_is_a_400_saying_so():
    graph = FakeGraph()
    graph.sent_requests[1] = 3
    client = make_client(graph, max_pending_requests=3)
    resp = client.simulate_post("/api/v2/user/2/connection/request/", headers=bearer(1))
    assert resp.status_code == 400
    assert "3 connection requests waiting for an answer" in resp.json["detail"]
    # Other actions, and users under the cap, are not affected.
    assert (
        client.simulate_post("/api/v2/user/2/connection/accept/", headers=bearer(1)).status_code
        == 200
    )
    graph.sent_requests[1] = 2
    assert (
        client.simulate_post("/api/v2/user/2/connection/request/", headers=bearer(1)).status_code
        == 200
    )
    graph.sent_requests[1] = 10**6
    uncapped = make_client(graph, max_pending_requests=0)
    assert (
        uncapped.simulate_post("/api/v2/user/2/connection/request/", headers=bearer(1)).status_code
        == 200
    )


def test_the_document_has_the_webhook_route_and_every_limit_answer():
    doc = make_client().simulate_get("/api/v2/openapi.json").json
    webhook = doc["paths"]["/webhooks/selfcommunity/"]["post"]
    assert {"200", "400", "401", "413", "414", "431"} <= set(webhook["responses"])
    assert "429" not in webhook["responses"]  # the signed sender is not rate limited
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            assert {"400", "413", "414", "431"} <= set(operation["responses"]), path
    suggest = doc["paths"]["/api/v2/suggestion/user/"]["get"]["responses"]["429"]
    assert {"Retry-After", "RateLimit-Policy", "RateLimit"} <= set(suggest["headers"])
