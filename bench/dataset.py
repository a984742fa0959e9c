"""The benchmark data set, in its own managed Neo4j instance (`bench`), loaded once.

A degree ladder: hub users with exactly 10, 100, 1,000, 10,000 and 100,000 connections to
distinct leaf users, written through the importer's own query. With NEO4J_URI set, that server
is used instead (and must be disposable: the ladder is added to it).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

from bench.toolkit.instances import bench_ports, own_neo4j
from service.config import Settings
from service.graph import cypher, db

DEGREES = (10, 100, 1_000, 10_000, 100_000)
HUB_BASE = 900_000_000  # hub for degree d: HUB_BASE + index
LEAF_BASE = 910_000_000
BATCH = 10_000
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def hub_id(degree: int) -> int:
    return HUB_BASE + DEGREES.index(degree)


def bench_settings() -> Settings:
    """Settings for the bench instance (started if needed), or NEO4J_URI's server."""
    if os.environ.get("NEO4J_URI"):
        return Settings.from_env()
    server, settings = own_neo4j(
        "bench",
        *bench_ports(),
        NEO4J_HEAP=os.environ.get("NEO4J_HEAP", "2g"),
        NEO4J_PAGECACHE=os.environ.get("NEO4J_PAGECACHE", "2g"),
    )
    server.start()
    return settings


def _write(driver, database, name, rows):
    with driver.session(database=database) as session:
        session.execute_write(lambda tx: tx.run(cypher.query(name), rows=rows).consume())


def ensure_ladder(settings: Settings) -> None:
    """Load the degree ladder unless it is already there (checked by the top hub's degree)."""
    with db.create_driver(settings) as driver:
        db.init_schema(driver, settings.neo4j_database)
        records, _, _ = driver.execute_query(
            cypher.query("api/count_user_connections"),
            user_id=hub_id(DEGREES[-1]),
            database_=settings.neo4j_database,
        )
        if records[0]["count"] == DEGREES[-1]:
            return
        started = time.monotonic()
        leaves = sum(DEGREES)
        users = [_user(hub_id(d)) for d in DEGREES]
        users += [_user(LEAF_BASE + i) for i in range(leaves)]
        for i in range(0, len(users), BATCH):
            _write(driver, settings.neo4j_database, "ingest/upsert_users", users[i : i + BATCH])
        leaf = LEAF_BASE
        done = 0
        for degree in DEGREES:
            rows = []
            for j in range(degree):
                # every 7th connection shares its timestamp with the previous: exercises the tie-break
                seconds = (j - (j % 7 == 1)) * 60
                at = EPOCH + dt.timedelta(seconds=seconds)
                rows.append({"a": hub_id(degree), "b": leaf, "created_at": at})
                leaf += 1
            for i in range(0, len(rows), BATCH):
                _write(
                    driver, settings.neo4j_database, "ingest/merge_connections", rows[i : i + BATCH]
                )
                done += len(rows[i : i + BATCH])
                print(
                    f"\rloading degree ladder: {done}/{leaves} connections",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
        print(f"\nloaded the degree ladder in {time.monotonic() - started:.0f}s", file=sys.stderr)


def _user(user_id: int) -> dict:
    """A row for ingest/upsert_users: the importer's own shape."""
    props = {
        "username": f"bench{user_id}",
        "real_name": f"Bench {user_id}",
        "status": "a",
        "gender": "Unspecified",
        "tags_json": "[]",
        "reputation": 0,
    }
    return {"id": user_id, "props": props, "date_joined": EPOCH}


COMMUNITY = dict(users=20_000, avg_degree=12.0, supernodes=2, supernode_degree=3_000, seed=7)
SAMPLE_QUERY = "loadtest/sample_users"


def ensure_community(settings: Settings) -> list[int]:
    """A generated 20k-user community (ids below the ladder's), loaded once; returns its ids
    that have connections, for benchmarks that pick users at random."""
    from service.ingest.generate import GeneratorConfig
    from service.ingest.loading import load_generated

    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query("api/count_user_connections"), user_id=1, database_=settings.neo4j_database
        )
    if not records[0]["found"]:
        print("loading the 20k-user benchmark community (once)...", file=sys.stderr, flush=True)
        load_generated(settings, GeneratorConfig(**COMMUNITY), method="auto")
    with db.create_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            cypher.query(SAMPLE_QUERY), n=2_000, database_=settings.neo4j_database
        )
    return [r["id"] for r in records if r["id"] < HUB_BASE and r["degree"] > 0]
