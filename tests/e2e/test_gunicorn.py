"""Through real HTTP: gunicorn with service/ops/gunicorn_conf.py, two workers, the test Neo4j."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain import auth
from tests.e2e.server import call, gunicorn
from tests.integration.seed import BASE, connect, create_users, user_props

SECRET = "e2e-secret-0123456789abcdef0123456789"

pytestmark = pytest.mark.e2e


def get(url: str, headers: dict | None = None):
    return call(url, headers)


@pytest.fixture
def server(clean_db, neo4j_settings):
    database = neo4j_settings.neo4j_database
    create_users(clean_db, database, [user_props(i) for i in range(1, 6)])
    connect(clean_db, database, [(1, i, BASE + dt.timedelta(hours=i)) for i in range(2, 6)])
    with gunicorn(neo4j_settings, SECRET) as base:
        yield base


def test_connections_over_real_http(server):
    token = auth.mint_token(3, SECRET, ttl_seconds=60)
    status, headers, body = get(
        server + "/api/v2/user/1/connections/?limit=2", {"Authorization": f"Bearer {token}"}
    )
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["count"] == 4 and [u["id"] for u in body["results"]] == [5, 4]
    assert body["next"] == f"{server}/api/v2/user/1/connections/?limit=2&offset=2"
    status, _, page2 = get(body["next"])
    assert status == 200 and [u["id"] for u in page2["results"]] == [3, 2]
    assert page2["results"][0]["email"] is None  # anonymous on this request
    assert get(server + "/api/v2/openapi.json")[2]["openapi"].startswith("3.")


def test_errors_are_json_over_real_http(server):
    status, headers, _ = get(
        server + "/api/v2/user/1/connections/", {"Authorization": "Bearer nope"}
    )
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert get(server + "/nothing-here")[0] == 404
    assert get(server + "/api/v2/user/1/connections/?limit=0")[2]["errors"] == {
        "limit": ["Must be a positive integer (1 or more)."]
    }
