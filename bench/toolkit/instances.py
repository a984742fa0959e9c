"""A managed Neo4j instance of a benchmark's or a test's own, and the Settings that reach it."""

from __future__ import annotations

import dataclasses
import os

from service.config import Neo4jServerSettings, Settings
from service.ops.neo4j_server import LocalNeo4j


def bench_ports(offset: int = 0) -> tuple[int, int]:
    """(bolt, http): BENCH_BOLT_PORT / BENCH_HTTP_PORT (default 7688 / 7475) plus `offset`."""
    env = os.environ
    bolt = int(env.get("BENCH_BOLT_PORT", "7688"))
    return bolt + offset, int(env.get("BENCH_HTTP_PORT", "7475")) + offset


def own_neo4j(
    name: str,
    bolt_port: int | str,
    http_port: int | str,
    *,
    env: dict | None = None,
    base: Settings | None = None,
    **neo4j: str,
) -> tuple[LocalNeo4j, Settings]:
    """`(server, settings)` for instance `name` on its own ports (not started yet): NEO4J_*
    overrides in `neo4j` (NEO4J_HEAP="512m"), never the password, data or URI of the server
    the environment points at. `settings` is `base` (else Settings from `env`) pointed at it."""
    env = dict(os.environ if env is None else env)
    server = Neo4jServerSettings.own_instance(name, bolt_port, http_port, env, **neo4j)
    if base is None:
        base = Settings.from_env({**env, "NEO4J_URI": ""})
    settings = dataclasses.replace(
        base,
        neo4j_uri=server.bolt_uri,
        neo4j_password=server.resolve_password(),
        neo4j_external=False,
        neo4j_database="neo4j",
        server=server,
    )
    return LocalNeo4j(server), settings


def instance_env(server: Neo4jServerSettings, env: dict | None = None) -> dict[str, str]:
    """An environment in which the `connections` command manages `server` (and only it)."""
    env = dict(os.environ if env is None else env)
    for inherited in ("NEO4J_PASSWORD", "NEO4J_DATA_DIR", "NEO4J_URI"):
        env.pop(inherited, None)
    return {
        **env,
        "NEO4J_INSTANCE": server.instance,
        "NEO4J_BOLT_PORT": str(server.bolt_port),
        "NEO4J_HTTP_PORT": str(server.http_port),
        "NEO4J_HEAP": server.heap,
        "NEO4J_PAGECACHE": server.pagecache,
    }


def bench_instance(name: str, heap: str, pagecache: str) -> tuple[LocalNeo4j, Settings]:
    """A benchmark's own instance on `bench_ports()`, memory from NEO4J_HEAP / NEO4J_PAGECACHE
    when set, else `heap` / `pagecache` (not started)."""
    env = os.environ
    return own_neo4j(
        name,
        *bench_ports(),
        NEO4J_HEAP=env.get("NEO4J_HEAP", heap),
        NEO4J_PAGECACHE=env.get("NEO4J_PAGECACHE", pagecache),
    )


def neo4j_env(settings: Settings, **extra: object) -> dict[str, str]:
    """This process's environment with `settings`' Neo4j and `extra`: a child's environment."""
    return {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        **{k: str(v) for k, v in extra.items()},
    }


def generate_command(cfg) -> list[str]:
    """`connections generate ... --load` for a generator config (service.ingest's
    GeneratorConfig): the graph a benchmark builds into its own instance."""
    from service.config import PROJECT_ROOT

    return [
        str(PROJECT_ROOT / ".venv" / "bin" / "connections"),
        "generate",
        f"--users={cfg.users}",
        f"--avg-degree={cfg.avg_degree}",
        f"--seed={cfg.seed}",
        f"--supernodes={cfg.supernodes}",
        f"--supernode-degree={cfg.supernode_degree}",
        "--load",
    ]
