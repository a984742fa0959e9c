"""Two API nodes (two gunicorns) over one Neo4j and one Redis: a write on one is read on the other.

What `make serve` starts is exactly one of these nodes (gunicorn and the app, nothing else).
"""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain import auth
from tests.e2e.server import call, gunicorn
from tests.integration.seed import BASE, connect, create_users, user_props

SECRET = "e2e-cache-secret-0123456789abcdef0123"

pytestmark = pytest.mark.e2e


def bearer(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=600)}


@pytest.fixture
def nodes(clean_db, neo4j_settings, redis_client, redis_url):
    database = neo4j_settings.neo4j_database
    create_users(clean_db, database, [user_props(i) for i in range(1, 7)])
    connect(clean_db, database, [(1, i, BASE + dt.timedelta(hours=i)) for i in range(2, 6)])
    env = {"REDIS_URL": redis_url, "CACHE_ENABLED": "true"}
    with gunicorn(neo4j_settings, SECRET, **env) as a, gunicorn(neo4j_settings, SECRET, **env) as b:
        yield a, b


def page(base: str, user: int, viewer: int = 6, **headers):
    return call(f"{base}/api/v2/user/{user}/connections/", {**bearer(viewer), **headers})


def test_a_write_on_one_node_is_read_on_the_other(nodes, redis_client):
    a, b = nodes
    for _ in range(3):  # both workers of node b fill and hit
        status, headers, body = page(b, 1)
        assert status == 200 and body["count"] == 4
    assert headers["Vary"] == "Authorization" and headers["ETag"]
    assert redis_client.dbsize() > 0  # the entries are in the shared Redis
    status, _, counters = call(f"{b}/api/v2/user/2/counters/")
    assert status == 200 and counters["connections"] == 1

    status, _, _ = call(f"{a}/api/v2/user/2/connection/remove/", bearer(1), "POST")
    assert status == 200
    for _ in range(4):  # every worker of node b sees it at once
        status, _, body = page(b, 1)
        assert body["count"] == 3 and 2 not in [u["id"] for u in body["results"]]
        assert call(f"{b}/api/v2/user/2/counters/")[2]["connections"] == 0
        status, _, body = call(f"{b}/api/v2/user/2/connection_status/", bearer(1))
        assert body == {"connection_status": None}
    status, ready_headers, ready = call(f"{b}/health/ready")
    assert status == 200 and ready["cache"] == {"state": "up"}


def test_if_none_match_answers_304_until_the_body_changes(nodes):
    a, b = nodes
    status, headers, _ = page(b, 1)
    tag = headers["ETag"]
    status, headers, body = page(b, 1, **{"If-None-Match": tag})
    assert status == 304 and body is None and headers["ETag"] == tag
    status, _, _ = call(f"{a}/api/v2/user/5/connection/remove/", bearer(1), "POST")
    assert status == 200
    status, headers, body = page(b, 1, **{"If-None-Match": tag})
    assert status == 200 and body["count"] == 3 and headers["ETag"] != tag
