"""Settings from the environment: defaults, overrides and one-line errors."""

import dataclasses

import pytest

from service.config import (
    ConfigError,
    Neo4jServerSettings,
    RedisServerSettings,
    Settings,
    parse_bool,
)


def env(tmp_path, **extra):
    return {"CONNECTIONS_STATE_DIR": str(tmp_path), **extra}


def test_defaults_use_the_managed_server_and_generate_secrets(tmp_path):
    s = Settings.from_env(env(tmp_path))
    assert s.neo4j_uri == "bolt://127.0.0.1:7687" and not s.neo4j_external
    assert len(s.neo4j_password) >= 8 and len(s.jwt_secret) >= 32
    assert (tmp_path / "neo4j/instances/dev/password").read_text().strip() == s.neo4j_password
    assert (tmp_path / "neo4j/instances/dev/password").stat().st_mode & 0o077 == 0
    # stable across reads: the generated secret is stored, not regenerated
    assert Settings.from_env(env(tmp_path)).neo4j_password == s.neo4j_password
    assert (s.default_limit, s.max_limit) == (20, 100)


def test_external_uri_requires_a_password(tmp_path):
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        Settings.from_env(env(tmp_path, NEO4J_URI="neo4j://db:7687"))
    s = Settings.from_env(env(tmp_path, NEO4J_URI="neo4j://db:7687", NEO4J_PASSWORD="pw"))
    assert s.neo4j_external and s.neo4j_uri == "neo4j://db:7687"


def test_ports_and_limits_from_env(tmp_path):
    s = Settings.from_env(
        env(tmp_path, NEO4J_BOLT_PORT="17000", CONNECTIONS_MAX_LIMIT="50", JWT_SECRET="s3cret")
    )
    assert s.neo4j_uri == "bolt://127.0.0.1:17000"
    assert s.max_limit == 50 and s.jwt_secret == "s3cret"


def test_an_own_instance_never_inherits_the_environments_server(tmp_path):
    # A benchmark's or test's instance must not start on the data or password of the server
    # the environment points at.
    outer = env(tmp_path, NEO4J_PASSWORD="outer", NEO4J_DATA_DIR="/srv/prod", NEO4J_HEAP="8g")
    own = Neo4jServerSettings.own_instance("bench", 7688, "7475", outer, NEO4J_PAGECACHE="256m")
    assert (own.instance, own.bolt_port, own.http_port) == ("bench", 7688, 7475)
    assert own.password is None and own.data_dir is None
    assert (own.heap, own.pagecache) == ("8g", "256m")  # the rest of the environment holds
    assert own.home == tmp_path / "neo4j" / "instances" / "bench"


def test_suggestion_precompute_settings(tmp_path):
    s = Settings.from_env(env(tmp_path))
    assert (s.suggestion_precompute_min_degree, s.suggestion_precompute_top) == (5_000, 1_000)
    assert s.suggestion_refresh_seconds == 3600.0
    s = Settings.from_env(
        env(
            tmp_path,
            SUGGESTION_PRECOMPUTE_MIN_DEGREE="2000",
            SUGGESTION_PRECOMPUTE_TOP="500",
            SUGGESTION_REFRESH_SECONDS="600",
        )
    )
    assert (s.suggestion_precompute_min_degree, s.suggestion_precompute_top) == (2_000, 500)
    assert s.suggestion_refresh_seconds == 600.0


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("SUGGESTION_PRECOMPUTE_MIN_DEGREE", "0", "SUGGESTION_PRECOMPUTE_MIN_DEGREE must be >= 1"),
        ("SUGGESTION_REFRESH_SECONDS", "soon", "SUGGESTION_REFRESH_SECONDS must be a number"),
        ("NEO4J_BOLT_PORT", "abc", "NEO4J_BOLT_PORT must be an integer"),
        ("CONNECTIONS_MAX_LIMIT", "0", "CONNECTIONS_MAX_LIMIT must be >= 1"),
        ("TRUST_FORWARDED_HEADERS", "maybe", "TRUST_FORWARDED_HEADERS must be true or false"),
        ("CONNECTIONS_DEFAULT_LIMIT", "500", "exceeds CONNECTIONS_MAX_LIMIT"),
    ],
)
def test_bad_values_fail_with_one_line(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env(tmp_path, **{name: value}))


def env_fields(cls):
    return [f for f in dataclasses.fields(cls) if "env" in f.metadata]


@pytest.mark.parametrize("cls", [Settings, Neo4jServerSettings, RedisServerSettings])
def test_an_empty_environment_gives_the_field_defaults(tmp_path, cls):
    # Each default is written once, on the field: from_env falls back to exactly that.
    built = cls.from_env(env(tmp_path))
    direct = cls()
    assert env_fields(cls), "no field is read from the environment"
    for f in env_fields(cls):
        assert getattr(built, f.name) == getattr(direct, f.name), f.name


@pytest.mark.parametrize("cls", [Settings, Neo4jServerSettings, RedisServerSettings])
def test_every_environment_field_is_read(tmp_path, cls):
    # A value set in the environment reaches its field (parsed by the field's type).
    samples = {"str": "abc", "int": "7", "float": "7.5", "bool": "true", "tuple[str, ...]": "h1,h2"}
    expected = {"str": "abc", "int": 7, "float": 7.5, "bool": True, "tuple[str, ...]": ("h1", "h2")}
    for f in env_fields(cls):
        extra = {f.metadata["env"]: samples[str(f.type)]}
        if f.name == "max_limit":
            extra["CONNECTIONS_DEFAULT_LIMIT"] = "1"
        assert getattr(cls.from_env(env(tmp_path, **extra)), f.name) == expected[str(f.type)]


@pytest.mark.parametrize(
    "raw,value",
    [("1", True), ("TRUE", True), (" yes ", True), ("On", True)]
    + [("0", False), ("false", False), ("NO", False), ("off", False)],
)
def test_one_bool_vocabulary(raw, value):
    assert parse_bool(raw) is value


@pytest.mark.parametrize("raw", ["", "2", "y", "enabled", "truee"])
def test_anything_else_is_not_a_bool(raw):
    with pytest.raises(ValueError):
        parse_bool(raw)


def test_redis_defaults_to_the_managed_instance_with_a_generated_password(tmp_path):
    s = Settings.from_env(env(tmp_path))
    password = (tmp_path / "redis/instances/dev/password").read_text().strip()
    assert s.redis_url == f"redis://:{password}@127.0.0.1:6379/0" and not s.redis_external
    assert (s.redis_server.maxmemory, s.redis_server.maxmemory_policy) == ("256mb", "volatile-lru")


def test_redis_url_names_a_server_to_use(tmp_path):
    s = Settings.from_env(env(tmp_path, REDIS_URL="redis://cache:6379/2", REDIS_PORT="7000"))
    assert s.redis_url == "redis://cache:6379/2" and s.redis_external
    assert s.redis_server.port == 7000  # the managed instance is configured but unused


def test_a_redis_password_with_url_characters_is_quoted(tmp_path):
    s = Settings.from_env(env(tmp_path, REDIS_PASSWORD="p@ss:w/rd"))
    assert s.redis_url == "redis://:p%40ss%3Aw%2Frd@127.0.0.1:6379/0"
