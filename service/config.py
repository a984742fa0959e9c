"""Settings: one frozen object built from the environment, with defaults that work locally."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


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
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


# Django's semantics; the default suits `make run` on loopback (README "Operating it").
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

    state_dir: Path = PROJECT_ROOT / ".local" / "neo4j"
    instance: str = "dev"
    bolt_port: int = 7687
    http_port: int = 7474
    data_dir: Path | None = None
    heap: str = "1g"
    pagecache: str = "1g"
    start_timeout: float = 120.0
    password: str | None = None
    checkpoint_interval: int = 30

    @classmethod
    def from_env(cls, env: dict | None = None) -> Neo4jServerSettings:
        env = dict(os.environ if env is None else env)
        data_dir = env.get("NEO4J_DATA_DIR", "").strip()
        return cls(
            state_dir=Path(_env_str(env, "CONNECTIONS_STATE_DIR", str(PROJECT_ROOT / ".local")))
            / "neo4j",
            instance=_env_str(env, "NEO4J_INSTANCE", "dev"),
            bolt_port=_env_int(env, "NEO4J_BOLT_PORT", 7687, minimum=1),
            http_port=_env_int(env, "NEO4J_HTTP_PORT", 7474, minimum=1),
            data_dir=Path(data_dir) if data_dir else None,
            heap=_env_str(env, "NEO4J_HEAP", "1g"),
            pagecache=_env_str(env, "NEO4J_PAGECACHE", "1g"),
            start_timeout=_env_float(env, "NEO4J_START_TIMEOUT", 120.0),
            password=env.get("NEO4J_PASSWORD") or None,
            checkpoint_interval=_env_int(env, "NEO4J_CHECKPOINT_INTERVAL", 30, minimum=1),
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

    state_dir: Path = PROJECT_ROOT / ".local" / "redis"
    instance: str = "dev"
    port: int = 6379
    maxmemory: str = "256mb"
    maxmemory_policy: str = "volatile-lru"
    password: str | None = None
    start_timeout: float = 20.0

    @classmethod
    def from_env(cls, env: dict | None = None) -> RedisServerSettings:
        env = dict(os.environ if env is None else env)
        return cls(
            state_dir=Path(_env_str(env, "CONNECTIONS_STATE_DIR", str(PROJECT_ROOT / ".local")))
            / "redis",
            instance=_env_str(env, "REDIS_INSTANCE", "dev"),
            port=_env_int(env, "REDIS_PORT", 6379, minimum=1),
            maxmemory=_env_str(env, "REDIS_MAXMEMORY", "256mb"),
            maxmemory_policy=_env_str(env, "REDIS_MAXMEMORY_POLICY", "volatile-lru"),
            password=env.get("REDIS_PASSWORD") or None,
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

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    neo4j_external: bool = False
    query_timeout: float = 5.0
    neo4j_pool_size: int = 50
    neo4j_connection_timeout: float = 2.0
    breaker_probe_seconds: float = 0.5
    readiness_cache_seconds: float = 1.0
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    jwt_secret: str = ""
    default_limit: int = 20
    max_limit: int = 100
    trust_forwarded: bool = False
    follow_enabled: bool = False
    content_availability: bool = True
    settings_refresh_seconds: float = 2.0
    # Webhooks in: the endpoint is enabled by a secret; out: the delivery worker's pacing.
    selfcommunity_webhook_secret: str = ""
    selfcommunity_webhook_tolerance: float = 300.0
    webhook_retry_scale: float = 1.0
    webhook_timeout: float = 10.0
    webhook_poll_seconds: float = 0.5
    webhook_metrics_port: int = 0
    # Suggestions: users with at least this many connections are served a stored exact top K
    # (`connections suggestions refresh`), recomputed when older than the refresh interval.
    suggestion_precompute_min_degree: int = 5_000
    suggestion_precompute_top: int = 1_000
    suggestion_refresh_seconds: float = 3600.0
    suggestion_refresh_timeout: float = 900.0
    server: Neo4jServerSettings = field(default_factory=Neo4jServerSettings)
    # Redis: REDIS_URL names a server to use; else the managed local one (`connections redis`).
    redis_url: str = ""
    redis_external: bool = False
    redis_server: RedisServerSettings = field(default_factory=RedisServerSettings)

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
        default_limit = _env_int(env, "CONNECTIONS_DEFAULT_LIMIT", 20, minimum=1)
        max_limit = _env_int(env, "CONNECTIONS_MAX_LIMIT", 100, minimum=1)
        if default_limit > max_limit:
            raise ConfigError(
                f"CONNECTIONS_DEFAULT_LIMIT ({default_limit}) exceeds "
                f"CONNECTIONS_MAX_LIMIT ({max_limit})"
            )
        return cls(
            neo4j_uri=external_uri or server.bolt_uri,
            neo4j_user=_env_str(env, "NEO4J_USER", "neo4j"),
            neo4j_password=password,
            neo4j_database=_env_str(env, "NEO4J_DATABASE", "neo4j"),
            neo4j_external=bool(external_uri),
            query_timeout=_env_float(env, "NEO4J_QUERY_TIMEOUT", 5.0),
            neo4j_pool_size=_env_int(env, "NEO4J_POOL_SIZE", 50, minimum=1),
            neo4j_connection_timeout=_env_float(env, "NEO4J_CONNECTION_TIMEOUT", 2.0),
            breaker_probe_seconds=_env_float(env, "NEO4J_BREAKER_PROBE_SECONDS", 0.5),
            readiness_cache_seconds=_env_float(env, "READINESS_CACHE_SECONDS", 1.0),
            allowed_hosts=_env_hosts(env, "ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS),
            jwt_secret=jwt_secret,
            default_limit=default_limit,
            max_limit=max_limit,
            trust_forwarded=_env_bool(env, "TRUST_FORWARDED_HEADERS", False),
            follow_enabled=_env_bool(env, "FOLLOW_ENABLED", False),
            content_availability=_env_bool(env, "CONTENT_AVAILABILITY", True),
            settings_refresh_seconds=_env_float(env, "SETTINGS_REFRESH_SECONDS", 2.0),
            selfcommunity_webhook_secret=env.get("SELFCOMMUNITY_WEBHOOK_SECRET", "").strip(),
            selfcommunity_webhook_tolerance=_env_float(
                env, "SELFCOMMUNITY_WEBHOOK_TOLERANCE", 300.0
            ),
            webhook_retry_scale=_env_float(env, "WEBHOOK_RETRY_SCALE", 1.0),
            webhook_timeout=_env_float(env, "WEBHOOK_TIMEOUT", 10.0),
            webhook_poll_seconds=_env_float(env, "WEBHOOK_POLL_SECONDS", 0.5),
            webhook_metrics_port=_env_int(env, "WEBHOOK_METRICS_PORT", 0),
            suggestion_precompute_min_degree=_env_int(
                env, "SUGGESTION_PRECOMPUTE_MIN_DEGREE", 5_000, minimum=1
            ),
            suggestion_precompute_top=_env_int(env, "SUGGESTION_PRECOMPUTE_TOP", 1_000, minimum=1),
            suggestion_refresh_seconds=_env_float(env, "SUGGESTION_REFRESH_SECONDS", 3600.0),
            suggestion_refresh_timeout=_env_float(env, "SUGGESTION_REFRESH_TIMEOUT", 900.0),
            server=server,
            redis_url=env.get("REDIS_URL", "").strip() or redis_server.url,
            redis_external=bool(env.get("REDIS_URL", "").strip()),
            redis_server=redis_server,
        )
