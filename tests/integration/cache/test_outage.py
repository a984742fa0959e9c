"""Fails safe: Redis killed (`kill -9`) or frozen under load; nothing stale once it is back."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time

from falcon import testing

from service.api.app import create_app
from service.cache.client import CacheClient
from service.cache.layer import cached_graph
from tests.integration.cache.conftest import token, wait_port_free
from tests.integration.seed import BASE, connect, create_users, user_props


def seed(graph, database):
    create_users(graph.driver, database, [user_props(i) for i in range(1, 9)])
    connect(graph.driver, database, [(1, i, BASE) for i in range(2, 8)])


class TimedCacheClient(CacheClient):
    """The real client, timing every call to Redis: the wait a request spends on the cache."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[float, float]] = []  # (start, seconds)

    def run(self, work):
        started = time.monotonic()
        try:
            return super().run(work)
        finally:
            self.calls.append((started, time.monotonic() - started))


def app_on(own_redis, graph, settings):
    settings = dataclasses.replace(settings, redis_url=own_redis.settings.url)
    client = TimedCacheClient(settings.redis_url, settings.cache_timeout)
    cached = cached_graph(graph, client, settings)
    return testing.TestClient(create_app(settings, graph=cached)), client


def ids(client, user: int) -> list[int]:
    return [
        u["id"] for u in client.simulate_get(f"/api/v2/user/{user}/connections/").json["results"]
    ]


def test_kill_9_under_load_no_5xx_no_wait_and_nothing_stale_after(
    own_redis, graph, neo4j_settings, settings
):
    seed(graph, neo4j_settings.neo4j_database)
    client, cache = app_on(own_redis, graph, settings)
    # The reads the outage sends to Neo4j, planned first (a fresh Neo4j plans a query in
    # ~0.3 s the first time it sees it: that is not a wait on the dead cache).
    uncached = testing.TestClient(create_app(settings, graph=graph))
    for user in range(1, 9):
        for path in (f"/api/v2/user/{user}/connections/", f"/api/v2/user/{user}/"):
            assert uncached.simulate_get(path, headers=token(3)).status_code == 200
    assert 2 in ids(client, 1)
    assert client.simulate_get("/health/ready").json["cache"] == {"state": "up"}
    stop = threading.Event()
    samples: list[tuple[float, float, int]] = []  # (start, seconds, status)

    def load(n: int) -> None:
        i = n
        while not stop.is_set():
            path = (f"/api/v2/user/{1 + i % 8}/connections/", f"/api/v2/user/{1 + i % 8}/")[i % 2]
            started = time.monotonic()
            status = client.simulate_get(path, headers=token(3)).status_code
            samples.append((started, time.monotonic() - started, status))
            i += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    own_redis.kill()  # SIGKILL
    time.sleep(1.5)
    # A write while the cache is dead: its invalidation is lost (the worker is now dirty).
    resp = client.simulate_post("/api/v2/user/2/connection/remove/", headers=token(1))
    assert resp.status_code == 200
    assert client.simulate_get("/health/ready").json["cache"]["state"] == "dirty"
    time.sleep(0.5)
    wait_port_free(own_redis.settings.port)
    own_redis.start()  # the same port, deliberately: the nodes' REDIS_URL does not change
    back_at = time.monotonic()
    time.sleep(1.5)  # past CACHE_RETRY_SECONDS: the breaker tries again
    stop.set()
    for thread in threads:
        thread.join(30)

    assert {status for _, _, status in samples} == {200}, "no 5xx, no error at all"
    during = sorted(seconds for started, seconds, _ in samples if killed_at <= started < back_at)
    assert len(during) > 20
    # No call waited on the dead cache more than one short timeout (CACHE_TIMEOUT, 50 ms)...
    waits = sorted(s for started, s in cache.calls if killed_at <= started < back_at)
    assert len(waits) > 20 and waits[-1] < 0.1, waits[-5:]
    # ...and no request piled up behind it (the rest of a request is Neo4j on a busy box).
    assert during[-1] < 1.0, during[-5:]
    # Back: the write made during the outage is served, on every read.
    assert 2 not in ids(client, 1)
    assert client.simulate_get("/health/ready").json["cache"] == {"state": "up"}
    assert 2 not in ids(client, 1)  # and from the cache again


def test_a_frozen_cache_times_out_and_a_lost_invalidation_rotates_the_epoch(
    own_redis, graph, neo4j_settings, settings
):
    """SIGSTOP: Redis keeps its entries but answers nobody. A write on node A cannot
    invalidate; once Redis answers, A rotates the epoch before using it, so node B (which
    filled entries before the write) never serves them."""
    seed(graph, neo4j_settings.neo4j_database)
    node_a, _ = app_on(own_redis, graph, settings)
    node_b, _ = app_on(own_redis, graph, settings)
    assert 2 in ids(node_b, 1) and 2 in ids(node_b, 1)  # filled, then a hit
    pid = own_redis.pid()
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        resp = node_a.simulate_post("/api/v2/user/2/connection/remove/", headers=token(1))
        assert resp.status_code == 200
        assert time.monotonic() - started < 0.5  # one 50 ms timeout, not a hang
        started = time.monotonic()
        assert 2 not in ids(node_a, 1)  # from Neo4j, the breaker open
        assert time.monotonic() - started < 0.5
    finally:
        os.kill(pid, signal.SIGCONT)
    time.sleep(1.1)  # CACHE_RETRY_SECONDS
    assert 2 not in ids(node_a, 1)  # A's first use rotates the epoch
    assert 2 not in ids(node_b, 1)  # so B's old entries are misses
