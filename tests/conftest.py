"""Shared fixtures: a real Neo4j and a real Redis for integration tests, chosen once per session.

Neo4j: NEO4J_URI if set; else a testcontainers Neo4j when a Docker engine answers; else the
project's own managed local server (instance `test`, its own ports and data, never the dev one).
Redis: REDIS_URL if set; else the managed local Redis instance `test` (REDIS_TEST_PORT).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess

import pytest
from falcon import testing as falcon_testing

from service.config import Neo4jServerSettings, RedisServerSettings, Settings
from service.graph import cypher, db
from service.graph.layer import open_graph
from service.graph.runner import Tuning

TEST_IMAGE = "neo4j:5.26-community"

# Falcon's TestClient sends `Host: falconframework.org` and the tests assert links built from
# it; the allow-list itself is tested in tests/unit/api/test_operating.py.
os.environ.setdefault("ALLOWED_HOSTS", f"127.0.0.1,localhost,{falcon_testing.helpers.DEFAULT_HOST}")
# Apps built from the environment (and the gunicorns of e2e tests) run without the cache
# unless a test turns it on with its own Redis (tests/integration/cache/, tests/e2e).
os.environ.setdefault("CACHE_ENABLED", "false")


def docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def managed_server_settings() -> Neo4jServerSettings:
    """The managed server the tests use: separate instance, ports and data from `make run`'s."""
    env = os.environ
    return Neo4jServerSettings.own_instance(
        "test",
        env.get("NEO4J_TEST_BOLT_PORT", "17687"),
        env.get("NEO4J_TEST_HTTP_PORT", "17474"),
        NEO4J_HEAP=env.get("NEO4J_HEAP", "768m"),
        NEO4J_PAGECACHE=env.get("NEO4J_PAGECACHE", "512m"),
        # Loads into the managed server wait for its next checkpoint; keep that short here.
        NEO4J_CHECKPOINT_INTERVAL=env.get("NEO4J_CHECKPOINT_INTERVAL", "5"),
    )


def throwaway_instance(neo4j_settings, name: str, port_offset: int, **env_extra: str):
    """`(server, settings)` for a managed instance of a test's own (not started yet), on the test
    ports + `port_offset`, so tests that kill or replace Neo4j never touch the shared one."""
    from bench.toolkit.instances import own_neo4j

    env = os.environ
    return own_neo4j(
        name,
        int(env.get("NEO4J_TEST_BOLT_PORT", "17687")) + port_offset,
        int(env.get("NEO4J_TEST_HTTP_PORT", "17474")) + port_offset,
        base=neo4j_settings,
        **{"NEO4J_HEAP": "512m", "NEO4J_PAGECACHE": "128m", **env_extra},
    )


def without_rate_limits(settings: Settings) -> Settings:
    """The suite's settings leave rate limits off (their Redis would be the dev one): the tests
    of the limits (tests/integration/api/test_rate_limits.py) switch them on, on the test Redis."""
    return dataclasses.replace(settings, rate_limits_enabled=False)


def point_the_cli_at(monkeypatch, settings: Settings) -> dict:
    """The environment a `connections` command run by a test (or a job it starts) sees: the
    session's Neo4j; returned as a dict for a child process."""
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", settings.neo4j_database)
    return dict(os.environ)


@pytest.fixture(scope="session")
def neo4j_settings():
    """Settings pointing at a real, running Neo4j for the whole session."""
    if os.environ.get("NEO4J_URI"):
        yield without_rate_limits(Settings.from_env())
        return
    if docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        password = "test-password-123"
        with Neo4jContainer(TEST_IMAGE, password=password) as container:
            yield dataclasses.replace(
                without_rate_limits(Settings.from_env()),
                neo4j_uri=container.get_connection_url(),
                neo4j_password=password,
                neo4j_external=True,
            )
        return
    from service.ops.neo4j_server import LocalNeo4j

    server_settings = managed_server_settings()
    server = LocalNeo4j(server_settings)
    already_running = server.pid() is not None
    server.start()
    yield dataclasses.replace(
        without_rate_limits(Settings.from_env()),
        neo4j_uri=server_settings.bolt_uri,
        neo4j_password=server_settings.resolve_password(),
        server=server_settings,
    )
    if not already_running and not os.environ.get("CONNECTIONS_KEEP_NEO4J"):
        server.stop()


@pytest.fixture(scope="session")
def driver(neo4j_settings):
    with db.create_driver(neo4j_settings) as drv:
        drv.verify_connectivity()
        db.init_schema(drv, neo4j_settings.neo4j_database)
        yield drv


def delete_everything(drv, database: str) -> None:
    with drv.session(database=database) as session:
        session.run(cypher.query("admin/delete_all")).consume()


@pytest.fixture
def clean_db(driver, neo4j_settings):
    """An empty graph for each test that asks for it."""
    delete_everything(driver, neo4j_settings.neo4j_database)
    yield driver


@pytest.fixture
def graph(clean_db, neo4j_settings):
    tuning = Tuning(query_timeout=neo4j_settings.query_timeout)
    return open_graph(clean_db, neo4j_settings.neo4j_database, tuning)


def managed_redis_settings() -> RedisServerSettings:
    """The managed Redis the tests use: instance `test` on REDIS_TEST_PORT, never the dev one."""
    return RedisServerSettings.own_instance(
        "test", os.environ.get("REDIS_TEST_PORT", "16379"), REDIS_MAXMEMORY="128mb"
    )


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a real, running Redis for the whole session (flush it in a test before use)."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from service.ops.redis_server import LocalRedis

    server = LocalRedis(managed_redis_settings())
    already_running = server.pid() is not None
    server.start()
    yield server.settings.url
    if not already_running and not os.environ.get("CONNECTIONS_KEEP_NEO4J"):
        server.stop()


@pytest.fixture
def redis_client(redis_url):
    """A redis-py client on the session's Redis, emptied first."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice), for a server of a test's own."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def throwaway_redis():
    """A managed Redis of the test's own on a free port, for tests that `kill()` it (SIGKILL,
    as a crash would) and `start()` it again; stopped afterwards."""
    from service.ops.redis_server import LocalRedis

    server = LocalRedis(RedisServerSettings.own_instance("test-throwaway", free_port()))
    server.start()
    yield server
    server.stop()
