"""The driver writes and reads users and connections on the real server; the schema holds."""

import pytest
from neo4j.exceptions import ConstraintError

from service.graph import cypher


def test_users_and_connections_round_trip(clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    clean_db.execute_query(
        "UNWIND $ids AS id CREATE (:User {id: id, username: 'u' + toString(id)})",
        ids=[1, 2, 3],
        database_=db,
    )
    clean_db.execute_query(
        cypher.query("ingest/merge_connections"),
        rows=[{"a": 1, "b": 2, "created_at": None}, {"a": 1, "b": 3, "created_at": None}],
        database_=db,
    )
    records, _, _ = clean_db.execute_query(
        "MATCH (:User {id: 1})-[:CONNECTED_TO]->(o:User) RETURN o.username AS name ORDER BY name",
        database_=db,
    )
    assert [r["name"] for r in records] == ["u2", "u3"]
    # one connection = one relationship each way, each owned by its start user
    records, _, _ = clean_db.execute_query(
        "MATCH (a:User)-[c:CONNECTED_TO]->(b:User) "
        "RETURN a.id AS a, b.id AS b, c.owner AS owner, c.neg_other AS neg ORDER BY a, b",
        database_=db,
    )
    assert [tuple(r.values()) for r in records] == [
        (1, 2, 1, -2),
        (1, 3, 1, -3),
        (2, 1, 2, -1),
        (3, 1, 3, -1),
    ]


def test_user_id_is_unique(clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    clean_db.execute_query("CREATE (:User {id: 7, username: 'a'})", database_=db)
    with pytest.raises(ConstraintError):
        clean_db.execute_query("CREATE (:User {id: 7, username: 'b'})", database_=db)


def test_schema_bootstrap_is_idempotent(driver, neo4j_settings):
    from service.graph import db

    first = db.init_schema(driver, neo4j_settings.neo4j_database)
    second = db.init_schema(driver, neo4j_settings.neo4j_database)
    assert first == second == cypher.names("schema/")
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS n",
        database_=neo4j_settings.neo4j_database,
    )
    assert "user_id_unique" in records[0]["n"]


def test_graph_layer_ping(graph):
    assert graph.health.ping() is True
