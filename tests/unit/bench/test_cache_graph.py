"""bench.cache loads the peer with the graph the Neo4j instance holds, or refuses to run."""

from __future__ import annotations

import pytest

from bench import cache
from bench.toolkit.graphs import REFERENCE_1M, stamp_of

SMALL = ["--users", "1000", "--supernode-degree", "100"]


def test_the_graph_options_default_to_the_reference_graph_and_can_name_another():
    assert cache.parse_args(SMALL).sample == 4000  # sampled users: not the graph's --users
    assert cache.graph_config(cache.parse_args([])) == REFERENCE_1M
    small = cache.graph_config(cache.parse_args(SMALL))
    assert (small.users, small.avg_degree, small.supernodes, small.supernode_degree) == (
        1000,
        21,
        5,
        100,
    )


def test_an_instance_holding_another_graph_is_refused(tmp_path):
    cfg = cache.graph_config(cache.parse_args(SMALL))
    cache.check_instance(tmp_path, cfg, 1000)  # no stamp: the user count decides
    with pytest.raises(SystemExit, match="--skip-peer"):
        cache.check_instance(tmp_path, cfg, 999)
    (tmp_path / "graph.stamp").write_text(stamp_of(cfg))
    cache.check_instance(tmp_path, cfg, 1000)
    (tmp_path / "graph.stamp").write_text(stamp_of(cache.graph_config(cache.parse_args([]))))
    with pytest.raises(SystemExit, match="pass its options"):
        cache.check_instance(tmp_path, cfg, 1000)
