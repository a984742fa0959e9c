"""The neo4j-admin bulk path builds exactly the graph the Bolt path builds.

The bulk import replaces a whole database with the server stopped, so it runs on its own
throwaway managed instance (`bulktest`, on the test ports + 200), never the shared test one.
"""

import shutil

import pytest

from service.graph import db
from service.ingest.bulk import import_admin_csvs, write_admin_csvs
from service.ingest.generate import GeneratorConfig
from service.ingest.loading import load_generated
from tests.conftest import throwaway_instance
from tests.integration.ingest.test_import import dump_graph

CFG = GeneratorConfig(
    users=300, avg_degree=6, supernodes=1, supernode_degree=100, request_share=0.1, seed=8
)


@pytest.fixture(scope="module")
def bulk_settings(neo4j_settings):
    """Settings for a throwaway managed instance; stopped and deleted afterwards."""
    server, settings = throwaway_instance(
        neo4j_settings,
        "bulktest",
        200,
        # The bulk path waits for a checkpoint after building the indexes; keep it short.
        NEO4J_CHECKPOINT_INTERVAL="5",
    )
    yield settings
    server.stop()
    shutil.rmtree(settings.server.home, ignore_errors=True)


def test_bulk_and_bolt_build_the_same_graph(bulk_settings, neo4j_settings, clean_db, tmp_path):
    files = write_admin_csvs(CFG, tmp_path)
    import_admin_csvs(bulk_settings, files)  # starts the instance on the imported store
    bolt = load_generated(neo4j_settings, CFG, method="bolt", progress=False)
    assert bolt.method == "bolt"
    with db.create_driver(bulk_settings) as bulk_driver:
        bulk_graph = dump_graph(bulk_driver, "neo4j")
        constraints, _, _ = bulk_driver.execute_query("SHOW CONSTRAINTS YIELD name")
    bolt_graph = dump_graph(clean_db, neo4j_settings.neo4j_database)
    assert len(bulk_graph[0]) == CFG.users
    assert len(bulk_graph[1]) == files.connections + files.requests
    assert bulk_graph == bolt_graph
    assert "user_id_unique" in {r["name"] for r in constraints}  # schema applied after import
