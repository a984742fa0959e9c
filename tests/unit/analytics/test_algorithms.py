"""Every whole-graph algorithm against networkx on small real social networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from service.analytics import algorithms, loaded_graph
from service.analytics.algorithms import AlgorithmError, Options


def with_extras(graph: nx.Graph) -> nx.Graph:
    """Ids from 1 (as users have), plus two isolated users and a separate pair."""
    graph = nx.relabel_nodes(nx.Graph(graph.edges), {n: i + 1 for i, n in enumerate(graph)})
    graph.add_nodes_from([900, 901])
    graph.add_edge(950, 951)
    return graph


GRAPHS = {
    "karate": with_extras(nx.karate_club_graph()),
    "les_miserables": with_extras(nx.les_miserables_graph()),
    "florentine": with_extras(nx.florentine_families_graph()),
    "davis": with_extras(nx.davis_southern_women_graph()),
}


def load(graph: nx.Graph) -> loaded_graph.LoadedGraph:
    edges = np.array(list(graph.edges), dtype=np.int64)
    return loaded_graph.from_edges(np.array(sorted(graph)), edges[:, 0], edges[:, 1])


def by_id(loaded, result) -> dict[int, float]:
    return dict(zip(loaded.ids.tolist(), result.values.tolist(), strict=True))


@pytest.fixture(params=sorted(GRAPHS))
def case(request):
    graph = GRAPHS[request.param]
    return graph, load(graph)


def test_pagerank_matches_networkx_within_1e_6(case):
    graph, loaded = case
    for damping in (0.85, 0.6):
        expected = nx.pagerank(graph, alpha=damping, tol=1e-12, max_iter=10_000)
        got = by_id(loaded, algorithms.run("pagerank", loaded, Options(damping=damping)))
        assert max(abs(got[u] - expected[u]) for u in graph) < 1e-6
        assert sum(got.values()) == pytest.approx(1.0)


def test_components_are_networkx_components_named_by_smallest_member(case):
    graph, loaded = case
    got = by_id(loaded, algorithms.run("components", loaded))
    for component in nx.connected_components(graph):
        assert {got[u] for u in component} == {min(component)}
    result = algorithms.run("components", loaded)
    assert result.summary["components"] == nx.number_connected_components(graph)


def test_core_numbers_are_exactly_networkx(case):
    graph, loaded = case
    assert by_id(loaded, algorithms.run("kcore", loaded)) == nx.core_number(graph)


def test_exact_betweenness_matches_networkx_within_1e_9(case):
    graph, loaded = case
    expected = nx.betweenness_centrality(graph)
    got = by_id(loaded, algorithms.run("betweenness", loaded, Options(samples=0)))
    assert max(abs(got[u] - expected[u]) for u in graph) < 1e-9


def test_sampled_betweenness_is_unbiased_and_repeatable():
    graph = GRAPHS["les_miserables"]
    loaded = load(graph)
    exact = np.array([nx.betweenness_centrality(graph)[u] for u in loaded.ids.tolist()])
    runs = [
        algorithms.run("betweenness", loaded, Options(samples=20, seed=s)).values for s in range(30)
    ]
    # The mean of 30 sampled estimates sits close to the exact values (networkx's estimator).
    assert np.abs(np.mean(runs, axis=0) - exact).max() < 0.05
    assert abs(np.mean(runs) - exact.mean()) < 0.1 * exact.mean()
    again = algorithms.run("betweenness", loaded, Options(samples=20, seed=0)).values
    assert np.array_equal(again, runs[0])


def test_clustering_matches_networkx_and_reports_the_average(case):
    graph, loaded = case
    result = algorithms.run("clustering", loaded)
    expected = nx.clustering(graph)
    got = by_id(loaded, result)
    assert max(abs(got[u] - expected[u]) for u in graph) < 1e-12
    assert result.summary["average"] == pytest.approx(nx.average_clustering(graph), abs=1e-12)


def test_communities_modularity_is_within_0_02_of_networkx_louvain(case):
    graph, loaded = case
    result = algorithms.run("communities", loaded, Options(seed=7))
    louvain = nx.community.louvain_communities(graph, seed=7)
    assert result.summary["modularity"] >= nx.community.modularity(graph, louvain) - 0.02
    # The reported modularity is the modularity of the returned partition.
    got = by_id(loaded, result)
    partition: dict[int, set[int]] = {}
    for user, community in got.items():
        partition.setdefault(community, set()).add(user)
    assert nx.community.modularity(graph, partition.values()) == pytest.approx(
        result.summary["modularity"]
    )
    # Communities are named by their smallest member, and a seed repeats the run.
    assert all(community == min(members) for community, members in partition.items())
    again = algorithms.run("communities", loaded, Options(seed=7))
    assert np.array_equal(again.values, result.values)


def test_grouping_summaries_count_the_groups_and_the_largest(case):
    graph, loaded = case
    sizes = sorted(len(c) for c in nx.connected_components(graph))
    components = algorithms.run("components", loaded).summary
    assert list(components.items()) == [("components", len(sizes)), ("largest", sizes[-1])]
    result = algorithms.run("communities", loaded, Options(seed=7))
    members: dict[float, int] = {}
    for community in result.values.tolist():
        members[community] = members.get(community, 0) + 1
    assert list(result.summary) == ["modularity", "communities", "largest", "seed"]
    assert result.summary["communities"] == len(members)
    assert result.summary["largest"] == max(members.values())
    assert result.summary["seed"] == 7


def test_bad_options_name_the_option():
    loaded = load(GRAPHS["karate"])
    with pytest.raises(AlgorithmError, match="--damping"):
        algorithms.run("pagerank", loaded, Options(damping=1.5))
    with pytest.raises(AlgorithmError, match="--samples"):
        algorithms.run("betweenness", loaded, Options(samples=-1))
    with pytest.raises(AlgorithmError, match="unknown algorithm 'hits'"):
        algorithms.run("hits", loaded)


def test_an_empty_graph_gives_no_values():
    loaded = loaded_graph.from_edges(np.empty(0, np.int64), np.empty(0), np.empty(0))
    for name in algorithms.ALGORITHMS:
        assert len(algorithms.run(name, loaded, Options(samples=0)).values) == 0
