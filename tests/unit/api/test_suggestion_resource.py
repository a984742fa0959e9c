"""GET /api/v2/suggestion/user/ through create_app() with a FakeGraph: auth, rules, paging."""

from __future__ import annotations

import pytest
from falcon import testing

from service.domain import auth
from service.graph.errors import GraphUnavailable
from tests.unit.api import client
from tests.unit.api.client import SECRET, bearer
from tests.unit.fakes import FakeGraph

PATH = "/api/v2/suggestion/user/"
HOST = "http://falconframework.org"


def make_graph(**overrides) -> FakeGraph:
    options = {"connections": {1: [2, 3]}, "suggestions": {1: [7, 5, 6, 8, 9], 2: []}, **overrides}
    return FakeGraph(**options)


def make_client(graph: FakeGraph | None = None, **overrides) -> testing.TestClient:
    return client.make_client(graph or make_graph(), **overrides)


def test_page_of_suggestions_for_the_token_user():
    graph = make_graph()
    resp = make_client(graph).simulate_get(PATH, query_string="limit=2&offset=1", headers=bearer(1))
    assert resp.status_code == 200
    body = resp.json
    assert body["count"] == 5 and [u["id"] for u in body["results"]] == [5, 6]
    assert body["next"] == HOST + PATH + "?limit=2&offset=3"
    assert body["previous"] == HOST + PATH + "?limit=2"
    assert graph.calls == [("suggest", 1, 1, 2)]


def test_results_are_full_users_with_private_fields_hidden():
    resp = make_client().simulate_get(PATH, headers=bearer(1))
    user = resp.json["results"][0]
    assert user["username"] == "user7" and "connection_status" in user
    assert user["email"] is None and user["email_isvalid"] is None
    assert "mutual_count" not in user


def test_staff_viewer_sees_email():
    graph = make_graph(staff={1})
    resp = make_client(graph).simulate_get(PATH, headers=bearer(1))
    assert resp.json["results"][0]["email"] == "user7@example.com"


def test_defaults_and_cap_are_those_of_the_connections_endpoint():
    graph = make_graph()
    make_client(graph, default_limit=3, max_limit=4).simulate_get(PATH, headers=bearer(1))
    make_client(graph, default_limit=3, max_limit=4).simulate_get(
        PATH, query_string="limit=50", headers=bearer(1)
    )
    assert graph.calls == [("suggest", 1, 0, 3), ("suggest", 1, 0, 4)]


def test_no_suggestions_is_an_empty_page():
    resp = make_client().simulate_get(PATH, headers=bearer(2))
    assert resp.json == {"count": 0, "next": None, "previous": None, "results": []}


def test_bare_path_answers_the_same():
    client = make_client()
    assert (
        client.simulate_get(PATH.rstrip("/"), headers=bearer(1)).json["count"]
        == client.simulate_get(PATH, headers=bearer(1)).json["count"]
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic dXNlcjpwdw=="},
    ],
)
def test_anonymous_or_bad_token_is_401_with_bearer_challenge(headers):
    graph = make_graph()
    resp = make_client(graph).simulate_get(PATH, headers=headers)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.json["detail"]
    assert graph.calls == []


def test_anonymous_is_401_even_when_content_is_public():
    graph = make_graph(options={"content_availability": True})
    assert make_client(graph).simulate_get(PATH).status_code == 401


def test_token_of_inactive_or_unknown_user_is_401():
    graph = make_graph(inactive={1})
    assert make_client(graph).simulate_get(PATH, headers=bearer(1)).status_code == 401
    assert make_client(graph).simulate_get(PATH, headers=bearer(999)).status_code == 401


def test_expired_or_foreign_token_is_401():
    expired = auth.mint_token(1, SECRET, ttl_seconds=-60)
    foreign = auth.mint_token(1, "another-secret-0123456789abcdef0123", ttl_seconds=60)
    for token in (expired, foreign):
        resp = make_client().simulate_get(PATH, headers={"Authorization": "Bearer " + token})
        assert resp.status_code == 401


def test_follow_mode_is_403_for_a_signed_in_user():
    graph = make_graph(options={"follow_enabled": True})
    resp = make_client(graph).simulate_get(PATH, headers=bearer(1))
    assert resp.status_code == 403 and "follow mode" in resp.json["detail"]
    assert graph.calls == []
    # Anonymous requests learn nothing about the community: 401 first.
    assert make_client(graph).simulate_get(PATH).status_code == 401


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=-1", "limit=x", "limit=", "offset=-1", "offset=1.5", f"offset={2**63}"],
)
def test_bad_params_are_400_naming_the_parameter(query):
    graph = make_graph()
    resp = make_client(graph).simulate_get(PATH, query_string=query, headers=bearer(1))
    assert resp.status_code == 400
    assert query.split("=")[0] in resp.json["errors"]
    assert graph.calls == []


def test_graph_unavailable_is_503():
    graph = make_graph()
    client = make_client(graph)
    graph.fail = GraphUnavailable("down")
    resp = client.simulate_get(PATH, headers=bearer(1))
    assert resp.status_code == 503 and "Retry-After" in resp.headers
