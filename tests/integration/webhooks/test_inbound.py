"""Webhooks in, through the real app on real Neo4j: signature, dedupe, order, user events."""

from __future__ import annotations

import dataclasses
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from falcon import testing

from service.api.app import create_app
from service.webhooks import signature

SECRET = "selfcommunity-endpoint-secret"
PATH = "/webhooks/selfcommunity/"
T = 1_700_000_000.0


def user(user_id: int, **fields) -> dict:
    """A User object as SelfCommunity sends it (counters included, which we ignore)."""
    return {
        "id": user_id,
        "username": f"sc{user_id}",
        "real_name": f"SC {user_id}",
        "email": f"sc{user_id}@example.com",
        "email_isvalid": True,
        "date_joined": "2019-08-24T14:15:22Z",
        "bio": "",
        "location": "",
        "location_lat_lng": "",
        "position_lat_lng": "",
        "date_of_birth": "2019-09-23",
        "description": "",
        "gender": "Male",
        "status": "a",
        "website": "https://example.com",
        "avatar": None,
        "cover": None,
        "ext_id": "string",
        "tags": [],
        "reputation": 111,
        "connections_counter": 42,
        "connection_requests_sent_counter": 1,
        "connection_requests_received_counter": 0,
        "posts_counter": 0,
        "discussions_counter": 0,
        "statuses_counter": 0,
        "polls_counter": 0,
        **fields,
    }


def event(event_id: int, kind: str, data: dict, created: float = T) -> bytes:
    return json.dumps(
        {"event_id": event_id, "type": kind, "created": created, "data": data}
    ).encode()


@pytest.fixture
def client(graph, neo4j_settings):
    settings = dataclasses.replace(neo4j_settings, selfcommunity_webhook_secret=SECRET)
    return testing.TestClient(create_app(settings, graph=graph))


def post(client, body: bytes, header: str | None = "sign", **kwargs):
    headers = {"Content-Type": "application/json"}
    if header == "sign":
        header = signature.sign(SECRET, body)
    if header is not None:
        headers["SelfCommunity-Signature"] = header
    return client.simulate_post(PATH, body=body, headers=headers, **kwargs)


def stored(clean_db, database, user_id):
    records, _, _ = clean_db.execute_query(
        "MATCH (u:User {id: $id}) RETURN u {.*} AS u", id=user_id, database_=database
    )
    return records[0]["u"] if records else None


def received(clean_db, database):
    records, _, _ = clean_db.execute_query(
        "MATCH (r:ReceivedEvent) RETURN r.event_id AS id, r.outcome AS outcome ORDER BY id",
        database_=database,
    )
    return [(r["id"], r["outcome"]) for r in records]


def test_the_endpoint_does_not_exist_without_a_secret(graph, neo4j_settings):
    app = testing.TestClient(create_app(neo4j_settings, graph=graph))
    body = event(1, "user.created", user(1))
    resp = app.simulate_post(
        PATH, body=body, headers={"SelfCommunity-Signature": signature.sign("", body)}
    )
    assert resp.status_code == 404 and resp.json == {"detail": "Not found."}


def test_user_created_then_updated_upserts_the_user(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    resp = post(client, event(1, "user.created", user(7)))
    assert resp.status_code == 200 and resp.json == {"status": "applied"}
    first = stored(clean_db, db, 7)
    assert first["username"] == "sc7" and first["ext_id"] == "string"
    assert "connections_counter" not in first  # SelfCommunity's counters are not ours
    assert post(client, event(2, "user.updated", user(7, bio="new"), T + 1)).json == {
        "status": "applied"
    }
    assert stored(clean_db, db, 7)["bio"] == "new"


def test_a_redelivered_event_changes_nothing(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    body = event(1, "user.created", user(7, bio="first"))
    assert post(client, body).json == {"status": "applied"}
    clean_db.execute_query("MATCH (u:User {id: 7}) SET u.bio = 'edited here'", database_=db)
    again = post(client, body)
    assert again.status_code == 200 and again.json == {"status": "duplicate"}
    assert stored(clean_db, db, 7)["bio"] == "edited here"
    assert received(clean_db, db) == [(1, "applied")]


def test_a_late_update_never_undoes_a_newer_one(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    assert (
        post(client, event(5, "user.updated", user(7, bio="newer"), T + 10)).json["status"]
        == "applied"
    )
    late = post(client, event(4, "user.updated", user(7, bio="older"), T + 5))
    assert late.status_code == 200 and late.json == {"status": "stale"}
    assert stored(clean_db, db, 7)["bio"] == "newer"
    assert post(client, event(6, "user.deleted", user(7), T + 20)).json == {"status": "applied"}
    resurrect = post(client, event(3, "user.created", user(7), T + 1))
    assert resurrect.json == {"status": "stale"} and stored(clean_db, db, 7)["status"] == "d"


def test_user_deleted_marks_the_user_deleted_and_their_list_404s(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    post(client, event(1, "user.created", user(7)))
    assert post(client, event(2, "user.deleted", user(7), T + 1)).json == {"status": "applied"}
    assert stored(clean_db, db, 7)["status"] == "d"
    assert client.simulate_get("/api/v2/user/7/connections/").status_code == 404


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "nonsense",
        f"t={int(T)}",
        "t=abc,v1=00",
        "t=1,v1=" + "0" * 64,
        "wrong-secret",
        "stale",
        "future",
    ],
)
def test_a_bad_signature_is_401_and_nothing_is_applied_or_remembered(
    header, client, clean_db, neo4j_settings
):
    db = neo4j_settings.neo4j_database
    body = event(1, "user.created", user(7))
    now = int(time.time())
    header = {
        "wrong-secret": signature.sign("not-the-secret", body),
        "stale": signature.sign(SECRET, body, now - 301),
        "future": signature.sign(SECRET, body, now + 301),
    }.get(header, header)
    resp = post(client, body, header)
    assert resp.status_code == 401 and set(resp.json) == {"detail"}
    assert stored(clean_db, db, 7) is None and received(clean_db, db) == []
    # The same event correctly signed later is applied: a refusal is not "seen".
    assert post(client, body).json == {"status": "applied"}


def test_a_signature_over_another_body_is_refused(client, clean_db, neo4j_settings):
    body = event(1, "user.created", user(7))
    other = event(1, "user.created", user(8))
    assert post(client, body, signature.sign(SECRET, other)).status_code == 401


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"type": "user.created", "data": {}}', "missing event_id, created"),
        (b'{"event_id": "1", "type": "x", "created": 1, "data": {}}', "event_id"),
        (b'{"event_id": 1, "type": "", "created": 1, "data": {}}', "type"),
        (b'{"event_id": 1, "type": "x", "created": "now", "data": {}}', "created"),
        (b'{"event_id": 1, "type": "x", "created": 1, "data": []}', "data"),
    ],
)
def test_malformed_bodies_are_400_and_nothing_is_applied(
    body, detail, client, clean_db, neo4j_settings
):
    resp = post(client, body)
    assert resp.status_code == 400 and detail in resp.json["detail"]
    assert received(clean_db, neo4j_settings.neo4j_database) == []


def test_an_invalid_user_is_400_naming_the_field(client, clean_db, neo4j_settings):
    resp = post(client, event(1, "user.created", user(7, username="has space")))
    assert resp.status_code == 400 and resp.json["detail"].startswith("data.username:")
    assert received(clean_db, neo4j_settings.neo4j_database) == []


def test_unknown_types_are_acknowledged_ignored_and_counted(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    resp = post(client, event(1, "user.score_updated", {"id": 7, "score": 3}))
    assert resp.status_code == 200 and resp.json == {"status": "ignored"}
    assert post(client, event(2, "connection.follow", {})).json == {"status": "ignored"}
    assert received(clean_db, db) == [(1, "ignored"), (2, "ignored")]
    assert stored(clean_db, db, 7) is None


def test_concurrent_deliveries_of_one_event_apply_it_once(client, clean_db, neo4j_settings):
    body = event(1, "user.created", user(7))
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(client, body).json["status"], range(8)))
    assert sorted(answers) == ["applied"] + ["duplicate"] * 7


def pair_state(clean_db, database, a, b):
    records, _, _ = clean_db.execute_query(
        "MATCH (x:User {id: $a}), (y:User {id: $b}) "
        "RETURN COUNT { (x)-[:CONNECTED_TO]->(y) } AS ab, COUNT { (y)-[:CONNECTED_TO]->(x) } AS ba, "
        "[(x)-[r:CONNECTION_REQUEST]->(y) | r.rejected IS NOT NULL] AS sent, "
        "[(y)-[r:CONNECTION_REQUEST]->(x) | r.rejected IS NOT NULL] AS received",
        a=a,
        b=b,
        database_=database,
    )
    return dict(records[0])


def event_log(clean_db, database):
    records, _, _ = clean_db.execute_query(
        "MATCH (e:Event) RETURN e.id AS id, e.type AS type, e.from_user_id AS f, e.to_user_id AS t "
        "ORDER BY e.id",
        database_=database,
    )
    return [(r["id"], r["type"], r["f"], r["t"]) for r in records]


def pair(event_id, kind, a, b, created=T):
    return event(event_id, kind, {"from_user": user(a), "to_user": user(b)}, created)


def test_connection_events_upsert_unknown_users_and_are_logged(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    resp = post(client, pair(10, "connection_request.created", 7, 8))
    assert resp.status_code == 200 and resp.json == {"status": "applied"}
    assert stored(clean_db, db, 7)["username"] == "sc7" and stored(clean_db, db, 8) is not None
    assert pair_state(clean_db, db, 7, 8) == {"ab": 0, "ba": 0, "sent": [False], "received": []}
    assert (
        post(client, pair(11, "connection_request.rejected", 7, 8, T + 1)).json["status"]
        == "applied"
    )
    assert pair_state(clean_db, db, 7, 8)["sent"] == [True]
    assert (
        post(client, pair(12, "connection_request.restored", 7, 8, T + 2)).json["status"]
        == "applied"
    )
    assert post(client, pair(13, "connection.created", 7, 8, T + 3)).json["status"] == "applied"
    assert pair_state(clean_db, db, 7, 8) == {"ab": 1, "ba": 1, "sent": [], "received": []}
    assert post(client, pair(14, "connection.deleted", 8, 7, T + 4)).json["status"] == "applied"
    assert pair_state(clean_db, db, 7, 8) == {"ab": 0, "ba": 0, "sent": [], "received": []}
    # Our own log says the same, with SelfCommunity's directions, one event per change.
    assert event_log(clean_db, db) == [
        (1, "connection_request.created", 7, 8),
        (2, "connection_request.rejected", 7, 8),
        (3, "connection_request.restored", 7, 8),
        (4, "connection.created", 7, 8),
        (5, "connection.deleted", 8, 7),
    ]
    # The connections list and counters agree (counters are ours, not the payload's 42).
    listed = client.simulate_get("/api/v2/user/7/connections/").json
    assert listed["count"] == 0


def test_a_late_retry_never_resurrects_a_deleted_connection(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    post(client, pair(1, "connection.created", 7, 8, T))
    post(client, pair(2, "connection.deleted", 7, 8, T + 60))
    late = post(client, pair(3, "connection.created", 7, 8, T + 30))  # a retry, hours late
    assert late.json == {"status": "stale"}
    assert pair_state(clean_db, db, 7, 8)["ab"] == 0
    assert [e[1] for e in event_log(clean_db, db)] == ["connection.created", "connection.deleted"]


def test_an_event_the_pair_already_reflects_changes_nothing_and_logs_nothing(
    client, clean_db, neo4j_settings
):
    db = neo4j_settings.neo4j_database
    post(client, pair(1, "connection.created", 7, 8, T))
    again = post(client, pair(2, "connection.created", 7, 8, T + 1))  # e.g. an echo
    assert again.json == {"status": "unchanged"}
    assert len(event_log(clean_db, db)) == 1


def test_a_connection_event_reaches_its_state_whatever_ours_was(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    post(client, pair(1, "connection_request.created", 8, 7, T))  # 8 asked 7 here
    # SelfCommunity says 7 asked 8 (we missed 8's cancel): ours converges to 7 -> 8.
    assert (
        post(client, pair(2, "connection_request.created", 7, 8, T + 1)).json["status"] == "applied"
    )
    assert pair_state(clean_db, db, 7, 8) == {"ab": 0, "ba": 0, "sent": [False], "received": []}
    assert [e[1:] for e in event_log(clean_db, db)][1:] == [
        ("connection_request.cancelled", 8, 7),
        ("connection_request.created", 7, 8),
    ]


def test_a_connection_event_without_two_valid_users_is_400(client, clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    same = post(client, pair(1, "connection.created", 7, 7))
    assert same.status_code == 400 and "two different users" in same.json["detail"]
    missing = post(client, event(2, "connection.created", {"from_user": user(7)}))
    assert missing.status_code == 400 and missing.json["detail"].startswith("data.to_user")
    assert received(clean_db, db) == [] and stored(clean_db, db, 7) is None


def metric(client, outcome: str) -> float:
    text = client.simulate_get("/metrics", headers={"Host": "127.0.0.1"}).text
    line = f'connections_webhooks_received_total{{outcome="{outcome}"}}'
    values = [float(row.split()[-1]) for row in text.splitlines() if row.startswith(line)]
    return sum(values)


def test_deliveries_are_counted_by_outcome_in_metrics(client, clean_db, neo4j_settings):
    before = {o: metric(client, o) for o in ("applied", "duplicate", "refused", "invalid")}
    body = event(1, "user.created", user(7))
    post(client, body)
    post(client, body)
    post(client, body, "t=1,v1=00")
    post(client, b"{")
    after = {o: metric(client, o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {
        "applied": 1,
        "duplicate": 1,
        "refused": 1,
        "invalid": 1,
    }
