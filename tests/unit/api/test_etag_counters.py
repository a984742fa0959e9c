"""ETag / If-None-Match / Vary on the API's GETs, and the counters endpoint (FakeGraph)."""

from __future__ import annotations

import falcon.testing

from tests.unit.api.client import bearer, make_client
from tests.unit.fakes import FakeGraph


def client(graph=None, **options) -> falcon.testing.TestClient:
    return make_client(graph or FakeGraph(**options))


def test_a_get_carries_an_etag_and_a_matching_if_none_match_is_304():
    api = client()
    first = api.simulate_get("/api/v2/user/1/connections/")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('"')
    again = api.simulate_get("/api/v2/user/1/connections/", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    weak = api.simulate_get("/api/v2/user/1/connections/", headers={"If-None-Match": f"W/{tag}"})
    assert weak.status_code == 304
    other = api.simulate_get("/api/v2/user/1/connections/", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200 and other.json == first.json


def test_the_etag_follows_the_body():
    graph = FakeGraph(connections={1: [2, 3, 4]})
    api = client(graph)
    before = api.simulate_get("/api/v2/user/1/connections/").headers["ETag"]
    graph.connection_ids[1] = [2, 3]
    after = api.simulate_get("/api/v2/user/1/connections/", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_vary_authorization_where_the_body_depends_on_the_viewer():
    api = client()
    for path in ("/api/v2/user/1/connections/", "/api/v2/user/2/"):
        assert api.simulate_get(path).headers["Vary"] == "Authorization"
    assert "Vary" not in api.simulate_get("/api/v2/user/2/counters/").headers


def test_errors_and_writes_carry_no_etag():
    api = client()
    assert "ETag" not in api.simulate_get("/api/v2/user/999/connections/").headers
    resp = api.simulate_post("/api/v2/user/2/connection/request/", headers=bearer(1))
    assert "ETag" not in resp.headers


def test_counters_of_a_user():
    resp = client().simulate_get("/api/v2/user/2/counters/")
    assert resp.status_code == 200
    assert set(resp.json) == {
        "discussions",
        "posts",
        "statuses",
        "polls",
        "connection_requests_sent",
        "connection_requests_received",
        "connections",
    }
    assert resp.json["connections"] == 1


def test_counters_follow_the_profile_rules():
    assert client().simulate_get("/api/v2/user/999/counters/").status_code == 404
    closed = client(options={"content_availability": False})
    assert closed.simulate_get("/api/v2/user/2/counters/").status_code == 401
    follow = client(options={"follow_enabled": True}).simulate_get("/api/v2/user/2/counters/")
    assert follow.status_code == 200 and "connections" not in follow.json
