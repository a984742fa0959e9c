"""`connections analyze --engine spark` in local mode against the in-memory engine."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from service.analytics import algorithms, loaded_graph, spark_engine
from tests.export_files import write_export

pytest.importorskip(
    "pyspark", reason="the [spark] extra is not installed (pip install -e '.[spark]')"
)


def graph() -> nx.Graph:
    """Les Misérables and the karate club side by side, and an isolated user: three components."""
    club = nx.convert_node_labels_to_integers(nx.karate_club_graph(), 1)
    novel = nx.convert_node_labels_to_integers(nx.les_miserables_graph(), 101)
    both = nx.union(nx.Graph(club.edges), nx.Graph(novel.edges))
    both.add_node(999)
    return both


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark") / "export"
    write_export(folder, graph())
    return folder


def in_memory(name, folder):
    loaded = loaded_graph.from_export(folder)
    return loaded.ids, algorithms.run(name, loaded)


def test_pagerank_agrees_with_the_in_memory_engine_within_1e_3(export):
    ids, _, _, result = spark_engine.run("pagerank", export)
    memory_ids, memory = in_memory("pagerank", export)
    assert np.array_equal(ids, memory_ids)
    assert np.abs(result.values - memory.values).max() < 1e-3
    assert result.values.sum() == pytest.approx(1.0, abs=1e-6)


def test_components_are_exactly_the_in_memory_ones(export):
    ids, users, connections, result = spark_engine.run("components", export)
    memory_ids, memory = in_memory("components", export)
    assert np.array_equal(result.values, memory.values)
    assert result.summary["components"] == 3 and users == 112


def test_label_propagation_finds_communities_with_positive_modularity(export):
    ids, _, _, result = spark_engine.run("communities", export)
    g = graph()
    by_id = dict(zip(ids.tolist(), result.values.tolist(), strict=True))
    groups: dict[int, set[int]] = {}
    for user, label in by_id.items():
        groups.setdefault(label, set()).add(user)
    assert result.summary["modularity"] == pytest.approx(
        nx.community.modularity(g, groups.values())
    )
    assert result.summary["modularity"] > 0.3
    # No community spans two components.
    assert not any(min(members) <= 34 < max(members) for members in groups.values())
