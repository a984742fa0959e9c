"""bench/cache_sweeps.py against a real Neo4j and a real Redis: the exclusion check counts
exactly the suggested users who are connected or have a request, and the entry sizes and the
whole-graph figure come from what Redis holds."""

from __future__ import annotations

import pytest

from bench import cache_sweeps
from tests.integration import seed

pytestmark = pytest.mark.integration


def test_related_suggested_counts_connections_and_requests_either_way(clean_db, neo4j_settings):
    database = neo4j_settings.neo4j_database
    seed.create_users(clean_db, database, [seed.user_props(i) for i in range(1, 7)])
    seed.connect_pairs(clean_db, database, [(1, 2, None)])
    seed.request(clean_db, database, [(1, 3), (4, 1)])
    answers = {1: [2, 3, 4, 5, 6], 5: [6]}
    assert cache_sweeps.related_suggested(clean_db, database, answers) == 3
    assert cache_sweeps.related_suggested(clean_db, database, {1: [5, 6]}) == 0


def test_memory_by_kind_measures_what_redis_holds(redis_client):
    for i in range(30):
        redis_client.set(f"c:uj:{i}", "x" * 200)
        redis_client.set(f"c:v:{i}", i)
    redis_client.hset("c:cl:1", "0:20", "y" * 1000)
    redis_client.set("c:w", 5)
    kinds = cache_sweeps.memory_by_kind(redis_client, per_kind=10)
    assert kinds["c:uj:"]["keys"] == 30 and kinds["c:v:"]["keys"] == 30
    assert kinds["c:cl:"]["keys"] == 1 and kinds["c:w"]["keys"] == 1
    assert kinds["c:uj:"]["mean bytes"] > 200 > kinds["c:v:"]["mean bytes"]
    assert kinds["c:cl:"]["mean bytes"] > 1000
    per_user = kinds["c:uj:"]["mean bytes"] + kinds["c:cl:"]["mean bytes"]
    assert cache_sweeps.whole_graph_bytes(kinds, 1_000_000) == per_user * 1_000_000
