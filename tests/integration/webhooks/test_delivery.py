"""Webhooks out, against real Neo4j and a real HTTP receiver: order, signature, retries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.domain.schemas import UserSchema
from service.graph.webhooks import WebhookStore
from service.webhooks import signature
from service.webhooks.delivery import MAX_ATTEMPTS, RETRY_DELAYS, DeliveryWorker
from tests.integration.seed import create_users, user_props
from tests.integration.webhooks.receiver import Receiver, Script

ROOT = Path(__file__).resolve().parents[3]
SECRET = "subscriber-secret"
T0 = 1_700_000_000.0


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def log_events(driver, database, events):
    """Events as the lifecycle's event log holds them: `(from, to, type)` with ids 1, 2, ..."""
    rows = [
        {"id": i, "type": kind, "created": T0 + i / 10, "from": a, "to": b}
        for i, (a, b, kind) in enumerate(events, start=1)
    ]
    driver.execute_query(
        "UNWIND $rows AS row CREATE (:Event {id: row.id, type: row.type, created: row.created, "
        "from_user_id: row.from, to_user_id: row.to})",
        rows=rows,
        database_=database,
    )


@pytest.fixture
def store(graph, clean_db, neo4j_settings):
    create_users(clean_db, neo4j_settings.neo4j_database, [user_props(i) for i in (1, 2, 3)])
    return WebhookStore(graph.runner)


def drain(worker, subscriber_id, limit=50):
    """Step until the subscriber is up to date (or waits for a retry)."""
    for _ in range(limit):
        wait = worker.step(subscriber_id)
        if wait != 0.0:
            return wait
    raise AssertionError("worker never caught up")


def test_subscribers_are_added_listed_and_removed(store, clean_db, neo4j_settings):
    log_events(clean_db, neo4j_settings.neo4j_database, [(1, 2, "connection.created")])
    new = store.add_subscriber("http://127.0.0.1:1/a", SECRET, [], False, T0)
    replay = store.add_subscriber("http://127.0.0.1:1/b", SECRET, ["connection.deleted"], True, T0)
    assert new == {"id": 1, "url": "http://127.0.0.1:1/a", "events": []}
    assert replay["id"] == 2 and replay["events"] == ["connection.deleted"]
    rows = store.list_subscribers()
    assert [(r["id"], r["cursor"]) for r in rows] == [(1, 1), (2, 0)]
    assert all("secret" not in r for r in rows)
    assert store.remove_subscriber(1) is True
    assert store.remove_subscriber(1) is False
    assert store.subscriber_ids() == [2]


def test_every_event_goes_out_in_order_signed_with_full_users(store, clean_db, neo4j_settings):
    log_events(
        clean_db,
        neo4j_settings.neo4j_database,
        [
            (1, 2, "connection_request.created"),
            (1, 2, "connection.created"),
            (2, 3, "connection_request.created"),
        ],
    )
    with Receiver() as receiver:
        sub = store.add_subscriber(receiver.url, SECRET, [], True, T0)
        worker = DeliveryWorker(store, poll_interval=0.01)
        assert drain(worker, sub["id"]) == 0.01
        got = receiver.received
    assert [json.loads(r.body)["event_id"] for r in got] == [1, 2, 3]
    first = json.loads(got[0].body)
    assert set(first) == {"event_id", "type", "created", "data"}
    assert first["type"] == "connection_request.created"
    assert first["created"] == pytest.approx(T0 + 0.1)
    assert set(first["data"]) == {"from_user", "to_user"}
    assert list(first["data"]["from_user"]) == list(UserSchema().dump_fields)
    assert first["data"]["from_user"]["id"] == 1 and first["data"]["to_user"]["id"] == 2
    assert first["data"]["from_user"]["username"] == "user1"
    for r in got:
        assert r.path == "/hook/" and r.headers["Content-Type"] == "application/json"
        signature.verify(r.headers[signature.HEADER], r.body, SECRET, 300)
    assert [r["cursor"] for r in store.list_subscribers()] == [3]


def test_a_subscriber_gets_only_its_event_types(store, clean_db, neo4j_settings):
    log_events(
        clean_db,
        neo4j_settings.neo4j_database,
        [
            (1, 2, "connection_request.created"),
            (1, 2, "connection.created"),
            (1, 2, "connection.deleted"),
        ],
    )
    with Receiver() as receiver:
        sub = store.add_subscriber(receiver.url, SECRET, ["connection.deleted"], True, T0)
        drain(DeliveryWorker(store), sub["id"])
        assert [json.loads(r.body)["type"] for r in receiver.received] == ["connection.deleted"]


def test_a_new_subscriber_gets_only_what_is_logged_after_it(store, clean_db, neo4j_settings):
    database = neo4j_settings.neo4j_database
    log_events(clean_db, database, [(1, 2, "connection.created")])
    with Receiver() as receiver:
        sub = store.add_subscriber(receiver.url, SECRET, [], False, T0)
        worker = DeliveryWorker(store)
        drain(worker, sub["id"])
        assert receiver.received == []
        clean_db.execute_query(
            "CREATE (:Event {id: 2, type: 'connection.deleted', created: $t, "
            "from_user_id: 2, to_user_id: 1})",
            t=T0 + 5,
            database_=database,
        )
        drain(worker, sub["id"])
        assert [json.loads(r.body)["event_id"] for r in receiver.received] == [2]


def test_failures_retry_on_schedule_signed_afresh_then_give_up(store, clean_db, neo4j_settings):
    log_events(
        clean_db,
        neo4j_settings.neo4j_database,
        [(1, 2, "connection.created"), (1, 3, "connection.created")],
    )
    clock = Clock()
    scale = 0.5
    with Receiver() as receiver:
        receiver.script = Script(statuses=[500] * MAX_ATTEMPTS + [204])
        sub = store.add_subscriber(receiver.url, SECRET, [], True, T0)
        worker = DeliveryWorker(store, retry_scale=scale, clock=clock)
        for attempt, delay in enumerate(RETRY_DELAYS, start=1):
            assert worker.step(sub["id"]) == 0.0  # attempt made, failed
            assert len(receiver.received) == attempt
            state = store.list_subscribers()[0]
            assert state["attempts"] == attempt and state["last_status"] == 500
            assert state["next_attempt_at"] == pytest.approx(clock.now + delay * scale)
            clock.now += delay * scale - 0.01
            assert worker.step(sub["id"]) == pytest.approx(0.01)  # not yet due
            assert len(receiver.received) == attempt
            clock.now += 0.01
        assert worker.step(sub["id"]) == 0.0  # the sixth attempt fails: given up
        assert len(receiver.received) == MAX_ATTEMPTS
        failures = store.list_failures()
        assert [
            (f["subscriber_id"], f["event_id"], f["attempts"], f["last_status"]) for f in failures
        ] == [(sub["id"], 1, MAX_ATTEMPTS, 500)]
        drain(worker, sub["id"])  # the cursor moved on: event 2 goes out at once
        bodies = [json.loads(r.body)["event_id"] for r in receiver.received]
        assert bodies == [1] * MAX_ATTEMPTS + [2]
        stamps = [
            r.headers[signature.HEADER].split(",")[0] for r in receiver.received[:MAX_ATTEMPTS]
        ]
        assert len(set(stamps)) == MAX_ATTEMPTS  # every attempt signed with its own t


def test_redirects_are_failures_and_not_followed(store, clean_db, neo4j_settings):
    log_events(clean_db, neo4j_settings.neo4j_database, [(1, 2, "connection.created")])
    with Receiver() as receiver:
        receiver.script = Script(statuses=[302], location=receiver.url + "elsewhere/")
        sub = store.add_subscriber(receiver.url, SECRET, [], True, T0)
        DeliveryWorker(store).step(sub["id"])
        time.sleep(0.2)
        assert [r.path for r in receiver.received] == ["/hook/"]
    state = store.list_subscribers()[0]
    assert (state["cursor"], state["attempts"], state["last_status"]) == (0, 1, 302)


def test_a_timeout_or_refused_connection_is_a_failed_attempt(store, clean_db, neo4j_settings):
    log_events(clean_db, neo4j_settings.neo4j_database, [(1, 2, "connection.created")])
    with Receiver() as receiver:
        receiver.script = Script(delay=1.0)
        slow = store.add_subscriber(receiver.url, SECRET, [], True, T0)
        DeliveryWorker(store, timeout=0.3).step(slow["id"])
    refused = store.add_subscriber("http://127.0.0.1:9/none/", SECRET, [], True, T0)
    DeliveryWorker(store).step(refused["id"])
    states = {s["id"]: s for s in store.list_subscribers()}
    assert states[slow["id"]]["attempts"] == 1 and "timed out" in states[slow["id"]]["last_error"]
    assert states[refused["id"]]["attempts"] == 1
    assert "Connection" in states[refused["id"]]["last_error"]


def test_kill_9_of_the_worker_resends_at_most_the_event_in_flight(store, clean_db, neo4j_settings):
    events = [(1, 2, "connection.created"), (1, 2, "connection.deleted")] * 5
    log_events(clean_db, neo4j_settings.neo4j_database, events)
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings.neo4j_uri,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password,
        "NEO4J_DATABASE": neo4j_settings.neo4j_database,
        "WEBHOOK_POLL_SECONDS": "0.1",
    }
    command = [sys.executable, "-m", "service.cli", "webhooks", "deliver"]
    with Receiver() as receiver:
        receiver.script = Script(delay=0.4)  # slow enough to kill mid-delivery
        store.add_subscriber(receiver.url, SECRET, [], True, T0)
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            receiver.wait_for(4)
            time.sleep(0.2)  # the fourth is in flight
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            worker = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while store.list_subscribers()[0]["cursor"] < len(events):
                assert time.monotonic() < deadline, "the restarted worker did not catch up"
                time.sleep(0.1)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=15)
    ids = [json.loads(r.body)["event_id"] for r in receiver.received]
    assert sorted(set(ids)) == list(range(1, len(events) + 1))  # nothing lost
    assert len(ids) - len(set(ids)) <= 1  # at most the in-flight event twice
    assert ids == sorted(ids)  # in order, even across the restart
    assert store.list_subscribers()[0]["cursor"] == len(events)
