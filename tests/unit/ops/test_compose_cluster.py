"""docker-compose.cluster.yml: 3 Enterprise primaries, 2 routing API replicas, a balancer."""

from pathlib import Path

import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[3]
TEXT = (ROOT / "docker-compose.cluster.yml").read_text()


def services():
    return yaml.safe_load(TEXT)["services"]


def test_three_enterprise_primaries_that_find_each_other():
    cores = {name: s for name, s in services().items() if name.startswith("core")}
    assert set(cores) == {"core1", "core2", "core3"}
    for name, core in cores.items():
        env = core["environment"]
        assert core["image"] == "neo4j:5.26-enterprise"
        assert env["NEO4J_server_default__advertised__address"] == name
        assert env["NEO4J_dbms_cluster_discovery_v2_endpoints"] == (
            "core1:6000,core2:6000,core3:6000"
        )
        assert env["NEO4J_initial_dbms_default__primaries__count"] == "3"
        assert "healthcheck" in core and core["volumes"] == [f"{name}-data:/data"]


def test_the_licence_is_left_to_the_user():
    env = services()["core1"]["environment"]
    assert env["NEO4J_ACCEPT_LICENSE_AGREEMENT"].startswith("${NEO4J_ACCEPT_LICENSE_AGREEMENT:?")
    assert "ACCEPT_LICENSE_AGREEMENT: yes" not in TEXT
    assert "${NEO4J_PASSWORD" in env["NEO4J_AUTH"]


def test_two_api_replicas_use_the_routing_scheme_and_settings_read_their_env(tmp_path):
    apis = {name: s for name, s in services().items() if name.startswith("api")}
    assert set(apis) == {"api1", "api2"}
    source = (ROOT / "service" / "config.py").read_text()
    for api in apis.values():
        env = {k: str(v) for k, v in api["environment"].items()}
        assert env["NEO4J_URI"].startswith("neo4j://")  # routing: reads and writes split
        assert env["TRUST_FORWARDED_HEADERS"] == "true"
        for name in env:
            if name not in ("BIND", "WEB_CONCURRENCY"):
                assert f'"{name}"' in source, f"{name} is not read by Settings"
        env.update(
            NEO4J_PASSWORD="x" * 12,
            JWT_SECRET="y" * 32,
            ALLOWED_HOSTS="api.example.com",
            CONNECTIONS_STATE_DIR=str(tmp_path),
        )
        settings = Settings.from_env(env)
        assert settings.neo4j_external and settings.allowed_hosts == ("api.example.com",)
        assert set(api["depends_on"]) == {"core1", "core2", "core3", "redis"}
        assert "/health/ready" in " ".join(api["healthcheck"]["test"])


def test_load_balancer_fronts_both_replicas_on_loopback():
    lb = services()["lb"]
    assert set(lb["depends_on"]) == {"api1", "api2"}
    assert lb["ports"] == ["127.0.0.1:8000:80"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server api1:8000" in conf and "server api2:8000" in conf
    assert "X-Forwarded-Host" in conf and "X-Request-ID" in conf
    mount = lb["volumes"][0]
    assert mount.startswith("./deploy/nginx.conf:")
    # The same rules for untrusted clients as the single-node proxy.
    assert "include /etc/nginx/untrusted-clients.conf;" in conf
    assert "./deploy/untrusted-clients.conf:/etc/nginx/untrusted-clients.conf:ro" in lb["volumes"]
