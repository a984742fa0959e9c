"""docker-compose.yml agrees with the app's settings (no Docker engine here to run it)."""

from pathlib import Path

import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[3]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_images():
    services = compose()["services"]
    assert set(services) == {"neo4j", "redis", "api", "proxy", "webhooks", "suggestions"}
    assert services["neo4j"]["image"] == "neo4j:5.26-community"
    assert services["api"]["build"] == "."
    assert services["api"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "healthcheck" in services["neo4j"]


def test_api_env_names_are_the_ones_settings_read(tmp_path):
    api_env = compose()["services"]["api"]["environment"]
    assert api_env["NEO4J_URI"] == "bolt://neo4j:7687"
    env = {k: str(v) for k, v in api_env.items()}
    env.update(NEO4J_PASSWORD="x" * 12, JWT_SECRET="y" * 32, CONNECTIONS_STATE_DIR=str(tmp_path))
    settings = Settings.from_env(env)
    assert settings.neo4j_uri == "bolt://neo4j:7687" and settings.neo4j_external
    source = (ROOT / "service" / "config.py").read_text()
    for name in api_env:
        if name not in ("BIND", "WEB_CONCURRENCY"):
            assert f'"{name}"' in source, f"{name} is not read by Settings"
    gunicorn_conf = (ROOT / "service" / "ops" / "gunicorn_conf.py").read_text()
    assert '"BIND"' in gunicorn_conf and '"WEB_CONCURRENCY"' in gunicorn_conf


def test_ports_published_on_loopback_only():
    services = compose()["services"]
    assert services["neo4j"]["ports"] == ["127.0.0.1:7687:7687"]
    # gunicorn is reached through the buffering proxy only.
    assert "ports" not in services["api"] and services["api"]["expose"] == ["8000"]
    assert services["proxy"]["ports"] == ["127.0.0.1:8000:80"]
    assert services["api"]["environment"]["BIND"].endswith(":8000")


def test_the_proxy_buffers_and_times_out_untrusted_clients():
    proxy = compose()["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    mounts = {m.split(":")[0]: m.split(":")[1] for m in proxy["volumes"]}
    assert mounts["./deploy/nginx-proxy.conf"] == "/etc/nginx/nginx.conf"
    assert mounts["./deploy/untrusted-clients.conf"] == "/etc/nginx/untrusted-clients.conf"
    conf = (ROOT / "deploy" / "nginx-proxy.conf").read_text()
    assert "include /etc/nginx/untrusted-clients.conf;" in conf and "server api:8000" in conf
    assert "$proxy_add_x_forwarded_for" in conf  # the limiter's address is its last hop
    rules = (ROOT / "deploy" / "untrusted-clients.conf").read_text()
    for directive in (
        "client_header_timeout 10s",
        "client_body_timeout 10s",
        "client_max_body_size 1m",
        "proxy_request_buffering on",
    ):
        assert directive in rules
    assert compose()["services"]["api"]["environment"]["TRUST_FORWARDED_HEADERS"] == "true"


def test_password_comes_from_env_not_the_file():
    neo4j_env = compose()["services"]["neo4j"]["environment"]
    assert "${NEO4J_PASSWORD" in neo4j_env["NEO4J_AUTH"] or "${NEO4J_PASSWORD}" in str(neo4j_env)
    assert "auth_enabled" not in (ROOT / "docker-compose.yml").read_text()


def test_dockerfile_runs_gunicorn_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER app" in dockerfile and "gunicorn" in dockerfile
    assert "service/ops/gunicorn_conf.py" in dockerfile


def test_the_delivery_worker_runs_beside_the_api_on_the_same_database(tmp_path):
    services = compose()["services"]
    worker = services["webhooks"]
    assert worker["build"] == "." and worker["command"] == ["connections", "webhooks", "deliver"]
    assert worker["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert worker["environment"]["NEO4J_URI"] == services["api"]["environment"]["NEO4J_URI"]
    assert "ports" not in worker  # it only calls out
    source = (ROOT / "service" / "config.py").read_text()
    for name in worker["environment"]:
        assert f'"{name}"' in source, f"{name} is not read by Settings"


def test_the_suggestion_refresh_job_runs_beside_the_api_on_the_same_database():
    services = compose()["services"]
    job = services["suggestions"]
    assert job["command"][:3] == ["connections", "suggestions", "refresh"]
    assert "--every" in job["command"]
    assert job["environment"]["NEO4J_URI"] == services["api"]["environment"]["NEO4J_URI"]
    source = (ROOT / "service" / "config.py").read_text()
    for name in job["environment"]:
        assert f'"{name}"' in source, f"{name} is not read by Settings"


def test_the_api_shares_a_bounded_unpublished_redis():
    for path in ("docker-compose.yml", "docker-compose.cluster.yml"):
        services = yaml.safe_load((ROOT / path).read_text())["services"]
        redis = services["redis"]
        assert redis["image"].startswith("redis:7") and "ports" not in redis
        command = redis["command"]
        assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"
        assert command[command.index("--save") + 1] == "" and "--requirepass" in command
        apis = [s for name, s in services.items() if name.startswith("api")]
        assert apis and all(
            api["environment"]["REDIS_URL"].endswith("@redis:6379/0")
            and api["depends_on"]["redis"]["condition"] == "service_healthy"
            for api in apis
        )
    assert '"REDIS_URL"' in (ROOT / "service" / "config.py").read_text()
