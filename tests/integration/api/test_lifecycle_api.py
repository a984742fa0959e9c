"""The connection lifecycle API against the real Neo4j: every rule of issue 10."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from falcon import testing

from service.api.app import create_app
from service.domain import auth
from service.graph import lifecycle as lifecycle_tx
from tests.integration.seed import BASE, connect, create_users, request, user_props

SECRET = "integration-test-secret-0123456789abcdef"
HOST = "http://falconframework.org"
ACTIONS = ("request", "accept", "reject", "cancel_reject", "cancel_request", "remove")


@pytest.fixture
def settings(neo4j_settings):
    return dataclasses.replace(neo4j_settings, jwt_secret=SECRET, settings_refresh_seconds=1e-9)


@pytest.fixture
def db(graph, neo4j_settings):
    driver, database = graph.driver, neo4j_settings.neo4j_database
    users = [user_props(i) for i in range(1, 9)]
    users += [user_props(9, status="b"), user_props(10, is_staff=True)]
    create_users(driver, database, users)
    return driver, database


@pytest.fixture
def client(settings, graph, db):
    return testing.TestClient(create_app(settings, graph=graph))


def token(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=600)}


def act(client, actor: int, action: str, other: int, expect: int = 200):
    path = (
        f"/api/v2/user/{other}/connection_requests/mark_seen/"
        if action == "mark_seen"
        else f"/api/v2/user/{other}/connection/{action}/"
    )
    resp = client.simulate_post(path, headers=token(actor))
    assert resp.status_code == expect, (actor, action, other, resp.text)
    return resp.json


def status(client, viewer: int, other: int):
    resp = client.simulate_get(f"/api/v2/user/{other}/connection_status/", headers=token(viewer))
    assert resp.status_code == 200, resp.text
    return resp.json["connection_status"]


def events(graph) -> list[dict]:
    return graph.events.read_events(0)


def page(client, viewer: int, which: str, query: str = ""):
    resp = client.simulate_get(f"/api/v2/user/connection/{which}/{query}", headers=token(viewer))
    assert resp.status_code == 200, resp.text
    return resp.json


def user(client, viewer: int, user_id: int) -> dict:
    return client.simulate_get(f"/api/v2/user/{user_id}/", headers=token(viewer)).json


def test_request_then_accept_connects_both_sides(client, graph):
    assert act(client, 1, "request", 2) == {"connection_status": "sent_connection_request"}
    assert status(client, 2, 1) == "received_connection_request"
    assert act(client, 2, "accept", 1) == {"connection_status": "connected"}
    assert status(client, 1, 2) == "connected"
    for a, b in ((1, 2), (2, 1)):
        resp = client.simulate_get(f"/api/v2/user/{a}/connections/", headers=token(a))
        assert [u["id"] for u in resp.json["results"]] == [b]
    assert [
        (e["event_id"], e["type"], e["from_user_id"], e["to_user_id"]) for e in events(graph)
    ] == [
        (1, "connection_request.created", 1, 2),
        (2, "connection.created", 1, 2),
    ]
    assert page(client, 1, "requests_sent")["count"] == 0
    assert page(client, 2, "requests")["count"] == 0


def test_repeats_change_nothing_and_log_nothing(client, graph):
    act(client, 1, "request", 2)
    assert act(client, 1, "request", 2) == {"connection_status": "sent_connection_request"}
    act(client, 2, "reject", 1)
    assert act(client, 2, "reject", 1) == {"connection_status": None}
    act(client, 2, "cancel_reject", 1)
    assert act(client, 2, "cancel_reject", 1) == {
        "connection_status": "received_connection_request"
    }
    act(client, 2, "accept", 1)
    assert act(client, 2, "accept", 1) == {"connection_status": "connected"}
    assert act(client, 1, "request", 2) == {"connection_status": "connected"}
    act(client, 1, "remove", 2)
    assert act(client, 1, "remove", 2) == {"connection_status": None}
    assert act(client, 2, "remove", 1) == {"connection_status": None}
    assert act(client, 1, "cancel_request", 2) == {"connection_status": None}
    assert [e["type"] for e in events(graph)] == [
        "connection_request.created",
        "connection_request.rejected",
        "connection_request.restored",
        "connection.created",
        "connection.deleted",
    ]
    assert [e["event_id"] for e in events(graph)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("action", ["accept", "reject", "cancel_reject", "mark_seen"])
def test_no_request_from_them_is_400_saying_why(client, graph, action):
    act(client, 1, "request", 2)  # my request, not theirs
    body = act(client, 1, action, 2, expect=400)
    assert "no" in body["detail"].lower() and "request" in body["detail"].lower()
    body = act(client, 3, action, 4, expect=400)  # nothing at all
    assert set(body) == {"detail"}
    assert len(events(graph)) == 1


def test_cancel_reject_on_a_pending_request_is_200(client):
    act(client, 1, "request", 2)
    assert act(client, 2, "cancel_reject", 1) == {
        "connection_status": "received_connection_request"
    }


def test_crossing_request_connects_with_one_event(client, graph):
    act(client, 1, "request", 2)
    assert act(client, 2, "request", 1) == {"connection_status": "connected"}
    assert [(e["type"], e["from_user_id"], e["to_user_id"]) for e in events(graph)] == [
        ("connection_request.created", 1, 2),
        ("connection.created", 1, 2),
    ]


def test_crossing_request_on_a_rejected_request_connects(client):
    act(client, 1, "request", 2)
    act(client, 2, "reject", 1)
    assert act(client, 2, "request", 1) == {"connection_status": "connected"}


def test_rejected_sender_cannot_reopen_and_is_never_told(client, graph):
    act(client, 1, "request", 2)
    assert act(client, 2, "reject", 1) == {"connection_status": None}
    assert act(client, 1, "request", 2) == {"connection_status": "sent_connection_request"}
    assert status(client, 1, 2) == "sent_connection_request"
    assert status(client, 2, 1) is None
    sent = page(client, 1, "requests_sent")
    assert sent["count"] == 1 and sent["results"][0]["rejected"] is None
    assert page(client, 2, "requests")["count"] == 0
    assert user(client, 1, 1)["connection_requests_sent_counter"] == 1
    assert user(client, 2, 2)["connection_requests_received_counter"] == 0
    # The connections list's statuses agree with the status endpoint.
    connect(graph.driver, "neo4j", [(3, 1, BASE), (3, 2, BASE)])
    listed = client.simulate_get("/api/v2/user/3/connections/", headers=token(1)).json
    assert {u["id"]: u["connection_status"] for u in listed["results"]} == {
        1: None,
        2: "sent_connection_request",
    }
    listed = client.simulate_get("/api/v2/user/3/connections/", headers=token(2)).json
    assert {u["id"]: u["connection_status"] for u in listed["results"]} == {1: None, 2: None}
    assert [e["type"] for e in events(graph)] == [
        "connection_request.created",
        "connection_request.rejected",
    ]
    assert [(e["from_user_id"], e["to_user_id"]) for e in events(graph)] == [(1, 2), (1, 2)]


def test_cancel_reject_restores_and_accepting_a_rejected_request_connects(client, graph):
    act(client, 1, "request", 2)
    act(client, 2, "reject", 1)
    assert act(client, 2, "cancel_reject", 1) == {
        "connection_status": "received_connection_request"
    }
    assert page(client, 2, "requests")["count"] == 1
    act(client, 2, "reject", 1)
    assert act(client, 2, "accept", 1) == {"connection_status": "connected"}
    assert [(e["type"], e["from_user_id"]) for e in events(graph)][-2:] == [
        ("connection_request.rejected", 1),
        ("connection.created", 1),
    ]


def test_cancel_request_removes_mine_even_if_rejected(client, graph):
    act(client, 1, "request", 2)
    act(client, 2, "reject", 1)
    assert act(client, 1, "cancel_request", 2) == {"connection_status": None}
    assert page(client, 1, "requests_sent")["count"] == 0
    assert events(graph)[-1]["type"] == "connection_request.cancelled"
    assert (events(graph)[-1]["from_user_id"], events(graph)[-1]["to_user_id"]) == (1, 2)
    # cancel_request on someone else's request is already in its target state
    act(client, 3, "request", 1)
    assert act(client, 1, "cancel_request", 3) == {
        "connection_status": "received_connection_request"
    }


def test_remove_deletes_both_directions_and_logs_the_remover(client, graph):
    act(client, 1, "request", 2)
    act(client, 2, "accept", 1)
    assert act(client, 2, "remove", 1) == {"connection_status": None}
    for viewer in (1, 2):
        assert user(client, viewer, viewer)["connections_counter"] == 0
    count = graph.driver.execute_query("MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) AS n")
    assert count.records[0]["n"] == 0
    last = events(graph)[-1]
    assert (last["type"], last["from_user_id"], last["to_user_id"]) == ("connection.deleted", 2, 1)


def test_accept_is_newest_first_in_both_lists(client, graph):
    connect(graph.driver, "neo4j", [(1, 3, BASE), (2, 4, dt.datetime(2030, 1, 1, tzinfo=dt.UTC))])
    act(client, 1, "request", 2)
    act(client, 2, "accept", 1)
    first = client.simulate_get("/api/v2/user/1/connections/", headers=token(1)).json
    assert [u["id"] for u in first["results"]] == [2, 3]
    second = client.simulate_get("/api/v2/user/2/connections/", headers=token(2)).json
    # 2030 is in the future, so it stays first; the new connection comes next.
    assert [u["id"] for u in second["results"]] == [4, 1]


def test_mark_seen_is_204_once_and_no_event(client, graph):
    act(client, 1, "request", 2)
    resp = client.simulate_post("/api/v2/user/1/connection_requests/mark_seen/", headers=token(2))
    assert resp.status_code == 204 and resp.text == ""
    viewed = page(client, 2, "requests")["results"][0]["viewed"]
    assert viewed is not None
    act(client, 2, "mark_seen", 1, expect=204)
    assert page(client, 2, "requests")["results"][0]["viewed"] == viewed
    act(client, 2, "reject", 1)
    act(client, 2, "mark_seen", 1, expect=204)  # works on a rejected request too
    assert [e["type"] for e in events(graph)] == [
        "connection_request.created",
        "connection_request.rejected",
    ]


def test_request_lists_are_newest_first_with_full_users_and_privacy(client, graph):
    driver = graph.driver
    request(driver, "neo4j", [(3, 1), (4, 1), (5, 1)])  # imported: no ids yet
    driver.execute_query(
        "MATCH (a:User)-[r:CONNECTION_REQUEST]->(:User {id: 1}) "
        "SET r.created_at = CASE a.id WHEN 5 THEN $old ELSE $new END",
        old=BASE,
        new=BASE + dt.timedelta(days=1),
    )
    received = page(client, 1, "requests", "?limit=2")
    assert received["count"] == 3
    assert received["next"] == f"{HOST}/api/v2/user/connection/requests/?limit=2&offset=2"
    assert [r["from_user"]["id"] for r in received["results"]] == [3, 4]
    first = received["results"][0]
    assert list(first) == ["id", "from_user", "to_user", "created", "rejected", "viewed"]
    assert isinstance(first["id"], int)
    assert first["from_user"]["email"] is None and first["to_user"]["email"] == "user1@example.com"
    assert first["to_user"]["connection_requests_received_counter"] == 3
    assert first["from_user"]["connection_status"] == "received_connection_request"
    rest = page(client, 1, "requests", "?limit=2&offset=2")
    assert [r["from_user"]["id"] for r in rest["results"]] == [5]
    ids = [r["id"] for r in received["results"] + rest["results"]]
    assert len(set(ids)) == 3
    assert ids == [r["id"] for r in page(client, 1, "requests")["results"]]  # stable
    # New requests get ids after the imported ones; staff sees emails.
    act(client, 10, "request", 1)
    newest = page(client, 10, "requests_sent")["results"][0]
    assert newest["id"] > max(ids)
    assert newest["to_user"]["email"] == "user1@example.com"
    bad = client.simulate_get("/api/v2/user/connection/requests/?limit=0", headers=token(1))
    assert bad.status_code == 400 and "limit" in bad.json["errors"]


def test_statuses_map_every_id(client):
    act(client, 1, "request", 2)
    act(client, 3, "request", 1)
    act(client, 1, "request", 4)
    act(client, 4, "accept", 1)
    body = {"users": [2, "3", 4, 5, 1, 9, 999, -3, 0]}
    resp = client.simulate_post("/api/v2/user/connection/statuses/", json=body, headers=token(1))
    assert resp.status_code == 200
    assert resp.json == {
        "connection_statuses": {
            "2": "sent_connection_request",
            "3": "received_connection_request",
            "4": "connected",
            "5": None,
            "1": None,
            "9": None,
            "999": None,
            "-3": None,
            "0": None,
        }
    }


@pytest.mark.parametrize(
    "body",
    [
        {"users": "1"},
        {"users": [1.5]},
        {"users": [True]},
        {"users": ["x"]},
        {"users": [None]},
        {"users": list(range(1, 1002))},
        {},
        {"users": [1, {"id": 2}]},
        [1, 2],
    ],
)
def test_statuses_bad_body_is_400_naming_users(client, body):
    resp = client.simulate_post("/api/v2/user/connection/statuses/", json=body, headers=token(1))
    assert resp.status_code == 400, resp.text
    assert "users" in resp.json["detail"] and "users" in resp.json["errors"]


def test_statuses_cap_is_inclusive(client):
    body = {"users": list(range(1, 1001))}
    resp = client.simulate_post("/api/v2/user/connection/statuses/", json=body, headers=token(1))
    assert resp.status_code == 200 and len(resp.json["connection_statuses"]) == 1000


def test_is_connection(client):
    path = "/api/v2/user/2/is_connection/"
    assert client.simulate_get(path, headers=token(1)).json == {"is_connection": False}
    act(client, 1, "request", 2)
    assert client.simulate_get(path, headers=token(1)).json == {"is_connection": False}
    act(client, 2, "accept", 1)
    assert client.simulate_get(path, headers=token(1)).json == {"is_connection": True}
    assert client.simulate_get(path.rstrip("/"), headers=token(1)).json == {"is_connection": True}
    assert client.simulate_get("/api/v2/user/1/is_connection/", headers=token(1)).json == {
        "is_connection": False
    }


def test_yourself(client):
    assert act(client, 1, "request", 1, expect=400)["detail"]
    assert act(client, 1, "mark_seen", 1, expect=400)["detail"]
    assert status(client, 1, 1) is None


@pytest.mark.parametrize("other", ["9", "404", "abc", "0"])
def test_unknown_inactive_or_malformed_id_is_404(client, other):
    for action in ACTIONS:
        resp = client.simulate_post(f"/api/v2/user/{other}/connection/{action}/", headers=token(1))
        assert resp.status_code == 404 and resp.json == {"detail": "Not found."}
    for tail in ("connection_status/", "is_connection/", ""):
        resp = client.simulate_get(f"/api/v2/user/{other}/{tail}", headers=token(1))
        assert resp.status_code == 404, tail


def test_auth_and_follow_mode(client, graph):
    paths = [("post", f"/api/v2/user/2/connection/{a}/") for a in ACTIONS]
    paths += [("post", "/api/v2/user/2/connection_requests/mark_seen/")]
    paths += [("get", "/api/v2/user/connection/requests/")]
    paths += [("get", "/api/v2/user/connection/requests_sent/")]
    reads = [("get", "/api/v2/user/2/connection_status/"), ("get", "/api/v2/user/2/is_connection/")]
    reads += [("post", "/api/v2/user/connection/statuses/")]
    for method, path in paths + reads:
        resp = getattr(client, f"simulate_{method}")(path, json={"users": [2]})
        assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
        resp = getattr(client, f"simulate_{method}")(
            path, json={"users": [2]}, headers={"Authorization": "Bearer nope"}
        )
        assert resp.status_code == 401
    graph.community.set_community_settings({"follow_enabled": True})
    for method, path in paths:
        resp = getattr(client, f"simulate_{method}")(path, headers=token(1))
        assert resp.status_code == 403, path
        resp = getattr(client, f"simulate_{method}")(path)
        assert resp.status_code == 401, path  # the 401 check comes first
    for method, path in reads:
        resp = getattr(client, f"simulate_{method}")(path, json={"users": [2]}, headers=token(1))
        assert resp.status_code == 200, path
    assert client.simulate_get("/api/v2/user/2/").status_code == 200
    assert events(graph) == []


def test_get_user_follows_the_list_access_rules(client, graph):
    anonymous = client.simulate_get("/api/v2/user/2/")
    assert anonymous.status_code == 200
    body = anonymous.json
    assert body["id"] == 2 and body["email"] is None and body["connection_status"] is None
    assert client.simulate_get("/api/v2/user/2").json == body
    assert user(client, 2, 2)["email"] == "user2@example.com"
    assert user(client, 10, 2)["email"] == "user2@example.com"
    assert user(client, 1, 2)["email"] is None
    act(client, 1, "request", 2)
    assert user(client, 1, 2)["connection_status"] == "sent_connection_request"
    assert user(client, 2, 1)["connection_status"] == "received_connection_request"
    graph.community.set_community_settings({"content_availability": False})
    assert client.simulate_get("/api/v2/user/2/").status_code == 401
    assert client.simulate_get("/api/v2/user/2/", headers=token(1)).status_code == 200


def test_counters_equal_list_lengths(client):
    act(client, 1, "request", 2)
    act(client, 1, "request", 3)
    act(client, 3, "reject", 1)
    act(client, 4, "request", 1)
    act(client, 5, "request", 1)
    act(client, 1, "reject", 5)
    act(client, 6, "request", 1)
    act(client, 1, "accept", 6)
    me = user(client, 1, 1)
    assert me["connection_requests_sent_counter"] == page(client, 1, "requests_sent")["count"] == 2
    assert me["connection_requests_received_counter"] == page(client, 1, "requests")["count"] == 1
    connections = client.simulate_get("/api/v2/user/1/connections/", headers=token(1)).json
    assert me["connections_counter"] == connections["count"] == 1


def test_pair_change_time_is_recorded(client, graph):
    before = dt.datetime.now(dt.UTC)
    act(client, 2, "request", 1)
    act(client, 1, "request", 2)  # the crossing request connects
    act(client, 2, "request", 1)  # a no-op: not a change
    with graph.driver.session() as session:
        change = session.execute_read(lifecycle_tx.read_pair_change, 1, 2)
        assert session.execute_read(lifecycle_tx.read_pair_change, 1, 3) is None
    assert change["event_id"] == 2
    assert before <= change["changed_at"] <= dt.datetime.now(dt.UTC)


def test_write_on_unavailable_graph_is_503(settings):
    app = create_app(
        dataclasses.replace(settings, neo4j_uri="bolt://127.0.0.1:9", neo4j_connection_timeout=1.0)
    )
    try:
        resp = testing.TestClient(app).simulate_post(
            "/api/v2/user/2/connection/request/", headers=token(1)
        )
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    finally:
        app.graph.driver.close()


STATES = {
    "none": [],
    "connected": [(1, "request", 2), (2, "accept", 1)],
    "sent": [(1, "request", 2)],
    "sent_rejected": [(1, "request", 2), (2, "reject", 1)],
    "received": [(2, "request", 1)],
    "received_rejected": [(2, "request", 1), (1, "reject", 2)],
}


@pytest.mark.parametrize("state", list(STATES))
def test_user_rows_status_rule_agrees_with_the_domain_rule(client, state):
    # user_rows.cypher's CASE (connections pages, GET user/{id}/) and domain status_of
    # (status endpoints, write answers) are the same rule, from both sides.
    for actor, action, other in STATES[state]:
        act(client, actor, action, other)
    for viewer, other in ((1, 2), (2, 1)):
        assert user(client, viewer, other)["connection_status"] == status(client, viewer, other)
