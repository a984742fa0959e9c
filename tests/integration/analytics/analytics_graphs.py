"""Small known graphs for the analytics tests, seeded into the real Neo4j as the shared model."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from neo4j import Driver

from tests.integration.seed import connect_pairs


def seed(
    driver: Driver, database: str, graph: nx.Graph, requests: Iterable[tuple[int, int]] = ()
) -> None:
    """Users for the nodes, a connection per edge (the importer's own query), pending requests."""
    driver.execute_query(
        "UNWIND $ids AS id CREATE (:User {id: id, username: 'user' + toString(id), status: 'a'})",
        ids=sorted(graph.nodes),
        database_=database,
    )
    connect_pairs(driver, database, [(a, b, None) for a, b in graph.edges])
    driver.execute_query(
        "UNWIND $pairs AS pair MATCH (a:User {id: pair[0]}), (b:User {id: pair[1]}) "
        "CREATE (a)-[:CONNECTION_REQUEST {created_at: datetime()}]->(b)",
        pairs=[list(pair) for pair in requests],
        database_=database,
    )


def known_graph() -> nx.Graph:
    """Zachary's karate club (ids 1..34), isolated users, and a 9-user chain for path depths."""
    graph = nx.relabel_nodes(nx.karate_club_graph(), {n: n + 1 for n in range(34)})
    graph = nx.Graph(graph.edges)  # drop the club's attributes; only the edges matter
    graph.add_nodes_from([100, 101])
    nx.add_path(graph, range(300, 309))
    return graph


def friends_of_friends(graph: nx.Graph, user: int) -> set[int]:
    """Users exactly two hops from `user`."""
    near = set(graph[user])
    return {o for n in near for o in graph[n]} - near - {user}
