"""The explorer's reads (graph/explore.py, cypher/explore/) against the real Neo4j."""

from __future__ import annotations

import pytest

from service.domain.explore import ExploreService
from service.graph import db
from service.graph.errors import UserNotFound
from service.graph.explore import NetworkBounds
from tests.integration.explore.graph import INACTIVE, edges_among, neighbours, seed


@pytest.fixture
def explore(graph, clean_db, neo4j_settings):
    seed(clean_db, neo4j_settings.neo4j_database)
    return graph.explore


def drawn(network: dict) -> tuple[dict[int, int], set[tuple[int, int]]]:
    nodes = {node["id"]: node["hop"] for node in network["nodes"]}
    edges = {(e["source"], e["target"]) for e in network["edges"]}
    assert len(edges) == len(network["edges"]), "an edge twice"
    return nodes, edges


def test_one_hop_is_the_user_their_connections_and_the_connections_among_them(explore):
    network = explore.ego_network(1, NetworkBounds(hops=1))
    nodes, edges = drawn(network)
    assert nodes == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}
    assert edges == edges_among(set(nodes)) == {(1, 2), (1, 3), (1, 4), (1, 5), (2, 3), (3, 4)}
    assert network["degree"] == 4 and network["truncated"] is False
    centre = network["nodes"][0]
    assert centre["pagerank"] == 0.25 and centre["community_id"] == 7
    assert centre["connections_counter"] == 4
    assert "email" not in centre


def test_two_hops_adds_the_second_ring_most_reached_first(explore):
    network = explore.ego_network(1, NetworkBounds(hops=2))
    nodes, edges = drawn(network)
    assert [n["id"] for n in network["nodes"] if n["hop"] == 2] == [6, 9]  # 6 via 2 and 3
    assert edges == edges_among(set(nodes))
    assert network["nodes"][-1]["pagerank"] is None  # never computed: null, not absent


def test_the_caps_bound_the_drawing_and_a_big_user_is_checked_by_seeks(explore):
    # Two newest of 1's four connections: 5 and 4; user 1's degree (4) exceeds the set (3), so
    # its edges come from the seek branch of explore/ego_edges, with the same answer.
    network = explore.ego_network(1, NetworkBounds(first_limit=2, hops=2, second_limit=1))
    nodes, edges = drawn(network)
    assert nodes == {1: 0, 5: 1, 4: 1, 3: 2}
    assert edges == edges_among(set(nodes))
    capped = explore.ego_network(1, NetworkBounds(max_edges=2))
    assert len(capped["edges"]) == 2 and capped["truncated"] is True


@pytest.mark.parametrize("user_id", [INACTIVE, 999])
def test_an_inactive_or_unknown_user_has_no_network(explore, user_id):
    with pytest.raises(UserNotFound):
        explore.ego_network(user_id, NetworkBounds())


def test_search_finds_the_id_first_then_usernames_by_prefix_paged(explore):
    count, rows = explore.search_users("user1", None, 0, 2, 1000)
    assert count == 4 and [r["id"] for r in rows] == [1, 10]
    count, rows = explore.search_users("user1", None, 2, 2, 1000)
    assert count == 4 and [r["id"] for r in rows] == [11, 12]
    count, rows = explore.search_users("7", 7, 0, 10, 1000)
    assert count == 1 and rows[0]["username"] == "user7" and "email" not in rows[0]
    assert explore.search_users("user13", None, 0, 10, 1000) == (0, [])  # inactive
    assert explore.search_users("user", None, 0, 1, 3)[0] == 3  # at most max_matches


def test_search_ignores_case_on_both_sides(explore, clean_db, neo4j_settings):
    clean_db.execute_query(
        "MATCH (u:User {id: 5}) SET u.username = 'Ada_Lovelace', u.username_key = 'ada_lovelace'",
        database_=neo4j_settings.neo4j_database,
    )
    service_search = ExploreService(explore, None).search  # the domain lowers the prefix
    for text in ("ada", "ADA_l", "Ada_Lovelace"):
        count, rows = service_search(text, None, 0, 10)
        assert (count, [r["username"] for r in rows]) == (1, ["Ada_Lovelace"]), text
    assert service_search("adb", None, 0, 10) == (0, [])


def test_db_init_gives_users_stored_before_the_key_existed_their_key(
    explore, clean_db, neo4j_settings
):
    database = neo4j_settings.neo4j_database
    clean_db.execute_query(
        "MATCH (u:User) WHERE u.id IN [1, 2] SET u.username = 'MiXed' + u.id REMOVE u.username_key",
        database_=database,
    )
    assert ExploreService(explore, None).search("mixed", None, 0, 10)[0] == 0
    db.init_schema(clean_db, database)
    count, rows = ExploreService(explore, None).search("mixed", None, 0, 10)
    assert (count, [r["username"] for r in rows]) == (2, ["MiXed1", "MiXed2"])


def test_shortest_path_and_none_beyond_reach(explore):
    path = explore.shortest_path(4, 11)
    assert [n["id"] for n in path] == [4, 1, 5, 9, 10, 11]
    assert [n["id"] for n in explore.shortest_path(2, 2)] == [2]
    assert explore.shortest_path(1, 12) is None
    with pytest.raises(UserNotFound):
        explore.shortest_path(1, INACTIVE)


def test_mutual_connections_paged_and_counted(explore):
    assert explore.mutual_connections(2, 4, 0, 10)[0] == 2
    count, rows = explore.mutual_connections(1, 6, 1, 10)
    assert count == 2 and [r["id"] for r in rows] == [3]
    assert explore.mutual_connections(1, 1, 0, 10) == (0, [])
    with pytest.raises(UserNotFound):
        explore.mutual_connections(1, 999, 0, 10)
    expected = {i: len(neighbours(1) & neighbours(i)) for i in (6, 9, 12)}
    assert explore.mutual_counts(1, [6, 9, 12, 999]) == expected
