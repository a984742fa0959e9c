"""bench.toolkit.graphs: one instance per generator config, whatever spelling of its numbers."""

import dataclasses

from bench.toolkit.graphs import REFERENCE_1M, instance_name, stamp_of


def test_a_parsed_config_matches_the_reference_stamp_and_instance():
    parsed = dataclasses.replace(REFERENCE_1M, avg_degree=21.0)  # argparse's type=float
    assert stamp_of(parsed) == stamp_of(REFERENCE_1M)
    assert instance_name(parsed) == instance_name(REFERENCE_1M) == "graph-1000000-21-5x100000-s1"


def test_other_options_are_another_graph():
    other = dataclasses.replace(REFERENCE_1M, seed=2)
    assert stamp_of(other) != stamp_of(REFERENCE_1M)
    assert instance_name(other) != instance_name(REFERENCE_1M)
