"""`connections export` and `import --from` on a real Neo4j: the snapshot, the files, the round trip."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl
import pytest

from service import cli
from service.analytics import snapshot
from service.analytics.export import Exporter
from service.analytics.snapshot import ExportError
from service.ingest.generate import GeneratorConfig, write_import_files
from service.ingest.importing import Importer

pytestmark = pytest.mark.integration

SMALL = GeneratorConfig(users=300, avg_degree=8, supernodes=1, supernode_degree=80, seed=3)


@pytest.fixture
def community(clean_db, neo4j_settings, tmp_path, cli_env):
    """A generated community with every User field, pending and one rejected request."""
    files = write_import_files(SMALL, tmp_path / "files")
    Importer(clean_db, neo4j_settings.neo4j_database, progress=False).import_files(
        files.users_path, files.connections_path, files.requests_path
    )
    clean_db.execute_query(
        "MATCH ()-[r:CONNECTION_REQUEST]->() WITH r ORDER BY r.created_at LIMIT 1 "
        "SET r.rejected = datetime('2025-03-04T05:06:07.123456Z')",
        database_=neo4j_settings.neo4j_database,
    )
    return clean_db


def export(driver, settings, out, fmt="parquet", page=70):
    # Chunks smaller than the graph: the chunked scans and the batch writers are exercised.
    return Exporter(driver, settings.neo4j_database, page=page, progress=False).export(out, fmt)


def tables(folder):
    return {name: snapshot.read_table(folder, name) for name in snapshot.TABLES}


def counts(driver, settings):
    records, _, _ = driver.execute_query(
        "CALL () { MATCH (u:User) RETURN count(u) AS users } "
        "CALL () { MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) / 2 AS connections } "
        "CALL () { MATCH ()-[r:CONNECTION_REQUEST]->() RETURN count(r) AS requests } "
        "RETURN users, connections, requests",
        database_=settings.neo4j_database,
    )
    return records[0].data()


def test_export_writes_every_table_and_a_manifest(community, neo4j_settings, tmp_path):
    manifest = export(community, neo4j_settings, tmp_path / "out")
    assert {
        "users": manifest.users,
        "connections": manifest.connections,
        "requests": manifest.requests,
    } == counts(community, neo4j_settings)
    assert manifest.format_version == snapshot.FORMAT_VERSION
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert on_disk["users"] == 300 and on_disk["event_id"] == 0
    got = tables(tmp_path / "out")
    assert got["users"].num_rows == manifest.users
    assert got["users"].column_names == snapshot.USERS_SCHEMA.names
    ids = got["users"].column("id").to_pylist()  # in storage order, each user once
    stored, _, _ = community.execute_query(
        "MATCH (u:User) RETURN collect(u.id) AS ids", database_=neo4j_settings.neo4j_database
    )
    assert len(set(ids)) == len(ids) and set(ids) == set(stored[0]["ids"])
    pairs = list(
        zip(
            got["connections"].column("user_id").to_pylist(),
            got["connections"].column("other_id").to_pylist(),
            strict=True,
        )
    )
    assert all(a < b for a, b in pairs) and len(set(pairs)) == manifest.connections
    rejected = [r for r in got["requests"].column("rejected").to_pylist() if r is not None]
    assert rejected == [dt.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=dt.UTC)]


def test_the_manifest_names_the_event_log_position(community, neo4j_settings, tmp_path):
    community.execute_query(
        "CREATE (:EventLog {name: 'events', last_id: 42})", database_=neo4j_settings.neo4j_database
    )
    assert export(community, neo4j_settings, tmp_path / "out").event_id == 42


def test_an_export_that_saw_a_write_reads_again_and_fails_when_writes_never_pause(
    community, neo4j_settings, tmp_path, monkeypatch, capsys
):
    database = neo4j_settings.neo4j_database
    real_users = Exporter._users
    new_ids = iter(range(10_001, 10_100))
    writes_left = [1]

    def users_while_someone_writes(self, tx, position):
        if writes_left[0]:  # committed by another session while this transaction reads
            writes_left[0] -= 1
            community.execute_query(
                "CREATE (:User {id: $id, status: 'a'})", id=next(new_ids), database_=database
            )
        yield from real_users(self, tx, position)

    monkeypatch.setattr(Exporter, "_users", users_while_someone_writes)
    manifest = export(community, neo4j_settings, tmp_path / "out")
    assert "the graph changed while it was read (users 300 -> 301" in capsys.readouterr().err
    assert manifest.users == 301 == tables(tmp_path / "out")["users"].num_rows

    writes_left[0] = 99  # a write during every attempt
    with pytest.raises(ExportError, match="changed while it was read, in each of 3 attempts"):
        export(community, neo4j_settings, tmp_path / "again")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_import_of_an_export_is_the_graph_again(community, neo4j_settings, tmp_path, fmt, capsys):
    export(community, neo4j_settings, tmp_path / "first", fmt)
    first = tables(tmp_path / "first")
    community.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.neo4j_database)
    assert cli.main(["import", "--from", str(tmp_path / "first"), "--no-progress"]) == 0
    assert "restored 300 users" in capsys.readouterr().out
    export(community, neo4j_settings, tmp_path / "second", fmt)
    second = tables(tmp_path / "second")
    for name in snapshot.TABLES:
        key = {"users": ["id"], "connections": ["user_id", "other_id"]}.get(
            name, ["from_id", "to_id"]
        )
        assert (
            second[name]
            .sort_by([(k, "ascending") for k in key])
            .equals(first[name].sort_by([(k, "ascending") for k in key]))
        ), name
    # Imported requests are numbered like any imported request (the API lists them by id).
    records, _, _ = community.execute_query(
        "MATCH ()-[r:CONNECTION_REQUEST]->() WHERE r.id IS NULL RETURN count(r) AS n",
        database_=neo4j_settings.neo4j_database,
    )
    assert records[0]["n"] == 0


def test_duckdb_and_polars_read_the_files_as_they_are(community, neo4j_settings, tmp_path):
    manifest = export(community, neo4j_settings, tmp_path / "pq")
    export(community, neo4j_settings, tmp_path / "csv", "csv")
    con = duckdb.connect()
    for folder, suffix in ((tmp_path / "pq", "parquet"), (tmp_path / "csv", "csv")):
        users = pl.read_parquet if suffix == "parquet" else pl.read_csv
        assert users(folder / f"users.{suffix}").height == manifest.users
        reader = "read_parquet" if suffix == "parquet" else "read_csv"
        degree = con.execute(
            f"SELECT max(d) FROM (SELECT id, count(*) AS d FROM ("
            f"SELECT user_id AS id FROM {reader}('{folder}/connections.{suffix}') UNION ALL "
            f"SELECT other_id FROM {reader}('{folder}/connections.{suffix}')) GROUP BY id)"
        ).fetchone()[0]
        records, _, _ = community.execute_query(
            "MATCH (u:User) RETURN max(COUNT { (u)-[:CONNECTED_TO]->() }) AS d",
            database_=neo4j_settings.neo4j_database,
        )
        assert degree == records[0]["d"]
        staff = con.execute(
            f"SELECT count(*) FROM {reader}('{folder}/users.{suffix}') WHERE is_staff"
        ).fetchone()[0]
        assert staff == pl.read_parquet(tmp_path / "pq" / "users.parquet")["is_staff"].sum()


def test_graphml_opens_in_networkx_and_is_refused_above_its_size(
    community, neo4j_settings, tmp_path, monkeypatch
):
    import networkx as nx

    manifest = export(community, neo4j_settings, tmp_path / "g", "graphml")
    graph = nx.read_graphml(tmp_path / "g" / "graph.graphml")
    assert graph.number_of_nodes() == manifest.users
    assert graph.number_of_edges() == manifest.connections
    monkeypatch.setattr("service.analytics.export.GRAPHML_MAX_USERS", 299)
    with pytest.raises(ExportError, match="at most 299 users"):
        export(community, neo4j_settings, tmp_path / "g2", "graphml")


def test_export_cli_and_its_errors(community, neo4j_settings, tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli.main(["export", "--out", str(out), "--no-progress"]) == 0
    assert "exported 300 users" in capsys.readouterr().out
    (tmp_path / "file").write_text("x")
    assert cli.main(["export", "--out", str(tmp_path / "file"), "--no-progress"]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    assert cli.main(["import", "--from", str(tmp_path), "--no-progress"]) == 2
    assert "is not an export: no manifest.json" in capsys.readouterr().err
