"""The proof that webhooks keep two services in sync: B mirrors A through A's deliveries.

A (the test Neo4j) serves the lifecycle API and runs the delivery worker; B (its own Neo4j
instance) receives at /webhooks/selfcommunity/ through a proxy that refuses every 7th delivery.
Random lifecycle actions hit A over HTTP while A's worker and B's gunicorn are each killed -9 and
restarted once. Afterwards both graphs hold the same connections and requests, pair for pair.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.toolkit.http import request as call
from bench.toolkit.instances import neo4j_env
from bench.toolkit.launcher import Gunicorn
from bench.toolkit.processes import deliver_worker
from service.domain import auth
from service.graph import db
from service.graph.errors import GraphUnavailable
from service.graph.runner import Runner, Tuning
from service.graph.webhooks import WebhookStore
from tests.conftest import delete_everything, throwaway_instance
from tests.e2e.server import FlakyProxy
from tests.integration.seed import create_users, user_props
from tests.integration.webhooks.receiver import Receiver, Script

pytestmark = pytest.mark.e2e

USERS = 10
ACTIONS = 240
WEBHOOK_SECRET = "mirror-webhook-secret"
JWT_SECRET = "mirror-jwt-secret-0123456789abcdef0123"
ACTION_WEIGHTS = {
    "request": 5,
    "accept": 4,
    "reject": 2,
    "cancel_reject": 1,
    "cancel_request": 1,
    "remove": 2,
}


@pytest.fixture(scope="module")
def mirror_instance(neo4j_settings):
    """A second managed Neo4j instance (test ports + 400): `(settings, server)`, deleted after."""
    server, settings = throwaway_instance(neo4j_settings, "mirror", 400)
    server.start()
    with db.create_driver(settings) as driver:
        db.init_schema(driver, settings.neo4j_database)
    yield settings, server
    server.stop()
    shutil.rmtree(settings.server.home, ignore_errors=True)


@pytest.fixture
def mirror_settings(mirror_instance):
    settings, _ = mirror_instance
    with db.create_driver(settings) as driver:
        delete_everything(driver, settings.neo4j_database)
    return settings


def dump_pairs(driver, database) -> tuple[set, set]:
    """Connections as unordered pairs (both directions checked), requests as (from, to, rejected)."""
    records, _, _ = driver.execute_query(
        "MATCH (a:User)-[:CONNECTED_TO]->(b:User) RETURN a.id AS a, b.id AS b", database_=database
    )
    directed = {(r["a"], r["b"]) for r in records}
    assert all((b, a) in directed for a, b in directed), "a connection lacks its mirror direction"
    records, _, _ = driver.execute_query(
        "MATCH (a:User)-[r:CONNECTION_REQUEST]->(b:User) "
        "RETURN a.id AS a, b.id AS b, r.rejected IS NOT NULL AS rejected",
        database_=database,
    )
    requests = {(r["a"], r["b"], r["rejected"]) for r in records}
    return {(a, b) for a, b in directed if a < b}, requests


def test_b_mirrors_a_through_webhooks_despite_kills_and_refusals(
    clean_db, neo4j_settings, mirror_settings
):
    database = neo4j_settings.neo4j_database
    create_users(clean_db, database, [user_props(i) for i in range(1, USERS + 1)])
    graph = Runner(clean_db, database, Tuning(query_timeout=neo4j_settings.query_timeout))
    b_env = neo4j_env(
        mirror_settings, SELFCOMMUNITY_WEBHOOK_SECRET=WEBHOOK_SECRET, JWT_SECRET="b-" + JWT_SECRET
    )
    b = Gunicorn(b_env).start()
    proxy = FlakyProxy(b.base, fail_every=7)
    WebhookStore(graph).add_subscriber(
        proxy.url + "/webhooks/selfcommunity/", WEBHOOK_SECRET, [], False, time.time()
    )
    a_env = neo4j_env(
        neo4j_settings,
        JWT_SECRET=JWT_SECRET,
        WEBHOOK_RETRY_SCALE="0.01",
        WEBHOOK_POLL_SECONDS="0.05",
    )
    a = Gunicorn(a_env).start()
    worker = deliver_worker(a_env).start()
    rng = random.Random(11)
    tokens = {u: auth.mint_token(u, JWT_SECRET, ttl_seconds=600) for u in range(1, USERS + 1)}
    statuses: list[int] = []

    def act(i: int) -> int:
        actor, other = rng.sample(range(1, USERS + 1), 2)
        action = rng.choices(list(ACTION_WEIGHTS), weights=list(ACTION_WEIGHTS.values()))[0]
        url = f"{a.base}/api/v2/user/{other}/connection/{action}/"
        return call(url, {"Authorization": f"Bearer {tokens[actor]}"}, "POST", b"")[0]

    try:
        with ThreadPoolExecutor(4) as pool:
            statuses += pool.map(act, range(ACTIONS // 3))
            worker.kill9()  # mid-delivery, most likely
            worker.start()
            statuses += pool.map(act, range(ACTIONS // 3))
            b.kill9()  # the receiver goes away: deliveries fail and are retried
            time.sleep(1.0)
            b.start()
            statuses += pool.map(act, range(ACTIONS - 2 * (ACTIONS // 3)))
        assert set(statuses) <= {200, 400}, statuses
        assert statuses.count(200) > ACTIONS // 3
        store = WebhookStore(graph)
        records, _, _ = clean_db.execute_query(
            "MATCH (e:Event) RETURN max(e.id) AS last", database_=database
        )
        last = records[0]["last"]
        deadline = time.monotonic() + 90
        while store.list_subscribers()[0]["cursor"] < last:
            assert time.monotonic() < deadline, store.list_subscribers()
            time.sleep(0.2)
        assert store.list_failures() == []
    finally:
        worker.stop()
        a.stop()
        b.stop()
        proxy.close()
    assert proxy.refused > 0  # some deliveries really were refused and retried
    with db.create_driver(mirror_settings) as b_driver:
        assert dump_pairs(b_driver, database) == dump_pairs(clean_db, database)
        lag = received_lag(clean_db, b_driver, database)
    print(f"\nwebhook mirror: {last} events; lag p50 {lag[0]:.0f} ms, max {lag[1]:.0f} ms")


def received_lag(a_driver, b_driver, database) -> tuple[float, float]:
    """Change on A (event created) -> applied on B (received_at), in ms: median and max."""
    created, _, _ = a_driver.execute_query(
        "MATCH (e:Event) RETURN e.id AS id, e.created AS created", database_=database
    )
    received, _, _ = b_driver.execute_query(
        "MATCH (r:ReceivedEvent) RETURN r.event_id AS id, r.received_at AS at", database_=database
    )
    at = {r["id"]: r["at"] for r in received}
    lags = sorted(
        (at[r["id"]] - r["created"].to_native().timestamp()) * 1000
        for r in created
        if r["id"] in at
    )
    return lags[len(lags) // 2], lags[-1]


def test_kill_9_of_neo4j_mid_delivery_loses_nothing(mirror_instance, mirror_settings):
    """The worker's own Neo4j dies under it: deliveries resume after the restart, none lost."""
    _, server = mirror_instance
    database = mirror_settings.neo4j_database
    events = 12
    with db.create_driver(mirror_settings) as driver:
        create_users(driver, database, [user_props(i) for i in (1, 2)])
        driver.execute_query(
            "UNWIND range(1, $n) AS i CREATE (:Event {id: i, type: 'connection.created', "
            "created: datetime(), from_user_id: 1, to_user_id: 2})",
            n=events,
            database_=database,
        )
        graph = Runner(driver, database)
        with Receiver() as receiver:
            receiver.script = Script(delay=0.3)
            WebhookStore(graph).add_subscriber(receiver.url, "s", [], True, time.time())
            env = neo4j_env(mirror_settings, WEBHOOK_POLL_SECONDS="0.1")
            worker = deliver_worker(env).start()
            try:
                receiver.wait_for(4, timeout=60)
                server.kill()  # mid-delivery: the 5th is in flight
                server.start()
                deadline = time.monotonic() + 120
                while True:
                    try:
                        if WebhookStore(graph).list_subscribers()[0]["cursor"] == events:
                            break
                    except GraphUnavailable:
                        pass
                    assert time.monotonic() < deadline, "deliveries did not resume"
                    time.sleep(0.3)
                assert worker.proc.poll() is None  # the worker rode out the outage
            finally:
                worker.stop()
            ids = [json.loads(r.body)["event_id"] for r in receiver.received]
    assert sorted(set(ids)) == list(range(1, events + 1))  # nothing lost
    assert len(ids) - len(set(ids)) <= 1 and ids == sorted(ids)
