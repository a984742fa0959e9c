"""The managed local Redis: loopback only, a password, bounded memory, no persistence, and a
kill -9 followed by a restart that comes back empty."""

from __future__ import annotations

import dataclasses
import os

import pytest
import redis

from service import cli
from service.ops.redis_server import LocalRedis, RedisServerError
from tests.conftest import free_port

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")), reason="REDIS_URL is set: the managed Redis is not used"
)


def test_the_config_is_loopback_bounded_and_unpersisted(throwaway_redis):
    client = redis.Redis.from_url(throwaway_redis.settings.url)
    config = client.config_get("*")
    assert config["bind"] == "127.0.0.1"
    assert config["maxmemory-policy"] == "volatile-lru"
    assert int(config["maxmemory"]) == 256 * 1024 * 1024
    assert config["save"] == "" and config["appendonly"] == "no"
    assert throwaway_redis.conf_file.stat().st_mode & 0o077 == 0  # it holds the password


def test_a_client_without_the_password_is_refused(throwaway_redis):
    anonymous = redis.Redis(host="127.0.0.1", port=throwaway_redis.settings.port)
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()


def test_start_is_idempotent_and_status_describes_it(throwaway_redis):
    pid = throwaway_redis.pid()
    status = throwaway_redis.start()
    assert status.running and status.pid == pid
    assert f"127.0.0.1:{throwaway_redis.settings.port}" in status.describe()
    assert throwaway_redis.settings.resolve_password() not in status.describe()


def test_kill_then_start_comes_back_empty_on_the_same_port(throwaway_redis):
    client = redis.Redis.from_url(throwaway_redis.settings.url, socket_timeout=1)
    client.set("k", "v")
    pid = throwaway_redis.kill()
    assert pid and throwaway_redis.pid() is None
    with pytest.raises(redis.ConnectionError):
        client.ping()
    throwaway_redis.start()
    assert throwaway_redis.pid() != pid
    assert client.get("k") is None  # nothing persisted: the cache is never the source of truth


def test_a_busy_port_is_one_clear_error(throwaway_redis):
    other = LocalRedis(dataclasses.replace(throwaway_redis.settings, instance="test-busy-port"))
    with pytest.raises(RedisServerError, match="already in use"):
        other.start()


def test_the_cli_starts_reports_and_stops_an_instance(monkeypatch, capsys, throwaway_redis):
    monkeypatch.setenv("REDIS_INSTANCE", "test-cli")
    monkeypatch.setenv("REDIS_PORT", str(free_port()))
    monkeypatch.delenv("REDIS_PASSWORD", raising=False)
    try:
        assert cli.main(["redis", "start"]) == 0
        assert "running" in capsys.readouterr().out
        assert cli.main(["redis", "status"]) == 0
    finally:
        assert cli.main(["redis", "stop"]) == 0
    assert cli.main(["redis", "status"]) == 3
    monkeypatch.setenv("REDIS_URL", "redis://elsewhere:6379/0")
    assert cli.main(["redis", "start"]) == 0
    assert "REDIS_URL is set" in capsys.readouterr().out


def test_the_session_redis_answers_with_its_own_password(redis_client):
    assert redis_client.ping()
    redis_client.set("k", "v", ex=5)
    assert redis_client.get("k") == b"v"
