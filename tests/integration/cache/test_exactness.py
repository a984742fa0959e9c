"""Exact after every write: the cached API answers what the uncached one does, read for read.

Every read is served warm from the cache first (so a missed invalidation would show), then
each write path runs, and the same reads are compared between the cached app and an app that
reads Neo4j only: lifecycle actions, mark_seen, webhook events (user upsert and deletion,
connection events), a bulk import, and `sync`.
"""

from __future__ import annotations

import json
import random
import time

import pytest
from prometheus_client import REGISTRY

from service.cli.cache import everything_changed
from service.domain import auth
from service.webhooks import signature
from tests.integration.cache.conftest import SECRET, WEBHOOK_SECRET, token
from tests.integration.seed import BASE, connect, create_users, request, user_props

USERS = range(1, 11)


@pytest.fixture
def db(graph, neo4j_settings):
    driver, database = graph.driver, neo4j_settings.neo4j_database
    create_users(driver, database, [user_props(i) for i in USERS])
    day = BASE.replace(year=2025)
    connect(driver, database, [(1, 2, day), (1, 3, day), (2, 3, day), (3, 4, day), (4, 5, day)])
    connect(driver, database, [(1, 6, day.replace(month=2)), (6, 7, day), (7, 8, day)])
    request(driver, database, [(5, 1), (8, 1), (1, 9)])
    return driver, database


def reads(users, viewers) -> list[tuple[str, str, dict | None, bytes | None]]:
    """(method, path, headers, body) of every read that shows these users to these viewers."""
    out = []
    for viewer in viewers:
        headers = token(viewer) if viewer else None
        for user in users:
            out.append(("GET", f"/api/v2/user/{user}/connections/?limit=3", headers, None))
            out.append(("GET", f"/api/v2/user/{user}/", headers, None))
            out.append(("GET", f"/api/v2/user/{user}/counters/", headers, None))
            if viewer:
                out.append(("GET", f"/api/v2/user/{user}/connection_status/", headers, None))
        if viewer:
            body = json.dumps({"users": list(users)}).encode()
            out.append(("POST", "/api/v2/user/connection/statuses/", headers, body))
            for tail in ("requests", "requests_sent"):
                out.append(("GET", f"/api/v2/user/connection/{tail}/?limit=5", headers, None))
    return out


def suggestion_reads(viewers) -> list:
    return [("GET", "/api/v2/suggestion/user/?limit=5", token(v), None) for v in viewers if v]


def answer(app, method, path, headers, body):
    headers = {**(headers or {}), "Content-Type": "application/json"}
    resp = app.simulate_request(method, path, headers=headers, body=body)
    return resp.status_code, resp.json


def differences(client, truth, users, viewers) -> list:
    """The reads where the cached app's answer is not Neo4j's."""
    wrong = []
    for method, path, headers, body in reads(users, viewers):
        expected = answer(truth, method, path, headers, body)
        got = answer(client, method, path, headers, body)
        if got != expected:
            wrong.append((method, path, headers and "viewer", got, expected))
    return wrong


def warm(client, users, viewers) -> None:
    for method, path, headers, body in reads(users, viewers) + suggestion_reads(viewers):
        answer(client, method, path, headers, body)


def never_suggested(driver, database, viewer: int) -> set[int]:
    """Whom the viewer must never be suggested: connections and requests either way."""
    records, _, _ = driver.execute_query(
        "MATCH (v:User {id: $id})-[:CONNECTED_TO|CONNECTION_REQUEST]-(o) RETURN DISTINCT o.id AS id",
        id=viewer,
        database_=database,
    )
    return {r["id"] for r in records} | {viewer}


def wrong_suggestions(client, db, viewers) -> list:
    """Cached suggestions (stale ranking allowed for a TTL) that break the never-rule."""
    wrong = []
    for method, path, headers, body in suggestion_reads(viewers):
        status, page = answer(client, method, path, headers, body)
        assert status == 200, page
        viewer = int(auth.decode_token(headers["Authorization"][7:], SECRET))
        bad = {u["id"] for u in page["results"]} & never_suggested(*db, viewer)
        if bad:
            wrong.append((viewer, bad))
    return wrong


def hits(kind: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "connections_cache_requests_total", {"kind": kind, "outcome": "hit"}
        )
        or 0.0
    )


ALL = (1, 2, 3, 5, 6, 9)
VIEWERS = (None, 1, 5)


def test_cached_answers_are_neo4js_and_come_from_the_cache(db, client, truth):
    warm(client, ALL, VIEWERS)
    before = {kind: hits(kind) for kind in ("page", "user", "pair", "requests", "viewer")}
    assert differences(client, truth, ALL, VIEWERS) == []
    # The second pass was served from the cache.
    assert all(hits(kind) > before[kind] for kind in before), before


ACTIONS = ("request", "accept", "reject", "cancel_reject", "cancel_request", "remove", "mark_seen")


def act(client, actor: int, action: str, other: int) -> int:
    path = (
        f"/api/v2/user/{other}/connection_requests/mark_seen/"
        if action == "mark_seen"
        else f"/api/v2/user/{other}/connection/{action}/"
    )
    return client.simulate_post(path, headers=token(actor)).status_code


def test_every_lifecycle_action_is_seen_by_the_next_read(db, client, truth):
    rng = random.Random(18)
    changed = 0
    for _ in range(16):
        actor, other = rng.sample([1, 2, 3, 5, 6, 8, 9], 2)
        # The users around the pair too: their pages list the pair with its counters.
        around = (actor, other, 3)
        viewers = (None, actor, other)
        warm(client, around, viewers)
        status = act(client, actor, rng.choice(ACTIONS), other)
        assert status in (200, 204, 400), status
        changed += status in (200, 204)
        assert differences(client, truth, around, viewers) == []
        assert wrong_suggestions(client, db, viewers) == []
    assert changed > 5


def test_the_comparison_catches_a_missed_invalidation(db, client, truth, cached):
    """The check above can fail: with invalidation switched off, the stale page shows."""
    warm(client, (1, 2), (None, 1, 2))
    cached.invalidation.users_changed = lambda ids: None  # type: ignore[method-assign]
    assert act(client, 1, "remove", 2) == 200
    assert differences(client, truth, (1, 2), (None, 1, 2)) != []


def signed(body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "SelfCommunity-Signature": signature.sign(WEBHOOK_SECRET, body),
    }


def sc_user(user_id: int, **fields) -> dict:
    """A User object as SelfCommunity sends it."""
    base = {k: v for k, v in user_props(user_id).items() if k not in ("tags_json", "is_staff")}
    base["date_joined"] = base["date_joined"].isoformat()
    base["date_of_birth"] = base["date_of_birth"].isoformat()
    base["ext_id"] = str(base["ext_id"])
    return {**base, "tags": [], **fields}


def webhook(client, event_id: int, kind: str, data: dict, created: float) -> None:
    body = json.dumps(
        {"event_id": event_id, "type": kind, "created": created, "data": data}
    ).encode()
    resp = client.simulate_post("/webhooks/selfcommunity/", body=body, headers=signed(body))
    assert resp.status_code in (200, 202, 204), resp.text


def test_webhook_events_are_seen_by_the_next_read(db, client, truth):
    created = time.time() - 3600  # in the past: a future `created` is refused (issue 19)
    steps = [
        ("user.updated", sc_user(2, username="renamed2", posts_counter=9)),
        ("connection.created", {"from_user": sc_user(5), "to_user": sc_user(1)}),
        ("connection_request.created", {"from_user": sc_user(4), "to_user": sc_user(1)}),
        ("user.deleted", sc_user(3)),
        ("connection.deleted", {"from_user": sc_user(1), "to_user": sc_user(6)}),
    ]
    for event_id, (kind, data) in enumerate(steps, start=1):
        warm(client, ALL, VIEWERS)
        webhook(client, event_id, kind, data, created + event_id)
        assert differences(client, truth, ALL, VIEWERS) == [], kind
        assert wrong_suggestions(client, db, VIEWERS) == [], kind


def test_a_bulk_import_is_seen_by_the_next_read(db, client, truth, settings, tmp_path):
    from service.ingest.importing import Importer

    warm(client, ALL, VIEWERS)
    users = tmp_path / "users.jsonl"
    users.write_text(json.dumps(sc_user(4, username="imported4")) + "\n")
    connections = tmp_path / "connections.csv"
    connections.write_text("user_id,other_id,created_at\n4,1,2026-01-01T00:00:00Z\n")
    driver, database = db
    Importer(driver, database, progress=False).import_files(users, connections, None)
    everything_changed(settings)  # what `connections import` does once the files are in
    assert differences(client, truth, ALL, VIEWERS) == []


def test_sync_invalidates_each_event(db, client, truth, settings, tmp_path, monkeypatch):
    from service.cli import main

    warm(client, ALL, VIEWERS)
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps(
            {
                "event_id": 77,
                "type": "connection.created",
                "created": time.time() - 60,
                "data": {"from_user": sc_user(9), "to_user": sc_user(1)},
            }
        )
        + "\n"
    )
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.neo4j_password)
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    monkeypatch.setenv("CACHE_ENABLED", "true")
    assert main(["sync", "--events", str(events)]) == 0
    assert differences(client, truth, ALL, VIEWERS) == []


def test_pages_past_the_cached_head_are_read_from_neo4j(db, client, truth):
    path = "/api/v2/user/1/connections/?limit=3&offset=999"
    assert answer(client, "GET", path, None, None) == answer(truth, "GET", path, None, None)
