"""Load a generated community into Neo4j: over Bolt, or offline with neo4j-admin when that wins."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.config import Settings
from service.graph import cypher, db
from service.ingest import bulk
from service.ingest.generate import DEMO, GeneratorConfig, write_import_files
from service.ingest.importing import GraphCounts, Importer
from service.ops.neo4j_server import LocalNeo4j

log = logging.getLogger(__name__)

# Below this many expected relationships Bolt wins: the bulk path pays a server stop and restart
# (~30 s here) that a small Bolt load never reaches (see bench/RESULTS.md).
BULK_MIN_RELATIONSHIPS = 300_000
METHODS = ("auto", "bolt", "bulk")


class LoadError(Exception):
    """The generated graph cannot be loaded as asked; one line for the operator."""


@dataclass(frozen=True)
class LoadResult:
    method: str
    users: int
    connections: int
    requests: int
    generate_seconds: float
    load_seconds: float
    after: GraphCounts
    phases: dict[str, float] | None = None

    def describe(self) -> str:
        text = (
            f"loaded {self.users} users, {self.connections} connections, {self.requests} "
            f"requests via {self.method}: generated in {self.generate_seconds:.1f}s, loaded "
            f"in {self.load_seconds:.1f}s"
        )
        if self.phases:
            text += " (" + ", ".join(f"{k} {v:.1f}s" for k, v in self.phases.items()) + ")"
        return text


def checkpoint_waiter(settings: Settings) -> Callable[[float], object] | None:
    """The managed server's wait for its next checkpoint; None for a server given by NEO4J_URI."""
    return None if settings.neo4j_external else LocalNeo4j(settings.server).await_checkpoint


def choose_method(
    settings: Settings, cfg: GeneratorConfig, counts: GraphCounts, method: str
) -> str:
    """`bulk` only for the managed server's empty database (it replaces it); else `bolt`."""
    empty = counts == GraphCounts(0, 0, 0)
    if method == "bulk":
        if settings.neo4j_external:
            raise LoadError("--method bulk needs the project's managed Neo4j (NEO4J_URI is set)")
        if not empty:
            raise LoadError(
                f"--method bulk replaces the database, which holds {counts.users} "
                f"users; use --method bolt to add to it"
            )
        return "bulk"
    if method == "auto":
        big = cfg.users * cfg.avg_degree / 2 >= BULK_MIN_RELATIONSHIPS
        return "bulk" if empty and big and not settings.neo4j_external else "bolt"
    return "bolt"


def load_generated(
    settings: Settings,
    cfg: GeneratorConfig,
    *,
    method: str = "auto",
    out_dir: Path | None = None,
    batch_size: int = 5000,
    progress: bool = True,
) -> LoadResult:
    """Generate `cfg`'s graph and load it; the totals afterwards must equal what was generated."""
    with db.create_driver(settings) as driver:
        driver.verify_connectivity()
        db.init_schema(driver, settings.neo4j_database, checkpoint_waiter(settings))
        before = Importer(driver, settings.neo4j_database).count_graph()
    chosen = choose_method(settings, cfg, before, method)
    with tempfile.TemporaryDirectory(prefix="connections-generate-") as tmp:
        work_dir = out_dir or Path(tmp)
        started = time.monotonic()
        phases = None
        if chosen == "bulk":
            files = bulk.write_admin_csvs(cfg, work_dir)
            generated = time.monotonic()
            phases = bulk.import_admin_csvs(settings, files)
        else:
            files = write_import_files(cfg, work_dir)
            generated = time.monotonic()
            with db.create_driver(settings) as driver:
                Importer(
                    driver,
                    settings.neo4j_database,
                    batch_size=batch_size,
                    progress=progress,
                    await_checkpoint=checkpoint_waiter(settings),
                ).import_files(files.users_path, files.connections_path, files.requests_path)
        loaded = time.monotonic()
    with db.create_driver(settings) as driver:
        after = Importer(driver, settings.neo4j_database).count_graph()
    expected = GraphCounts(
        before.users + files.users,
        before.connections + files.connections,
        before.requests + files.requests,
    )
    if before == GraphCounts(0, 0, 0) and after != expected:
        raise LoadError(f"the graph holds {after} after loading, expected {expected}")
    return LoadResult(
        chosen,
        files.users,
        files.connections,
        files.requests,
        generated - started,
        loaded - generated,
        after,
        phases,
    )


@dataclass(frozen=True)
class Demo:
    loaded: LoadResult | None
    user_id: int | None
    degree: int


def ensure_demo(
    settings: Settings, cfg: GeneratorConfig | None = None, progress: bool = True
) -> Demo:
    """Load the demo community when the database has no users; return a user to show."""
    cfg = cfg or DEMO
    with db.create_driver(settings) as driver:
        driver.verify_connectivity()
        empty = Importer(driver, settings.neo4j_database).count_graph().users == 0
    loaded = load_generated(settings, cfg, method="bolt", progress=progress) if empty else None
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("ingest/sample_user"),
            min_degree=12,
            database_=settings.neo4j_database,
            routing_="r",
        )
    if not records:
        return Demo(loaded, None, 0)
    return Demo(loaded, records[0]["id"], records[0]["degree"])
