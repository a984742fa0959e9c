"""Neo4j unreachable or too slow: the graph layer raises GraphUnavailable, the API answers 503."""

from __future__ import annotations

import dataclasses
import socket
import time

import pytest
from falcon import testing

from service.api.app import create_app
from service.graph import db
from service.graph.errors import GraphUnavailable
from service.graph.layer import open_graph
from service.graph.runner import Runner, Tuning


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket goes


@pytest.fixture
def dead_settings(neo4j_settings):
    return dataclasses.replace(
        neo4j_settings,
        neo4j_uri=f"neo4j://127.0.0.1:{closed_port()}",
        jwt_secret="x" * 32,
        neo4j_connection_timeout=1.0,
    )


def test_unreachable_neo4j_is_503_quickly(dead_settings):
    app = create_app(dead_settings)  # the real driver, pointed at a closed port
    client = testing.TestClient(app)
    started = time.monotonic()
    resp = client.simulate_get("/api/v2/user/1/connections/")
    elapsed = time.monotonic() - started
    app.graph.driver.close()
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "5"
    assert resp.json == {"detail": "The graph database is unavailable; retry shortly."}
    assert elapsed < 5, "the driver's 30 s default retry must not hold the worker"


def test_unreachable_neo4j_ready_is_503(dead_settings):
    app = create_app(dead_settings)
    resp = testing.TestClient(app).simulate_get("/health/ready")
    app.graph.driver.close()
    assert resp.status_code == 503


def test_query_timeout_raises_graph_unavailable(clean_db, neo4j_settings):
    graph = Runner(clean_db, neo4j_settings.neo4j_database, Tuning(query_timeout=0.5))

    def slow(tx):
        # Tests only: a deliberately slow read to trip the transaction timeout.
        return tx.run(
            "UNWIND range(1, 100000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"
        ).single()

    started = time.monotonic()
    with pytest.raises(GraphUnavailable, match="timed out"):
        graph.read(slow)
    assert time.monotonic() - started < 10


def test_driver_is_one_per_app(neo4j_settings):
    app = create_app(dataclasses.replace(neo4j_settings, jwt_secret="x" * 32))
    try:
        assert isinstance(app.graph.driver, type(db.create_driver(neo4j_settings)))
        assert testing.TestClient(app).simulate_get("/health/ready").json["status"] == "ok"
    finally:
        app.graph.driver.close()


def test_a_write_waiting_too_long_for_a_lock_is_503(graph, neo4j_settings):
    """A write queued behind another transaction on the same user past the timeout: 503, not 500.

    Neo4j reports that as Neo.ClientError.Transaction.LockClientStopped, not as a timeout code.
    """
    from tests.integration.seed import create_users, user_props

    database = neo4j_settings.neo4j_database
    create_users(graph.driver, database, [user_props(1), user_props(2)])
    secret = "x" * 32
    app = create_app(
        dataclasses.replace(neo4j_settings, jwt_secret=secret, query_timeout=1.0),
        graph=open_graph(graph.driver, database, Tuning(query_timeout=1.0)),
    )
    from service.domain import auth

    token = {"Authorization": "Bearer " + auth.mint_token(1, secret, ttl_seconds=60)}
    with graph.driver.session(database=database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (u:User {id: 2}) SET u._lock = true").consume()  # holds user 2's lock
        started = time.monotonic()
        resp = testing.TestClient(app).simulate_post(
            "/api/v2/user/2/connection/request/", headers=token
        )
        tx.rollback()
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    assert time.monotonic() - started < 10
    assert graph.events.read_events(0) == []
