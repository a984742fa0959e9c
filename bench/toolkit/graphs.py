"""A generated graph in a managed Neo4j instance of its own, built once and reused.

Every benchmark that needs a generated graph asks for it by its GeneratorConfig: the instance
is named after the config (`graph-<users>-<degree>-<supernodes>x<degree>-s<seed>`), so
`bench.deep`, `bench.analytics`, `bench.pages` and `bench.cache` at the same size share one
build (the 1M reference graph takes ~7 min to bulk-load). The instance's stamp holds the
generator's version and the config; a stale or partial build is wiped and rebuilt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import fields

from bench.toolkit import ROOT
from bench.toolkit.instances import bench_ports, generate_command, instance_env, own_neo4j
from service.config import Settings
from service.graph import db
from service.ingest.generate import GeneratorConfig
from service.ops.neo4j_server import LocalNeo4j

# Bump when the generator or the loaded model changes: a stale graph is rebuilt, not reused.
GENERATOR_VERSION = "generator v2 (supernode weight solved); per-direction CONNECTED_TO"

# The reference size of every claim "at depth" (README, bench/RESULTS.md).
REFERENCE_1M = GeneratorConfig(
    users=1_000_000, avg_degree=21, seed=1, supernodes=5, supernode_degree=100_000
)


# The knobs a benchmark's command line may turn, as `--users`, `--avg-degree`, ...
GRAPH_OPTIONS = (
    ("users", int),
    ("avg_degree", float),
    ("supernodes", int),
    ("supernode_degree", int),
    ("seed", int),
)


def add_graph_options(parser: argparse.ArgumentParser, default: GeneratorConfig) -> None:
    """The generated graph's knobs as options of `parser`, each defaulting to `default`'s."""
    for field, kind in GRAPH_OPTIONS:
        option = "--" + field.replace("_", "-")
        parser.add_argument(option, type=kind, default=getattr(default, field))


def graph_config(args: argparse.Namespace) -> GeneratorConfig:
    """The graph that options added by `add_graph_options` describe."""
    return GeneratorConfig(**{field: getattr(args, field) for field, _ in GRAPH_OPTIONS})


def instance_name(cfg: GeneratorConfig) -> str:
    degree = f"{cfg.avg_degree:g}".replace(".", "_")
    return f"graph-{cfg.users}-{degree}-{cfg.supernodes}x{cfg.supernode_degree}-s{cfg.seed}"


def stamp_of(cfg: GeneratorConfig) -> str:
    # Canonical numbers: `--avg-degree 21` parses as 21.0, the reference config says 21, and
    # a stamp that told them apart would wipe and rebuild a 7-minute graph for nothing.
    knobs = ", ".join(f"{f.name}={float(getattr(cfg, f.name))!r}" for f in fields(cfg))
    return f"{GENERATOR_VERSION}; {knobs}"


def generated_graph(
    cfg: GeneratorConfig, *, heap: str = "2g", pagecache: str = "4g"
) -> tuple[LocalNeo4j, Settings]:
    """`(server, settings)` of the started instance holding `cfg`'s graph, bulk-loaded first
    unless its stamp matches. Ports: BENCH_BOLT_PORT/BENCH_HTTP_PORT; memory: NEO4J_HEAP /
    NEO4J_PAGECACHE when set, else `heap` / `pagecache`."""
    env = os.environ

    def instance() -> tuple[LocalNeo4j, Settings]:
        return own_neo4j(
            instance_name(cfg),
            *bench_ports(),
            NEO4J_HEAP=env.get("NEO4J_HEAP", heap),
            NEO4J_PAGECACHE=env.get("NEO4J_PAGECACHE", pagecache),
        )

    server, settings = instance()
    stamp = server.settings.home / "graph.stamp"
    if stamp.exists() and stamp.read_text() == stamp_of(cfg):
        _log(f"reusing the graph in {server.settings.home} ({cfg})")
    else:
        _log(f"building {cfg} in {server.settings.home} (1M users: ~7 min; progress below)")
        server.stop()
        shutil.rmtree(server.settings.home, ignore_errors=True)
        server, _ = instance()
        server.start()
        subprocess.run(
            [*generate_command(cfg), "--method=bulk"],
            env=instance_env(server.settings),
            check=True,
            cwd=ROOT,
        )
        stamp.write_text(stamp_of(cfg))
        # The rebuilt instance has a password of its own: read the settings again.
        server, settings = instance()
    server.start()
    with db.create_driver(settings) as driver:
        db.init_schema(driver, settings.neo4j_database)  # indexes added since the build
    return server, settings


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    # `python -m bench.toolkit.graphs`: build (or check) the 1M reference graph ahead of a bench.
    _, built = generated_graph(REFERENCE_1M)
    _log(f"ready: {built.neo4j_uri}")
