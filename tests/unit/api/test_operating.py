"""Operating surface: readiness gate, /metrics, request ids, JSON access log, ALLOWED_HOSTS."""

from __future__ import annotations

import json
import logging

import pytest
from falcon import testing

from service.api.app import create_app
from service.api.middleware import host_is_allowed, split_host
from service.config import ConfigError, Settings
from service.graph.errors import GraphUnavailable
from service.observability.logs import JsonFormatter
from tests.unit.fakes import FakeGraph

PATH = "/api/v2/user/1/connections/"


def client(graph=None, hosts=("falconframework.org",), **overrides) -> testing.TestClient:
    settings = Settings(jwt_secret="s" * 32, allowed_hosts=hosts, **overrides)
    return testing.TestClient(create_app(settings, graph=graph or FakeGraph()))


def test_populating_index_makes_ready_and_api_503_without_querying():
    graph = FakeGraph()
    graph.index_state = {"connection_order": "POPULATING"}
    api = client(graph)
    ready = api.simulate_get("/health/ready")
    assert ready.status_code == 503 and ready.headers["Retry-After"] == "5"
    assert ready.json["indexes"] == {
        "connection_order": {"state": "POPULATING", "population": 100.0}
    }
    resp = api.simulate_get(PATH)
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    assert graph.calls == []  # refused before any query ran
    assert api.simulate_get("/health/live").status_code == 200


def test_unreachable_neo4j_makes_ready_503():
    resp = client(FakeGraph(fail=GraphUnavailable("down"))).simulate_get("/health/ready")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"


def test_metrics_count_requests_by_route_template_and_status():
    api = client()
    api.simulate_get(PATH)
    api.simulate_get("/api/v2/user/99/connections/")
    body = api.simulate_get("/metrics").text
    route = "/api/v2/user/{user_id:user_id}/connections/"
    assert f'route="{route}",status="200"' in body.replace('method="GET",', "")
    assert f'route="{route}",status="404"' in body.replace('method="GET",', "")
    assert "connections_http_request_duration_seconds_bucket" in body
    assert "connections_neo4j_breaker_open" in body


def test_request_id_is_echoed_or_generated():
    api = client()
    given = api.simulate_get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    generated = api.simulate_get(PATH).headers["X-Request-ID"]
    assert len(generated) == 32
    bad = api.simulate_get("/health/live", headers={"X-Request-ID": "x" * 300 + "\n"})
    assert bad.headers["X-Request-ID"] != "x" * 300


def test_one_json_access_line_per_request_with_its_id(caplog):
    caplog.set_level(logging.INFO, logger="service.access")
    client().simulate_get(PATH, headers={"X-Request-ID": "req-1"})
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "service.access"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["request_id"] == "req-1" and entry["status"] == 200
    assert entry["route"] == "/api/v2/user/{user_id:user_id}/connections/"
    assert entry["method"] == "GET" and entry["duration_ms"] >= 0


def test_error_log_lines_carry_the_request_id(caplog):
    caplog.set_level(logging.WARNING)
    client(FakeGraph(fail=GraphUnavailable("down"))).simulate_get(
        PATH, headers={"X-Request-ID": "req-503"}
    )
    warnings = [r for r in caplog.records if r.name == "service.api.errors"]
    assert warnings and json.loads(JsonFormatter().format(warnings[0]))["request_id"] == "req-503"


@pytest.mark.parametrize(
    ("host", "status"),
    [("127.0.0.1:8000", 200), ("localhost", 200), ("evil.example", 400), ("", 400)],
)
def test_allowed_hosts_default_refuses_other_hosts(host, status):
    api = client(hosts=("127.0.0.1", "localhost"))
    resp = api.simulate_get(PATH, headers={"Host": host} if host else {"Host": ""})
    assert resp.status_code == status
    if status == 400:
        assert resp.json == {"detail": "Invalid Host header."}
        assert "evil" not in resp.text


def test_health_and_metrics_answer_any_host():
    api = client(hosts=("api.example.com",))
    for path in ("/health/live", "/health/ready", "/metrics"):
        assert api.simulate_get(path, headers={"Host": "10.0.0.7:8000"}).status_code == 200


def test_forwarded_host_is_checked_when_trusted():
    api = client(hosts=("api.example.com",), trust_forwarded=True)
    ok = api.simulate_get(PATH, headers={"X-Forwarded-Host": "api.example.com"})
    assert ok.status_code == 200 and ok.json["next"] is None
    assert api.simulate_get(PATH, headers={"X-Forwarded-Host": "evil.example"}).status_code == 400


def test_django_host_matching():
    allowed = (".example.com", "api.test")
    assert host_is_allowed("example.com", allowed)
    assert host_is_allowed("a.b.example.com", allowed)
    assert host_is_allowed("API.test.", allowed)
    assert not host_is_allowed("badexample.com", allowed)
    assert host_is_allowed("anything", ("*",))
    assert split_host("[::1]:8000") == "[::1]" and split_host("h:x") == ""


def test_allowed_hosts_from_env():
    env = {"NEO4J_PASSWORD": "p" * 12, "NEO4J_URI": "bolt://x:7687", "JWT_SECRET": "j" * 32}
    assert Settings.from_env(env).allowed_hosts == ("127.0.0.1", "localhost")
    hosts = Settings.from_env({**env, "ALLOWED_HOSTS": "api.example.com, .example.org"})
    assert hosts.allowed_hosts == ("api.example.com", ".example.org")
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS"):
        Settings.from_env({**env, "ALLOWED_HOSTS": "https://api.example.com/"})
