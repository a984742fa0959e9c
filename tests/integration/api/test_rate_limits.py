"""Rate limits against a real Redis: budgets per user and per address, headers, fail-open."""

from __future__ import annotations

import time

import pytest
from falcon import testing
from prometheus_client import REGISTRY

from service.api.app import create_app
from service.config import ConfigError, Settings
from service.domain import auth
from tests.unit.fakes import FakeGraph

SECRET = "rate-limit-secret-0123456789abcdef0123"
LIST = "/api/v2/user/1/connections/"
SUGGEST = "/api/v2/suggestion/user/"
WRITE = "/api/v2/user/2/connection/request/"


def make_client(redis_url: str, graph: FakeGraph | None = None, **overrides):
    settings = Settings(
        jwt_secret=SECRET,
        allowed_hosts=(testing.helpers.DEFAULT_HOST,),
        redis_url=redis_url,
        rate_limit_reads="5/minute",
        rate_limit_writes="2/minute",
        rate_limit_suggestions="3/minute",
        **overrides,
    )
    return testing.TestClient(create_app(settings, graph=graph or FakeGraph()))


def bearer(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=600)}


def sample(budget: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "connections_rate_limit_decisions_total", {"budget": budget, "outcome": outcome}
    )
    return value or 0.0


def test_a_users_reads_budget_then_429_with_the_ietf_headers(redis_client, redis_url):
    client = make_client(redis_url)
    seen = []
    for _ in range(5):
        resp = client.simulate_get(LIST, headers=bearer(1))
        assert resp.status_code == 200
        assert resp.headers["RateLimit-Policy"] == '"reads";q=5;w=60'
        seen.append(resp.headers["RateLimit"])
    assert [s.split(";")[1] for s in seen] == ["r=4", "r=3", "r=2", "r=1", "r=0"]
    refused = client.simulate_get(LIST, headers=bearer(1))
    assert refused.status_code == 429
    assert "reads budget" in refused.json["detail"]
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.headers["RateLimit"] == f'"reads";r=0;t={retry_after}'
    assert refused.headers["RateLimit-Policy"] == '"reads";q=5;w=60'
    # Another user, and the same user's other budgets, are untouched.
    assert client.simulate_get(LIST, headers=bearer(2)).status_code == 200
    assert client.simulate_get(SUGGEST, headers=bearer(1)).status_code == 200


def test_budgets_are_separate_for_writes_and_suggestions(redis_client, redis_url):
    client = make_client(redis_url)
    assert [client.simulate_post(WRITE, headers=bearer(1)).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    statuses = [client.simulate_get(SUGGEST, headers=bearer(1)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.simulate_get(LIST, headers=bearer(1)).status_code == 200


def test_the_budget_is_shared_by_every_worker(redis_client, redis_url):
    workers = [make_client(redis_url), make_client(redis_url)]
    codes = [workers[n % 2].simulate_get(LIST, headers=bearer(1)).status_code for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_anonymous_requests_spend_their_addresss_budget(redis_client, redis_url):
    client = make_client(redis_url, trust_forwarded=True)

    def get(forwarded: str) -> int:
        return client.simulate_get(LIST, headers={"X-Forwarded-For": forwarded}).status_code

    assert [get("10.0.0.1") for _ in range(6)] == [200] * 5 + [429]
    # A client cannot escape by prefixing its own X-Forwarded-For: the proxy's hop counts.
    assert get("1.2.3.4, 10.0.0.1") == 429
    assert get("10.0.0.2") == 200
    # An invalid token spends the address's budget too.
    bad = client.simulate_get(
        LIST, headers={"X-Forwarded-For": "10.0.0.1", "Authorization": "Bearer nope"}
    )
    assert bad.status_code == 429


def test_health_metrics_and_the_document_are_not_limited(redis_client, redis_url):
    client = make_client(redis_url)
    for path in ("/health/live", "/api/v2/openapi.json", "/metrics"):
        for _ in range(7):
            resp = client.simulate_get(path)
            assert resp.status_code == 200 and "RateLimit" not in resp.headers


def test_switched_off(redis_client, redis_url):
    client = make_client(redis_url, rate_limits_enabled=False)
    for _ in range(7):
        resp = client.simulate_get(LIST, headers=bearer(1))
        assert resp.status_code == 200 and "RateLimit" not in resp.headers


def test_a_malformed_budget_stops_the_start(redis_url):
    with pytest.raises(ConfigError, match="RATE_LIMIT_WRITES"):
        create_app(
            Settings(jwt_secret=SECRET, redis_url=redis_url, rate_limit_writes="lots"),
            graph=FakeGraph(),
        )


def test_redis_killed_fails_open_fast_then_limits_again(throwaway_redis):
    client = make_client(throwaway_redis.settings.url)
    assert [client.simulate_get(LIST, headers=bearer(1)).status_code for _ in range(6)][-1] == 429
    throwaway_redis.kill()  # SIGKILL
    before = sample("reads", "unchecked")
    for _ in range(20):
        started = time.monotonic()
        resp = client.simulate_get(LIST, headers=bearer(1))
        assert resp.status_code == 200, resp.text  # never a 5xx, never the 429 of before
        assert "RateLimit" not in resp.headers
        assert time.monotonic() - started < 0.5
    assert sample("reads", "unchecked") - before == 20
    throwaway_redis.start()  # empty again: nothing persisted
    time.sleep(1.1)  # the limiter tries Redis again after a second
    codes = [client.simulate_get(LIST, headers=bearer(1)).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
