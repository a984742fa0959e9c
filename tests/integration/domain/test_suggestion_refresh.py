"""Precomputed suggestions: the refresh pass, and the endpoint serving stored lists filtered live."""

from __future__ import annotations

import dataclasses

import pytest
from falcon import testing

from service import cli
from service.api.app import create_app
from service.domain import auth
from service.domain.suggestions import refresh_suggestion_lists
from service.graph import cypher
from service.graph.layer import open_graph
from service.graph.runner import Tuning
from service.graph.suggestion_lists import SuggestionLists
from tests.integration.seed import BASE, connect, create_users, user_props

SECRET = "integration-test-secret-0123456789abcdef"

# User 1 is connected to 2..5 (degree 4). Its exact ranking: 6 (3 mutuals: 2, 3, 4), 7 (2, 3)
# and 8 (4, 5), then 9, 10 and 11 (one each). Users 1, 2 and 3 have 4 connections each.
EDGES = [
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (2, 6),
    (3, 6),
    (4, 6),
    (2, 7),
    (3, 7),
    (4, 8),
    (5, 8),
    (2, 9),
    (5, 10),
    (3, 11),
]


@pytest.fixture
def seeded(graph):
    create_users(graph.driver, graph.database, [user_props(i) for i in range(1, 12)])
    connect(graph.driver, graph.database, [(a, b, BASE) for a, b in EDGES])
    # The first suggestion page after a list appears is planned anew (seconds on a busy
    # machine): more than the API's 5 s timeout must not fail these tests.
    return open_graph(graph.driver, graph.database, Tuning(query_timeout=60))


@pytest.fixture
def lists(seeded):
    return SuggestionLists(seeded.runner)


def refresh(lists, min_degree=4, top=4, max_age=3600.0, force=False):
    return refresh_suggestion_lists(lists, min_degree, top, max_age, force=force)


def served(graph, user_id=1, offset=0, limit=20):
    count, rows = graph.suggestions.suggest_users(user_id, offset, limit)
    return count, [row["id"] for row in rows]


def test_users_above_the_threshold_are_served_their_stored_top_k(seeded, lists):
    assert served(seeded) == (6, [6, 7, 8, 9, 10, 11])  # bounded read: exact on a small graph
    report = refresh(lists, top=4)
    assert (report.heavy_users, report.refreshed, report.dropped) == (3, 3, 0)
    assert served(seeded) == (4, [6, 7, 8, 9])  # the stored top 4, so count is 4
    assert served(seeded, offset=2, limit=1) == (4, [8])
    assert served(seeded, user_id=6)[0] > 0  # below the threshold: still the bounded read


def test_mutual_counts_lag_until_the_list_is_recomputed(seeded, lists):
    refresh(lists, top=4)
    connect(seeded.driver, seeded.database, [(10, 2, BASE), (10, 3, BASE)])  # 10: 3 mutuals
    assert served(seeded) == (4, [6, 7, 8, 9])
    assert refresh(lists, top=4).refreshed == 0  # still fresh: nothing recomputed
    assert refresh(lists, top=4, max_age=1e-9).refreshed == 3
    assert served(seeded) == (4, [6, 10, 7, 8])


def test_lists_of_users_below_the_threshold_are_dropped(seeded, lists):
    refresh(lists, top=2)
    assert served(seeded) == (2, [6, 7])
    report = refresh(lists, min_degree=5, top=2)
    assert (report.heavy_users, report.dropped) == (0, 3)
    assert served(seeded) == (6, [6, 7, 8, 9, 10, 11])


def token(user_id: int) -> dict:
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=600)}


def test_lifecycle_writes_and_statuses_apply_to_stored_lists_at_once(seeded, lists, neo4j_settings):
    settings = dataclasses.replace(neo4j_settings, jwt_secret=SECRET, settings_refresh_seconds=1e-9)
    client = testing.TestClient(create_app(settings, graph=seeded))

    def page(query=""):
        resp = client.simulate_get(f"/api/v2/suggestion/user/{query}", headers=token(1))
        assert resp.status_code == 200, resp.text
        return resp.json["count"], [user["id"] for user in resp.json["results"]]

    def post(actor, action, other):
        path = f"/api/v2/user/{other}/connection/{action}/"
        assert client.simulate_post(path, headers=token(actor)).status_code == 200

    refresh(lists, top=6)
    assert page() == (6, [6, 7, 8, 9, 10, 11])
    post(1, "request", 6)  # a request sent
    post(7, "request", 1)  # a request received
    post(1, "request", 11)
    post(11, "accept", 1)  # a new connection
    seeded.driver.execute_query(
        "MATCH (u:User {id: 8}) SET u.status = 'b'", database_=seeded.database
    )
    seeded.driver.execute_query("MATCH (u:User {id: 9}) DETACH DELETE u", database_=seeded.database)
    assert page() == (1, [10])
    post(1, "cancel_request", 6)
    assert page() == (2, [6, 10])
    # Paging through the stored list yields exactly `count` users, in order.
    seen, query = [], "?limit=1"
    while query is not None:
        resp = client.simulate_get(f"/api/v2/suggestion/user/{query}", headers=token(1))
        seen += [user["id"] for user in resp.json["results"]]
        nxt = resp.json["next"]
        query = None if nxt is None else "?" + nxt.split("?", 1)[1]
    assert seen == [6, 10]


def test_cli_refresh_stores_the_lists_and_reports(seeded, neo4j_settings, monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    monkeypatch.setenv("SUGGESTION_PRECOMPUTE_MIN_DEGREE", "4")
    assert cli.main(["suggestions", "refresh", "--top", "2"]) == 0
    err = capsys.readouterr().err
    assert "3 users with >= 4 connections; 3 lists to compute" in err
    assert "3 computed, 0 still fresh, 0 dropped" in err
    assert served(seeded) == (2, [6, 7])
    assert cli.main(["suggestions", "refresh", "--top", "2"]) == 0
    assert "0 computed, 3 still fresh" in capsys.readouterr().err


def test_a_stored_list_is_served_without_reading_the_users_connections(graph):
    # The bounded branch's index seek must not run when a list is stored: PROFILE counts it.
    create_users(graph.driver, graph.database, [user_props(i) for i in range(1, 402)])
    connect(graph.driver, graph.database, [(1, i, BASE) for i in range(2, 402)])
    SuggestionLists(graph.runner).store(1, [{"id": 2, "mutual_count": 1}], 400)
    _, summary, _ = graph.driver.execute_query(
        # replan: a plan cached by an earlier test on the 11-user graph is reused for up to
        # dbms.cypher.min_replan_interval (10 s); this test is about the plan for this graph
        "CYPHER replan=force PROFILE " + cypher.query("api/suggestions_page"),
        user_id=1,
        offset=0,
        limit=20,
        friend_cap=200,
        fanout=200,
        seek_budget=3000,
        database_=graph.database,
    )

    def db_hits(plan) -> int:
        return plan.get("dbHits", 0) + sum(db_hits(child) for child in plan.get("children", []))

    assert db_hits(summary.profile) < 200  # reading user 1's 400 entries alone would be 400+
