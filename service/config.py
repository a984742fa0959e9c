"""Settings: one frozen object built from the environment, with defaults that work locally.

May import: nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Local state (the managed Neo4j, generated secrets); CONNECTIONS_STATE_DIR moves it.
DEFAULT_STATE_DIR = PROJECT_ROOT / ".local"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def parse_bool(raw: str) -> bool:
    """`raw` as a boolean: 1/true/yes/on or 0/false/no/off, any case; ValueError otherwise."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("true or false")


def _env_str(env: dict, name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def _env_int(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    return value


def _env_float(env: dict, name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be > 0, got {raw}")
    return value


def _env_bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_bool(raw)
    except ValueError:
        raise ConfigError(f"{name} must be true or false, got {raw.lower()!r}") from None


# Django's semantics; the default suits `make run` on loopback (docs/operating.md).
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost")


def _env_hosts(env: dict, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    hosts = tuple(h.strip() for h in raw.split(",") if h.strip())
    for host in hosts:
        if "/" in host or " " in host:
            raise ConfigError(f"{name} holds host names, not URLs: got {host!r}")
    return hosts


def env_field(name: str, default: Any, *, minimum: int = 0) -> Any:
    """A setting read from the environment variable `name`; `default` is its one default."""
    return field(default=default, metadata={"env": name, "minimum": minimum})


def _read_env_fields(cls: Any, env: dict) -> dict[str, Any]:
    """Every `env_field` of the dataclass `cls`, parsed by its annotated type."""
    readers: dict[str, Callable[[str, Any, int], Any]] = {
        "str": lambda name, default, _: _env_str(env, name, default),
        "int": lambda name, default, minimum: _env_int(env, name, default, minimum),
        "float": lambda name, default, _: _env_float(env, name, default),
        "bool": lambda name, default, _: _env_bool(env, name, default),
        "tuple[str, ...]": lambda name, default, _: _env_hosts(env, name, default),
    }
    return {
        f.name: readers[str(f.type)](f.metadata["env"], f.default, f.metadata["minimum"])
        for f in fields(cls)
        if "env" in f.metadata
    }


def read_or_create_secret(path: Path, nbytes: int = 24) -> str:
    """Return the secret stored at `path`, generating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


@dataclass(frozen=True)
class Neo4jServerSettings:
    """How the project's own local Neo4j server is laid out and started."""

    state_dir: Path = DEFAULT_STATE_DIR / "neo4j"
    instance: str = env_field("NEO4J_INSTANCE", "dev")
    bolt_port: int = env_field("NEO4J_BOLT_PORT", 7687, minimum=1)
    http_port: int = env_field("NEO4J_HTTP_PORT", 7474, minimum=1)
    data_dir: Path | None = None
    heap: str = env_field("NEO4J_HEAP", "1g")
    pagecache: str = env_field("NEO4J_PAGECACHE", "1g")
    start_timeout: float = env_field("NEO4J_START_TIMEOUT", 120.0)
    password: str | None = None
    checkpoint_interval: int = env_field("NEO4J_CHECKPOINT_INTERVAL", 30, minimum=1)

    @classmethod
    def from_env(cls, env: dict | None = None) -> Neo4jServerSettings:
        env = dict(os.environ if env is None else env)
        data_dir = env.get("NEO4J_DATA_DIR", "").strip()
        state_dir = Path(_env_str(env, "CONNECTIONS_STATE_DIR", str(DEFAULT_STATE_DIR)))
        return cls(
            state_dir=state_dir / "neo4j",
            data_dir=Path(data_dir) if data_dir else None,
            password=env.get("NEO4J_PASSWORD") or None,
            **_read_env_fields(cls, env),
        )

    @classmethod
    def own_instance(
        cls, name: str, bolt_port: int | str, http_port: int | str, env: dict | None = None, **neo4j
    ) -> Neo4jServerSettings:
        """A managed instance of a benchmark's, a test's or the chaos script's own: its name and
        ports, NEO4J_* overrides in `neo4j` (e.g. NEO4J_HEAP="512m"), and never the password,
        data folder or URI of the server the environment points at."""
        env = dict(os.environ if env is None else env)
        env.update(
            NEO4J_INSTANCE=name, NEO4J_BOLT_PORT=str(bolt_port), NEO4J_HTTP_PORT=str(http_port)
        )
        env.update(neo4j)
        for inherited in ("NEO4J_PASSWORD", "NEO4J_DATA_DIR", "NEO4J_URI"):
            env.pop(inherited, None)
        return cls.from_env(env)

    @property
    def lib_dir(self) -> Path:
        return self.state_dir / "lib"

    @property
    def home(self) -> Path:
        return self.state_dir / "instances" / self.instance

    @property
    def data_path(self) -> Path:
        return self.data_dir or self.home / "data"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def resolve_password(self) -> str:
        """NEO4J_PASSWORD when given, else this instance's generated local secret."""
        return self.password or read_or_create_secret(self.password_file)


@dataclass(frozen=True)
class RedisServerSettings:
    """The project's own local Redis (the cache, and rate limits): a managed instance under .local/.

    Eviction is `volatile-lru`: only keys with a TTL are evicted. Every cache entry has one; the
    generation counters that keep the cache exact have none, so memory pressure can drop an entry
    (a miss) but never a generation (which could bring a stale entry back). docs/cache.md.
    """

    state_dir: Path = DEFAULT_STATE_DIR / "redis"
    instance: str = env_field("REDIS_INSTANCE", "dev")
    port: int = env_field("REDIS_PORT", 6379, minimum=1)
    maxmemory: str = env_field("REDIS_MAXMEMORY", "256mb")
    maxmemory_policy: str = env_field("REDIS_MAXMEMORY_POLICY", "volatile-lru")
    password: str | None = None
    start_timeout: float = 20.0

    @classmethod
    def from_env(cls, env: dict | None = None) -> RedisServerSettings:
        env = dict(os.environ if env is None else env)
        state_dir = Path(_env_str(env, "CONNECTIONS_STATE_DIR", str(DEFAULT_STATE_DIR)))
        return cls(
            state_dir=state_dir / "redis",
            password=env.get("REDIS_PASSWORD") or None,
            **_read_env_fields(cls, env),
        )

    @classmethod
    def own_instance(
        cls, name: str, port: int | str, env: dict | None = None, **redis
    ) -> RedisServerSettings:
        """A managed instance of a test's or a benchmark's own: its name and port, REDIS_*
        overrides in `redis`, never the password or URL of the server the environment names."""
        env = dict(os.environ if env is None else env)
        env.update(REDIS_INSTANCE=name, REDIS_PORT=str(port), **redis)
        for inherited in ("REDIS_PASSWORD", "REDIS_URL"):
            env.pop(inherited, None)
        return cls.from_env(env)

    @property
    def home(self) -> Path:
        return self.state_dir / "instances" / self.instance

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def resolve_password(self) -> str:
        """REDIS_PASSWORD when given, else this instance's generated local secret."""
        return self.password or read_or_create_secret(self.password_file)

    @property
    def url(self) -> str:
        return f"redis://:{quote(self.resolve_password(), safe='')}@127.0.0.1:{self.port}/0"


@dataclass(frozen=True)
class Settings:
    """Everything the API, the CLI and the tests need to know about their environment."""

    neo4j_uri: str = "bolt://127.0.0.1:7687"  # NEO4J_URI, else the managed server's
    neo4j_user: str = env_field("NEO4J_USER", "neo4j")
    neo4j_password: str = ""
    neo4j_database: str = env_field("NEO4J_DATABASE", "neo4j")
    neo4j_external: bool = False
    query_timeout: float = env_field("NEO4J_QUERY_TIMEOUT", 5.0)
    neo4j_pool_size: int = env_field("NEO4J_POOL_SIZE", 50, minimum=1)
    neo4j_connection_timeout: float = env_field("NEO4J_CONNECTION_TIMEOUT", 2.0)
    breaker_probe_seconds: float = env_field("NEO4J_BREAKER_PROBE_SECONDS", 0.5)
    readiness_cache_seconds: float = env_field("READINESS_CACHE_SECONDS", 1.0)
    allowed_hosts: tuple[str, ...] = env_field("ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    jwt_secret: str = ""
    # 0: no cap; else a token whose `exp - iat` exceeds this many seconds is refused (401).
    jwt_max_lifetime: int = env_field("JWT_MAX_LIFETIME_SECONDS", 0)
    default_limit: int = env_field("CONNECTIONS_DEFAULT_LIMIT", 20, minimum=1)
    max_limit: int = env_field("CONNECTIONS_MAX_LIMIT", 100, minimum=1)
    trust_forwarded: bool = env_field("TRUST_FORWARDED_HEADERS", False)
    follow_enabled: bool = env_field("FOLLOW_ENABLED", False)
    content_availability: bool = env_field("CONTENT_AVAILABILITY", True)
    settings_refresh_seconds: float = env_field("SETTINGS_REFRESH_SECONDS", 2.0)
    # Webhooks in: the endpoint is enabled by a secret; out: the delivery worker's pacing.
    selfcommunity_webhook_secret: str = env_field("SELFCOMMUNITY_WEBHOOK_SECRET", "")
    selfcommunity_webhook_tolerance: float = env_field("SELFCOMMUNITY_WEBHOOK_TOLERANCE", 300.0)
    webhook_retry_scale: float = env_field("WEBHOOK_RETRY_SCALE", 1.0)
    webhook_timeout: float = env_field("WEBHOOK_TIMEOUT", 10.0)
    webhook_poll_seconds: float = env_field("WEBHOOK_POLL_SECONDS", 0.5)
    webhook_metrics_port: int = env_field("WEBHOOK_METRICS_PORT", 0)
    # Suggestions: users with at least this many connections are served a stored exact top K
    # (`connections suggestions refresh`), recomputed when older than the refresh interval.
    suggestion_precompute_min_degree: int = env_field(
        "SUGGESTION_PRECOMPUTE_MIN_DEGREE", 5_000, minimum=1
    )
    suggestion_precompute_top: int = env_field("SUGGESTION_PRECOMPUTE_TOP", 1_000, minimum=1)
    suggestion_refresh_seconds: float = env_field("SUGGESTION_REFRESH_SECONDS", 3600.0)
    suggestion_refresh_timeout: float = env_field("SUGGESTION_REFRESH_TIMEOUT", 900.0)
    server: Neo4jServerSettings = field(default_factory=Neo4jServerSettings)
    # Redis: REDIS_URL names a server to use; else the managed local one (`connections redis`).
    redis_url: str = ""
    redis_external: bool = False
    # Rate limits (docs/limits-and-abuse.md): `limits` strings per budget, kept in Redis.
    rate_limits_enabled: bool = env_field("RATE_LIMITS_ENABLED", True)
    rate_limit_reads: str = env_field("RATE_LIMIT_READS", "600/minute")
    rate_limit_writes: str = env_field("RATE_LIMIT_WRITES", "60/minute")
    rate_limit_suggestions: str = env_field("RATE_LIMIT_SUGGESTIONS", "60/minute")
    rate_limit_redis_timeout: float = env_field("RATE_LIMIT_REDIS_TIMEOUT", 0.1)
    # A user's outgoing connection requests still unanswered; 0 = no cap.
    max_pending_requests: int = env_field("MAX_PENDING_REQUESTS", 1000)
    redis_server: RedisServerSettings = field(default_factory=RedisServerSettings)
    # The shared cache over Neo4j (service/cache/, docs/cache.md).
    cache_enabled: bool = env_field("CACHE_ENABLED", True)
    cache_ttl: int = env_field("CACHE_TTL_SECONDS", 3600, minimum=1)
    cache_suggestion_ttl: int = env_field("CACHE_SUGGESTION_TTL_SECONDS", 60, minimum=1)
    cache_timeout: float = env_field("CACHE_TIMEOUT_SECONDS", 0.05)
    cache_retry_seconds: float = env_field("CACHE_RETRY_SECONDS", 1.0)
    cache_max_offset: int = env_field("CACHE_MAX_OFFSET", 1000)
    # Pages a worker keeps itself, each checked with Redis before use (service/cache/near.py).
    cache_near_mb: int = env_field("CACHE_NEAR_MB", 64, minimum=0)

    @classmethod
    def from_env(cls, env: dict | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        server = Neo4jServerSettings.from_env(env)
        redis_server = RedisServerSettings.from_env(env)
        external_uri = env.get("NEO4J_URI", "").strip()
        if external_uri:
            password = env.get("NEO4J_PASSWORD", "")
            if not password:
                raise ConfigError("NEO4J_URI is set, so NEO4J_PASSWORD must be set too")
        else:
            password = server.resolve_password()
        jwt_secret = env.get("JWT_SECRET", "").strip() or read_or_create_secret(
            server.state_dir.parent / "jwt-secret", nbytes=32
        )
        values = _read_env_fields(cls, env)
        if values["default_limit"] > values["max_limit"]:
            raise ConfigError(
                f"CONNECTIONS_DEFAULT_LIMIT ({values['default_limit']}) exceeds "
                f"CONNECTIONS_MAX_LIMIT ({values['max_limit']})"
            )
        return cls(
            neo4j_uri=external_uri or server.bolt_uri,
            neo4j_password=password,
            neo4j_external=bool(external_uri),
            jwt_secret=jwt_secret,
            server=server,
            redis_url=env.get("REDIS_URL", "").strip() or redis_server.url,
            redis_external=bool(env.get("REDIS_URL", "").strip()),
            redis_server=redis_server,
            **values,
        )
