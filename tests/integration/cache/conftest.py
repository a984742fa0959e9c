"""The cache against a real Neo4j and a real Redis: a cached app beside an uncached one."""

from __future__ import annotations

import dataclasses

import pytest
from falcon import testing

from service.api.app import create_app
from service.cache.client import CacheClient
from service.cache.layer import cached_graph
from service.domain import auth

SECRET = "integration-test-secret-0123456789abcdef"
WEBHOOK_SECRET = "whsec-cache-test-0123456789"


@pytest.fixture
def settings(neo4j_settings, redis_url):
    return dataclasses.replace(
        neo4j_settings,
        jwt_secret=SECRET,
        settings_refresh_seconds=1e-9,
        selfcommunity_webhook_secret=WEBHOOK_SECRET,
        redis_url=redis_url,
        cache_enabled=True,
    )


@pytest.fixture
def cache_client(settings, redis_client):
    """A cache client on the session's Redis, emptied first (redis_client flushes it)."""
    client = CacheClient(settings.redis_url, timeout=settings.cache_timeout)
    yield client
    client.close()


@pytest.fixture
def cached(graph, cache_client, settings):
    return cached_graph(graph, cache_client, settings)


@pytest.fixture
def client(settings, cached):
    """The API with the cache in its read path."""
    return testing.TestClient(create_app(settings, graph=cached))


@pytest.fixture
def truth(settings, graph):
    """The same API without the cache: every read from Neo4j."""
    return testing.TestClient(create_app(settings, graph=graph))


def token(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=600)}


def wait_port_free(port: int, timeout: float = 15.0) -> None:
    """A killed server's port can linger a moment; restart on it deliberately once it is free."""
    import time

    from service.ops.neo4j_server import port_is_free

    deadline = time.monotonic() + timeout
    while not port_is_free(port):
        assert time.monotonic() < deadline, f"port {port} still busy"
        time.sleep(0.05)


@pytest.fixture
def own_redis():
    """A managed Redis of this module's own on REDIS_TEST_PORT + 100 (killed and restarted on
    the same port by the tests, so what they check is the same server coming back)."""
    import os

    from service.config import RedisServerSettings
    from service.ops.redis_server import LocalRedis

    port = int(os.environ.get("REDIS_TEST_PORT", "16379")) + 100
    server = LocalRedis(RedisServerSettings.own_instance("cache-outage", port))
    server.stop()
    wait_port_free(port)
    server.start()
    yield server
    server.stop()
