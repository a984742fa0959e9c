"""A worker's kept pages (service/cache/near.py): served only after Redis says they are current.

Each test first makes the pages kept (a miss fills Redis, the next read is a Redis hit and is
kept, the one after is served from the worker's copy), then changes what they depend on in
one of the ways the service knows, and compares with an app that reads Neo4j only.
"""

from __future__ import annotations

import os
import signal

from falcon import testing
from prometheus_client import REGISTRY

from service.api.app import create_app
from service.cache.client import CacheClient
from service.cache.layer import cached_graph
from service.cli.cache import everything_changed
from tests.integration.cache.conftest import token
from tests.integration.cache.test_exactness import act, db, differences  # noqa: F401 (db)
from tests.integration.cache.test_outage import app_on
from tests.integration.cache.test_outage import seed as seed_star

PAGES = [f"/api/v2/user/{u}/connections/?limit=3" for u in (1, 3, 6)]
VIEWERS = (None, 1, 3)


def near(outcome: str) -> float:
    value = REGISTRY.get_sample_value("connections_cache_near_total", {"outcome": outcome})
    return value or 0.0


def keep(client, paths=PAGES, viewers=VIEWERS) -> None:
    """Read each page three times per viewer; the third must come from the worker's copy."""
    for viewer in viewers:
        headers = token(viewer) if viewer else None
        for path in paths:
            for _ in range(2):
                assert client.simulate_get(path, headers=headers).status_code == 200
            before = near("hit")
            assert client.simulate_get(path, headers=headers).status_code == 200
            assert near("hit") == before + 1, f"{path} as {viewer} was not served kept"


def same_pages(client, truth, paths=PAGES, viewers=VIEWERS) -> list:
    """The pages (as each viewer sees them) where the cached app is not Neo4j."""
    wrong = []
    for viewer in viewers:
        headers = token(viewer) if viewer else None
        for path in paths:
            got = client.simulate_get(path, headers=headers).json
            expected = truth.simulate_get(path, headers=headers).json
            if got != expected:
                wrong.append((path, viewer, got, expected))
    return wrong


def test_kept_pages_are_neo4js_pages_for_every_viewer(db, client, truth):  # noqa: F811
    keep(client)
    before = near("hit")
    assert same_pages(client, truth) == []
    assert near("hit") == before + len(PAGES) * len(VIEWERS)


def test_a_write_on_another_node_is_seen_by_this_nodes_kept_page(
    db,  # noqa: F811
    client,
    truth,
    graph,
    settings,
):
    """Two API nodes: each keeps its own copy, both check the one Redis."""
    other_cached = cached_graph(graph, CacheClient(settings.redis_url), settings)
    other = testing.TestClient(create_app(settings, graph=other_cached))
    try:
        keep(client)
        keep(other)
        stale = near("stale")
        # 3 is listed on 1's page: its counters there change when it requests 10.
        assert act(other, 3, "request", 10) in (200, 204)
        assert same_pages(client, truth) == []
        assert near("stale") > stale
        # And one lifecycle change that removes a listed user from the page itself.
        keep(client)
        assert act(other, 1, "remove", 3) == 200
        assert same_pages(client, truth) == []
        assert same_pages(other, truth) == []
    finally:
        other_cached.store.client.close()


def test_a_new_epoch_makes_every_kept_page_stale(db, client, truth, settings):  # noqa: F811
    driver, database = db
    keep(client)
    # A bulk change the service did not make itself, then what bulk loads call.
    driver.execute_query(
        "MATCH (u:User {id: 3}) SET u.real_name = 'Changed in bulk'", database_=database
    )
    assert same_pages(client, truth) != []  # the kept copies are still the old ones...
    everything_changed(settings)
    assert same_pages(client, truth) == []  # ...until the epoch says they are not


def test_a_kept_page_is_never_served_while_redis_cannot_be_asked(
    own_redis, graph, neo4j_settings, settings
):
    """kill -9 of Redis: a copy cannot be checked, so the page comes from Neo4j."""
    seed_star(graph, neo4j_settings.neo4j_database)
    client, cache = app_on(own_redis, graph, settings)
    truth = testing.TestClient(create_app(settings, graph=graph))
    path = ["/api/v2/user/1/connections/"]
    try:
        keep(client, path, (None,))
        os.kill(own_redis.pid(), signal.SIGKILL)
        # A write nobody can tell Redis about (the service's own would mark the client dirty).
        graph.driver.execute_query(
            "MATCH (u:User {id: 2}) SET u.real_name = 'Changed while Redis was dead'",
            database_=neo4j_settings.neo4j_database,
        )
        assert same_pages(client, truth, path, (None,)) == []
        assert "Changed while Redis was dead" in client.simulate_get(path[0]).text
    finally:
        cache.close()
