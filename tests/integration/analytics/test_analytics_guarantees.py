"""What analysts can count on: read-only, timeouts, row limits, plans, and the CLI end to end."""

import csv
import io
import json
import time

import networkx as nx
import pytest

from service import cli
from service.analytics import catalogue as analytics
from service.analytics.catalogue import Catalogue
from service.analytics.runner import AnalyticsRunner
from tests.integration.analytics.analytics_graphs import seed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

WRITES = {
    "create": "CREATE (u:User {id: -1}) RETURN u.id AS id",
    "merge": "MERGE (u:User {id: -2}) RETURN u.id AS id",
    "set": "MATCH (u:User) SET u.reputation = 99 RETURN u.id AS id",
    "delete": "MATCH (u:User) DETACH DELETE u RETURN 1 AS id",
}
SLOW = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS id"


@pytest.fixture
def star(clean_db, neo4j_settings):
    """User 1 connected to 2..30, plus the edge 2-3: known degrees, plenty of rows."""
    graph = nx.star_graph(range(1, 31))
    graph.add_edge(2, 3)
    seed(clean_db, neo4j_settings.neo4j_database, graph)
    return graph


@pytest.fixture
def runner(clean_db, neo4j_settings):
    return AnalyticsRunner(clean_db, neo4j_settings.neo4j_database, timeout=30)


def custom_catalogue(tmp_path, **bodies):
    """A catalogue folder holding one `name.cypher` per keyword, with a minimal header."""
    for name, body in bodies.items():
        (tmp_path / f"{name}.cypher").write_text(f"// Test query {name}.\n// columns: id\n{body}\n")
    return Catalogue.load(tmp_path)


def user_state(driver, database):
    records, _, _ = driver.execute_query(
        "MATCH (u:User) RETURN count(u) AS users, count(u.reputation) AS touched, min(u.id) AS low",
        database_=database,
    )
    return records[0].data()


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_writing_query_fails_clearly_and_writes_nothing(
    kind, star, runner, tmp_path, clean_db, neo4j_settings
):
    before = user_state(clean_db, neo4j_settings.neo4j_database)
    query = custom_catalogue(tmp_path, writes=WRITES[kind]).get("writes")
    with pytest.raises(analytics.ReadOnlyViolation, match="query writes tried to write"):
        runner.run(query, {})
    assert (
        user_state(clean_db, neo4j_settings.neo4j_database)
        == before
        == {"users": 30, "touched": 0, "low": 1}
    )


def test_timeout_stops_the_query_on_the_server(clean_db, neo4j_settings, tmp_path):
    query = custom_catalogue(tmp_path, slow=SLOW).get("slow")
    runner = AnalyticsRunner(clean_db, neo4j_settings.neo4j_database, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(analytics.QueryTimedOut, match=r"within 0\.5s; raise it with --timeout"):
        runner.run(query, {})
    assert time.monotonic() - started < 10


def test_row_limit_cuts_and_says_so(star, clean_db, neo4j_settings):
    catalogue = Catalogue.load()
    query = catalogue.get("top_connected")
    params = query.bind({"n": "100"})
    limited = AnalyticsRunner(clean_db, neo4j_settings.neo4j_database, max_rows=7)
    result = limited.run(query, params)
    assert (len(result.rows), result.truncated) == (7, True)
    assert [r["id"] for r in result.rows[:3]] == [1, 2, 3]
    raised = AnalyticsRunner(clean_db, neo4j_settings.neo4j_database, max_rows=30)
    result = raised.run(query, params)
    assert (len(result.rows), result.truncated) == (30, False)


def test_explain_plans_without_running(star, runner):
    query = Catalogue.load().get("mutual_connections")
    result = runner.run(query, query.bind({"a": "2", "b": "3"}), mode="explain")
    assert result.rows == []
    rendered = result.plan["args"]["string-representation"]
    assert "NodeUniqueIndexSeek" in rendered  # users are found through the id constraint
    assert "dbHits" not in result.plan


def test_profile_reports_db_hits(star, runner):
    query = Catalogue.load().get("suggestions")
    result = runner.run(query, query.bind({"user": "2", "limit": "100"}), mode="profile")
    assert result.rows == []
    assert result.plan["rows"] == 27  # 1's friends but 2 and 3 (2's own friend)
    assert total_db_hits(result.plan) > 0


def total_db_hits(plan: dict) -> int:
    return plan["dbHits"] + sum(total_db_hits(child) for child in plan.get("children", []))


def test_explain_still_checks_users(star, runner):
    query = Catalogue.load().get("triangles")
    with pytest.raises(analytics.UnknownUsers):
        runner.run(query, query.bind({"user": "31"}), mode="explain")


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings):
    """The CLI talks to the test server exactly as it would to any NEO4J_URI."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.neo4j_user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)


def query_cli(capsys, *argv):
    code = cli.main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_runs_a_query_as_csv(star, cli_env, capsys):
    code, out, err = query_cli(
        capsys, "mutual_connections", "-p", "a=2", "--param", "b=3", "--format", "csv"
    )
    assert (code, err) == (0, "")
    assert list(csv.reader(io.StringIO(out))) == [["id", "username"], ["1", "user1"]]


def test_cli_json_and_table(star, cli_env, capsys):
    code, out, _ = query_cli(capsys, "shortest_path", "-p", "a=2", "-p", "b=30", "--format", "json")
    assert code == 0 and json.loads(out) == [{"length": 2, "path": [2, 1, 30]}]
    code, out, _ = query_cli(capsys, "triangles", "-p", "user=1")
    assert code == 0 and out == "triangles\n---------\n        1\n(1 row)\n"


def test_cli_unknown_user_is_exit_2(star, cli_env, capsys):
    code, out, err = query_cli(capsys, "khop_size", "-p", "user=404", "-p", "k=2")
    assert (code, out) == (2, "")
    assert err == "connections: error: no user with id 404 (parameter user)\n"


def test_cli_row_limit_warning(star, cli_env, capsys):
    code, out, err = query_cli(
        capsys, "top_connected", "-p", "n=30", "--max-rows", "5", "--format", "csv"
    )
    assert code == 0
    assert len(out.splitlines()) == 1 + 5
    assert err == (
        "connections: warning: output stopped at 5 rows; raise the limit with --max-rows\n"
    )


def test_cli_write_and_timeout_errors(clean_db, cli_env, capsys, monkeypatch, tmp_path):
    custom_catalogue(tmp_path, writes=WRITES["create"], slow=SLOW)
    monkeypatch.setattr(analytics, "ANALYTICS_DIR", tmp_path)
    code, _, err = query_cli(capsys, "writes")
    assert code == 2 and err.count("\n") == 1 and "tried to write" in err
    code, _, err = query_cli(capsys, "slow", "--timeout", "0.5")
    assert code == 2 and err == (
        "connections: error: query slow did not finish within 0.5s; raise it with --timeout\n"
    )


def test_cli_explain_and_profile(star, cli_env, capsys):
    code, out, _ = query_cli(capsys, "top_connected", "--explain")
    assert code == 0 and "Planner COST" in out and "Top" in out
    code, out, _ = query_cli(capsys, "top_connected", "--profile", "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == 10


def test_cli_plot_writes_a_png(star, cli_env, capsys, tmp_path):
    target = tmp_path / "degrees.png"
    code, out, err = query_cli(
        capsys, "degree_distribution", "--plot", str(target), "--format", "csv"
    )
    assert code == 0
    assert out == "degree,users\n1,27\n2,2\n29,1\n"
    assert err == f"connections: wrote {target}\n"
    data = target.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 10_000
