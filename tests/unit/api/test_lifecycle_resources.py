"""The lifecycle endpoints through create_app() with a FakeGraph: access order, input, shapes."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.lifecycle import Action, Outcome
from tests.unit.api.client import bearer, make_client
from tests.unit.fakes import FakeGraph, fake_user

ACTIONS = ("request", "accept", "reject", "cancel_reject", "cancel_request", "remove")
WRITES = [f"/api/v2/user/2/connection/{a}/" for a in ACTIONS]
WRITES += ["/api/v2/user/2/connection_requests/mark_seen/"]
LISTS = ["/api/v2/user/connection/requests/", "/api/v2/user/connection/requests_sent/"]


def writes(graph: FakeGraph) -> list[tuple]:
    return [call for call in graph.calls if call[0] == "write"]


@pytest.mark.parametrize("action", ACTIONS)
def test_write_runs_apply_change_for_the_token_user(action):
    graph = FakeGraph(outcome=Outcome(changed=True, status="connected"))
    client = make_client(graph)
    for path in (f"/api/v2/user/3/connection/{action}/", f"/api/v2/user/3/connection/{action}"):
        resp = client.simulate_post(path, headers=bearer(1))
        assert resp.status_code == 200 and resp.json == {"connection_status": "connected"}
    (_, work, actor, other, what, now), _ = writes(graph)
    assert (work, actor, other, what) == ("apply_change", 1, 3, Action(action))
    assert now.tzinfo is not None and abs(now - dt.datetime.now(dt.UTC)).total_seconds() < 60


def test_mark_seen_is_204_with_no_body():
    graph = FakeGraph()
    resp = make_client(graph).simulate_post(WRITES[-1], headers=bearer(1))
    assert resp.status_code == 204 and resp.content == b""
    assert writes(graph)[0][4] is Action.MARK_SEEN


@pytest.mark.parametrize("path", WRITES + LISTS)
def test_no_or_bad_token_is_401_before_follow_mode_403(path):
    graph = FakeGraph(options={"follow_enabled": True})
    client = make_client(graph)
    method = client.simulate_post if path in WRITES else client.simulate_get
    assert method(path).status_code == 401
    assert method(path, headers={"Authorization": "Bearer x"}).status_code == 401
    resp = method(path, headers=bearer(1))
    assert resp.status_code == 403 and "follow" in resp.json["detail"]
    assert writes(graph) == []


def test_acting_on_yourself_is_400_and_writes_nothing():
    graph = FakeGraph()
    resp = make_client(graph).simulate_post("/api/v2/user/1/connection/request/", headers=bearer(1))
    assert resp.status_code == 400 and "yourself" in resp.json["detail"]
    assert writes(graph) == []


def test_writes_ignore_whatever_body_the_sdk_sends():
    resp = make_client().simulate_post(
        WRITES[0],
        headers={**bearer(1), "Content-Type": "application/x-www-form-urlencoded"},
        body="a=1",
    )
    assert resp.status_code == 200


def test_status_reads_answer_in_follow_mode():
    graph = FakeGraph(
        options={"follow_enabled": True},
        pair_facts={2: {"connected": True, "sent": None, "received": None}},
    )
    client = make_client(graph)
    resp = client.simulate_get("/api/v2/user/2/connection_status/", headers=bearer(1))
    assert resp.json == {"connection_status": "connected"}
    resp = client.simulate_get("/api/v2/user/2/is_connection/", headers=bearer(1))
    assert resp.json == {"is_connection": True}
    resp = client.simulate_get("/api/v2/user/1/is_connection/", headers=bearer(1))
    assert resp.json == {"is_connection": False}


def test_status_of_an_inactive_user_is_404():
    graph = FakeGraph(inactive={4})
    resp = make_client(graph).simulate_get("/api/v2/user/4/connection_status/", headers=bearer(1))
    assert resp.status_code == 404 and resp.json == {"detail": "Not found."}


def test_statuses_accept_ints_and_numeric_strings():
    graph = FakeGraph(pair_facts={2: {"connected": True, "sent": None, "received": None}})
    resp = make_client(graph).simulate_post(
        "/api/v2/user/connection/statuses/",
        json={"users": [2, "3", "2", 99, 1, "9223372036854775808", "007"]},
        headers=bearer(1),
    )
    assert resp.status_code == 200
    assert resp.json == {
        "connection_statuses": {
            "2": "connected",
            "3": None,
            "99": None,
            "1": None,
            "9223372036854775808": None,
            "007": None,
        }
    }
    # Neither the viewer nor an out-of-range id reaches the graph.
    assert graph.calls[-1] == ("pair_states", 1, (2, 3, 99, 7))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b'{"users": 5}', "application/json"),
        (b'{"users": ["1x"]}', "application/json"),
        (b'"users"', "application/json"),
    ],
)
def test_statuses_bad_body_is_400(body, content_type):
    graph = FakeGraph()
    resp = make_client(graph).simulate_post(
        "/api/v2/user/connection/statuses/",
        body=body,
        headers={**bearer(1), "Content-Type": content_type},
    )
    assert resp.status_code == 400, resp.text
    assert set(resp.json) >= {"detail"}
    assert not [c for c in graph.calls if c[0] == "pair_states"]


def test_request_list_hides_rejection_from_the_sender_and_private_fields():
    item = {
        "id": 7,
        "from_user": fake_user(1),
        "to_user": fake_user(2),
        "created": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "rejected": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        "viewed": None,
    }
    graph = FakeGraph(requests=[item])
    client = make_client(graph)
    resp = client.simulate_get(LISTS[1], query_string="limit=1", headers=bearer(1))
    (result,) = resp.json["results"]
    assert result["rejected"] is None and result["created"] == "2026-01-01T00:00:00Z"
    assert result["from_user"]["email"] == "user1@example.com"
    assert result["to_user"]["email"] is None
    assert resp.json["count"] == 1 and graph.calls[-1] == ("requests", 1, "sent", 0, 1)
    client.simulate_get(LISTS[0], headers=bearer(1))
    assert graph.calls[-1] == ("requests", 1, "received", 0, 20)
    resp = client.simulate_get(LISTS[0], query_string="offset=-1", headers=bearer(1))
    assert resp.status_code == 400 and "offset" in resp.json["errors"]


def test_get_user_is_public_unless_content_is_unavailable():
    client = make_client(FakeGraph(options={"follow_enabled": True}))
    resp = client.simulate_get("/api/v2/user/2/")
    assert resp.status_code == 200 and resp.json["id"] == 2 and resp.json["email"] is None
    assert client.simulate_get("/api/v2/user/2", headers=bearer(2)).json["email"]
    assert client.simulate_get("/api/v2/user/77/").status_code == 404
    closed = make_client(FakeGraph(options={"content_availability": False}))
    assert closed.simulate_get("/api/v2/user/2/").status_code == 401
    assert closed.simulate_get("/api/v2/user/2/", headers=bearer(1)).status_code == 200
