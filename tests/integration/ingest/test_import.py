"""The importer against the real server: round trip, idempotence, bad rows, counts."""

import collections
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from neo4j.time import DateTime

from service import cli
from service.config import Settings
from service.domain.auth import decode_token
from service.ingest.generate import GeneratorConfig, generate_pairs, write_import_files
from service.ingest.importing import Importer, ImportInputError
from service.ingest.loading import ensure_demo
from tests.conftest import point_the_cli_at

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SMALL = GeneratorConfig(
    users=400, avg_degree=6, supernodes=1, supernode_degree=120, request_share=0.1, seed=5
)


def dump_graph(driver, database):
    """Every user's properties, each connection once (lower id first) and every request, sorted:
    two equal dumps are one graph. Also asserts the storage invariant: a connection is two
    relationships, mirror images with the same date, each owned by its start user."""
    users, _, _ = driver.execute_query(
        "MATCH (u:User) RETURN properties(u) AS p ORDER BY u.id", database_=database
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a:User)-[r]->(b:User) RETURN type(r) AS t, a.id AS a, b.id AS b, "
        "r.created_at AS c, r.owner AS owner, r.neg_other AS neg ORDER BY t, a, b",
        database_=database,
    )
    rows = [tuple(r.values()) for r in rels]
    connections = {
        (a, b): (c, owner, neg) for t, a, b, c, owner, neg in rows if t == "CONNECTED_TO"
    }
    for (a, b), (c, owner, neg) in connections.items():
        assert (owner, neg) == (a, -b), (a, b)
        assert (b, a) in connections and connections[(b, a)][0] == c, (a, b)
    return (
        [r["p"] for r in users],
        [(t, a, b, c) for t, a, b, c, _, _ in rows if t != "CONNECTED_TO" or a < b],
    )


def degrees(driver, database):
    records, _, _ = driver.execute_query(
        "MATCH (u:User) RETURN u.id AS id, COUNT { (u)-[:CONNECTED_TO]->() } AS degree",
        database_=database,
    )
    return {r["id"]: r["degree"] for r in records if r["degree"]}


def write_csv(path, header, *rows):
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows))
    return path


def test_round_trip_holds_exactly_the_generated_graph(clean_db, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    files = write_import_files(SMALL, tmp_path)
    summary = Importer(clean_db, db, batch_size=500, progress=False).import_files(
        files.users_path, files.connections_path, files.requests_path
    )
    assert (summary.users, summary.connections, summary.requests, summary.skipped) == (
        SMALL.users,
        files.connections,
        files.requests,
        0,
    )
    assert (summary.after.users, summary.after.connections, summary.after.requests) == (
        SMALL.users,
        files.connections,
        files.requests,
    )

    expected_degree = collections.Counter()
    expected_rels = []
    for a, b, created, is_request in generate_pairs(SMALL):
        kind = "CONNECTION_REQUEST" if is_request else "CONNECTED_TO"
        expected_rels.append((kind, a, b, dt.datetime.fromtimestamp(created, dt.UTC)))
        if not is_request:
            expected_degree[a] += 1
            expected_degree[b] += 1
    users, rels = dump_graph(clean_db, db)
    assert [(t, a, b, c.to_native()) for t, a, b, c in rels] == sorted(expected_rels)
    assert degrees(clean_db, db) == dict(expected_degree)
    assert max(expected_degree.values()) > 8 * (sum(expected_degree.values()) / SMALL.users)
    assert len(users) == SMALL.users
    first = users[0]
    assert isinstance(first["date_joined"], DateTime) and first["tags_json"] == "[]"
    assert isinstance(first["is_staff"], bool) and "tags" not in first


def test_reimport_changes_nothing(clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, progress=False)
    paths = (EXAMPLES / "users.jsonl", EXAMPLES / "connections.csv", EXAMPLES / "requests.csv")
    importer.import_files(*paths)
    first = dump_graph(clean_db, db)
    again = importer.import_files(*paths)
    assert dump_graph(clean_db, db) == first
    assert (again.users_created, again.connections_created, again.requests_created) == (0, 0, 0)
    assert again.before == again.after
    users = {u["id"]: u for u in first[0]}
    # davide (4) has no date_joined in the file: set once on create, kept on re-import
    assert isinstance(users[4]["date_joined"], DateTime)
    assert users[1]["tags_json"] == '[{"id":3,"name":"staff","color":"#ff0000"}]'
    assert users[1]["is_staff"] is True and users[2]["is_staff"] is False
    assert "date_of_birth" not in users[2]


def test_imported_requests_are_numbered_once(clean_db, neo4j_settings):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, progress=False)
    paths = (EXAMPLES / "users.jsonl", EXAMPLES / "connections.csv", EXAMPLES / "requests.csv")
    query = "MATCH ()-[r:CONNECTION_REQUEST]->() RETURN r.id AS id ORDER BY id"
    importer.import_files(*paths)
    ids = [r["id"] for r in clean_db.execute_query(query, database_=db).records]
    assert ids and None not in ids and len(set(ids)) == len(ids)
    importer.import_files(*paths)
    assert [r["id"] for r in clean_db.execute_query(query, database_=db).records] == ids


def test_a_pair_given_twice_or_both_ways_is_one_connection(clean_db, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, progress=False)
    importer.import_files(EXAMPLES / "users.jsonl", None)
    path = write_csv(
        tmp_path / "c.csv",
        "user_id,other_id,created_at",
        "2,1,",
        "1,2,",
        "2,1,2020-01-01T00:00:00Z",
    )
    summary = importer.import_files(None, path)
    _, rels = dump_graph(clean_db, db)
    assert [(t, a, b) for t, a, b, _ in rels] == [("CONNECTED_TO", 1, 2)]
    assert summary.connections_created == 1


def test_unknown_user_stops_before_the_batch(clean_db, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, batch_size=2, progress=False)
    importer.import_files(EXAMPLES / "users.jsonl", None)
    path = write_csv(
        tmp_path / "c.csv", "user_id,other_id,created_at", "1,2,", "1,3,", "2,3,", "2,99,", "3,4,"
    )
    with pytest.raises(ImportInputError) as err:
        importer.import_files(None, path)
    message = str(err.value)
    assert message.startswith(f"{path}:5: field 'user_id/other_id': no user with id 99")
    assert "nothing from line 4 on was written" in message and "--skip-invalid" in message
    _, rels = dump_graph(clean_db, db)
    assert [(a, b) for _, a, b, _ in rels] == [(1, 2), (1, 3)]  # the first batch only

    summary = Importer(clean_db, db, batch_size=2, skip_invalid=True, progress=False).import_files(
        None, path
    )
    assert summary.skipped == 1 and summary.connections == 4
    assert summary.bad_rows[0].line == 5
    _, rels = dump_graph(clean_db, db)
    assert [(a, b) for _, a, b, _ in rels] == [(1, 2), (1, 3), (2, 3), (3, 4)]


def test_invalid_row_stops_before_its_batch(clean_db, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    path = tmp_path / "u.jsonl"
    path.write_text('{"id": 1, "username": "a"}\n{"id": 2, "username": "b", "gender": "X"}\n')
    with pytest.raises(ImportInputError, match=r"u.jsonl:2: field 'gender'"):
        Importer(clean_db, db, progress=False).import_files(path, None)
    assert dump_graph(clean_db, db) == ([], [])


def test_self_connection_is_a_bad_row(clean_db, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, progress=False)
    importer.import_files(EXAMPLES / "users.jsonl", None)
    path = write_csv(tmp_path / "c.csv", "user_id,other_id,created_at", "1,2,", "3,3,")
    with pytest.raises(ImportInputError, match=r"c.csv:3: field 'other_id': .*themselves"):
        importer.import_files(None, path)
    assert dump_graph(clean_db, db)[1] == []


def test_requests_between_connected_users_are_refused_and_connections_supersede_requests(
    clean_db, neo4j_settings, tmp_path
):
    db = neo4j_settings.neo4j_database
    importer = Importer(clean_db, db, progress=False)
    importer.import_files(EXAMPLES / "users.jsonl", None)
    requests = write_csv(tmp_path / "r.csv", "from_id,to_id,created_at", "2,1,", "3,4,")
    importer.import_files(None, None, requests)
    connections = write_csv(tmp_path / "c.csv", "user_id,other_id,created_at", "1,2,")
    summary = importer.import_files(None, connections)
    assert summary.requests_superseded == 1 and summary.after.requests == 1
    _, rels = dump_graph(clean_db, db)
    assert [(t, a, b) for t, a, b, _ in rels] == [
        ("CONNECTED_TO", 1, 2),
        ("CONNECTION_REQUEST", 3, 4),
    ]
    with pytest.raises(ImportInputError, match=r"r.csv:2: field 'to_id': .*already connected"):
        importer.import_files(None, None, requests)
    unknown = write_csv(tmp_path / "r2.csv", "from_id,to_id,created_at", "77,1,")
    with pytest.raises(ImportInputError, match=r"r2.csv:2: field 'from_id': no user with id 77"):
        importer.import_files(None, None, unknown)


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings, clean_db):
    point_the_cli_at(monkeypatch, neo4j_settings)
    monkeypatch.setenv("JWT_SECRET", "test-secret-for-the-demo-token-0123456789")
    return clean_db


def test_cli_import_summary_and_bad_input_exit_2(cli_env, capsys, tmp_path):
    code = cli.main(
        [
            "import",
            "--users",
            str(EXAMPLES / "users.jsonl"),
            "--connections",
            str(EXAMPLES / "connections.csv"),
            "--requests",
            str(EXAMPLES / "requests.csv"),
            "--no-progress",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "imported 5 users, 4 connections, 2 requests; skipped 0 bad rows" in out
    assert "after: 5 users, 4 connections, 2 requests" in out

    bad = write_csv(tmp_path / "c.csv", "user_id,other_id,created_at", "1,x,")
    assert cli.main(["import", "--connections", str(bad), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"connections: error: {bad}:2: field 'other_id'")


def test_cli_generate_loads_over_bolt(cli_env, capsys):
    code = cli.main(
        [
            "generate",
            "--users",
            "300",
            "--avg-degree",
            "4",
            "--seed",
            "3",
            "--load",
            "--no-progress",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "loaded 300 users" in out and "via bolt" in out
    records, _, _ = cli_env.execute_query("MATCH (u:User) RETURN count(u) AS n")
    assert records[0]["n"] == 300
    assert cli.main(["generate", "--users", "300", "--load", "--method", "bulk"]) == 2
    assert "needs the project's managed Neo4j" in capsys.readouterr().err


def test_demo_loads_once_and_prints_a_working_token(cli_env, capsys, monkeypatch):
    monkeypatch.setattr(
        "service.ingest.loading.DEMO",
        GeneratorConfig(
            users=200, avg_degree=8, supernodes=1, supernode_degree=60, request_share=0.1, seed=4
        ),
    )
    assert cli.main(["demo", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "demo data: loaded 200 users" in out
    token = out.split("Bearer ")[1].split("'")[0]
    user_id = int(out.split("/api/v2/user/")[1].split("/")[0])
    assert decode_token(token, "test-secret-for-the-demo-token-0123456789") == user_id
    assert cli.main(["demo", "--no-progress"]) == 0
    assert "already holds users; nothing loaded" in capsys.readouterr().out
    demo = ensure_demo(Settings.from_env(), progress=False)
    assert demo.loaded is None and demo.degree >= 12


def test_a_wrong_header_is_fatal_even_when_skipping(clean_db, neo4j_settings, tmp_path):
    path = write_csv(tmp_path / "c.csv", "a,b,created_at", "1,2,")
    with pytest.raises(ImportInputError, match=r"c.csv:1: field '-': the header must be"):
        Importer(
            clean_db, neo4j_settings.neo4j_database, skip_invalid=True, progress=False
        ).import_files(None, path)


def test_a_file_that_is_not_utf8_is_one_clear_error(clean_db, neo4j_settings, tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes(b'{"id": 1, "username": "\xff"}\n')
    with pytest.raises(ImportInputError, match="not a readable UTF-8 file"):
        Importer(clean_db, neo4j_settings.neo4j_database, progress=False).import_files(path, None)


def test_the_api_lists_exactly_the_generated_connections(clean_db, neo4j_settings, tmp_path):
    """Round trip to the endpoint: generate → import → GET .../connections/ (every page)."""
    from falcon import testing

    from service.api.app import create_app
    from service.domain.auth import mint_token
    from service.graph.layer import open_graph
    from service.graph.runner import Tuning
    from service.ingest.generate import generate_users, supernode_ids

    settings = dataclasses.replace(neo4j_settings, jwt_secret="round-trip-secret-0123456789abcdef")
    files = write_import_files(SMALL, tmp_path)
    Importer(clean_db, settings.neo4j_database, progress=False).import_files(
        files.users_path, files.connections_path, files.requests_path
    )
    active = {u["id"] for u in generate_users(SMALL) if u["status"] == "a"}
    neighbours = collections.defaultdict(set)
    for a, b, _, is_request in generate_pairs(SMALL):
        if not is_request:
            neighbours[a].add(b)
            neighbours[b].add(a)
    hub = supernode_ids(SMALL)[0]
    ordinary = min(u for u in active if 3 <= len(neighbours[u]) <= 10)
    client = testing.TestClient(
        create_app(
            settings,
            graph=open_graph(
                clean_db, settings.neo4j_database, Tuning(query_timeout=settings.query_timeout)
            ),
        )
    )
    headers = {"Authorization": "Bearer " + mint_token(ordinary, settings.jwt_secret)}
    for user_id in (hub, ordinary):
        expected = neighbours[user_id]  # every connection, whatever the other's status
        listed, offset = [], 0
        while True:
            resp = client.simulate_get(
                f"/api/v2/user/{user_id}/connections/",
                params={"limit": 50, "offset": offset},
                headers=headers,
            )
            assert resp.status_code == 200, resp.text
            assert resp.json["count"] == len(expected)
            listed += [u["id"] for u in resp.json["results"]]
            offset += 50
            if offset >= resp.json["count"]:
                break
        assert sorted(listed) == sorted(expected)
    assert len(neighbours[hub] & active) > 60
