"""The system under test: a killable Neo4j of the chaos run's own, and the service under gunicorn."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.toolkit.instances import own_neo4j
from bench.toolkit.launcher import Gunicorn
from service.config import Settings
from service.domain import auth
from service.graph import db
from service.graph.health import Health
from service.graph.runner import Runner
from service.ingest.generate import GeneratorConfig
from service.ingest.importing import Importer
from service.ingest.loading import load_generated
from service.ops.neo4j_server import LocalNeo4j

SECRET = "chaos-secret-0123456789abcdef0123456789"
# CHAOS_USERS sizes it (default 2,000; 300k+ relationships load with neo4j-admin, as `generate`).
_USERS = int(os.environ.get("CHAOS_USERS", "2000"))
COMMUNITY = GeneratorConfig(
    users=_USERS,
    avg_degree=10,
    supernodes=2,
    supernode_degree=max(400, _USERS // 20),
    request_share=0.05,
    seed=13,
)


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def chaos_instance(env: dict | None = None) -> Neo4jUnderTest:
    """The throwaway instance (CHAOS_INSTANCE, default `chaos`) on CHAOS_BOLT_PORT /
    CHAOS_HTTP_PORT (default 7690 / 7477), its memory and checkpoint interval from CHAOS_*."""
    env = dict(os.environ if env is None else env)
    server, settings = own_neo4j(
        env.get("CHAOS_INSTANCE", "chaos"),
        env.get("CHAOS_BOLT_PORT", "7690"),
        env.get("CHAOS_HTTP_PORT", "7477"),
        env={**env, "JWT_SECRET": SECRET},
        NEO4J_HEAP=env.get("CHAOS_HEAP", "512m"),
        NEO4J_PAGECACHE=env.get("CHAOS_PAGECACHE", "256m"),
        NEO4J_CHECKPOINT_INTERVAL=env.get("CHAOS_CHECKPOINT_INTERVAL", "30"),
    )
    return Neo4jUnderTest(server, settings)


class Neo4jUnderTest:
    """A managed instance this script owns: start, load, SIGKILL by its PID file, restart."""

    def __init__(self, server: LocalNeo4j, settings: Settings):
        self.server, self.settings = server, settings

    def start_and_load(self) -> dict:
        started = time.monotonic()
        self.server.start()
        figures = {"start_seconds": round(time.monotonic() - started, 1)}
        with db.create_driver(self.settings) as driver:
            users = Importer(driver).count_graph().users
        if users == 0:
            # Schema, data, then the wait for a checkpoint (crash-safe from here).
            result = load_generated(self.settings, COMMUNITY, method="auto", progress=False)
            figures["load"] = result.describe()
        figures["store"] = self.store_sizes()
        return figures

    def kill9(self) -> float:
        if self.server.pid() is None:
            raise RuntimeError("the chaos Neo4j is not running")
        killed = time.monotonic()
        self.server.kill()
        return killed

    def restart(self) -> float:
        """Start again after a kill; returns the monotonic time it answered `RETURN 1`."""
        self.server.pid_file.unlink(missing_ok=True)
        self.server.start()
        return time.monotonic()

    def store_sizes(self) -> dict:
        """On-disk sizes (MiB) of the database's store files and its transaction logs."""
        data = self.server.settings.data_path

        def mib(folder: Path) -> float:
            files = folder.rglob("*") if folder.exists() else []
            return round(sum(f.stat().st_size for f in files if f.is_file()) / 2**20, 1)

        return {
            "store_mib": mib(data / "databases" / "neo4j"),
            "tx_logs_mib": mib(data / "transactions" / "neo4j"),
        }

    def index_states(self) -> dict:
        with db.create_driver(self.settings) as driver:
            return Health(Runner(driver)).index_states()

    def counts(self):
        with db.create_driver(self.settings) as driver:
            return Importer(driver).count_graph()

    def stop(self, delete: bool = False) -> None:
        self.server.stop()
        if delete:
            shutil.rmtree(self.server.home, ignore_errors=True)


def chaos_gunicorn(
    settings: Settings,
    workers: int = 2,
    log_path: Path | None = None,
    worker_class: str | None = None,
) -> Gunicorn:
    """The service under gunicorn against the chaos Neo4j, returned once the load's paths
    answer below 500 (the token's user may be inactive in the generated community: 401 is an
    answer)."""
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        "JWT_SECRET": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="chaos-metrics-"),
    }
    token = auth.mint_token(1, SECRET, ttl_seconds=600)
    return Gunicorn(
        env,
        workers=workers,
        worker_class=worker_class,
        log_path=log_path,
        warm_paths=("/api/v2/user/1/connections/?limit=50", "/api/v2/suggestion/user/?limit=50"),
        warm_headers={"Authorization": f"Bearer {token}"},
    )
