"""bench.toolkit.graphs' options: one spelling of a generated graph on every bench's command line."""

from __future__ import annotations

import argparse

from bench import analytics, pages
from bench.toolkit.graphs import add_graph_options, graph_config, instance_name
from service.ingest.generate import GeneratorConfig


def parse(default: GeneratorConfig, *argv: str) -> GeneratorConfig:
    parser = argparse.ArgumentParser()
    add_graph_options(parser, default)
    return graph_config(parser.parse_args(argv))


def test_without_options_the_graph_is_the_default():
    default = GeneratorConfig(users=500, avg_degree=4, supernodes=1, supernode_degree=50, seed=3)
    assert parse(default) == default


def test_each_option_sets_its_knob():
    got = parse(
        GeneratorConfig(),
        *("--users", "7000", "--avg-degree", "2.5", "--supernodes", "2"),
        *("--supernode-degree", "300", "--seed", "9"),
    )
    assert got == GeneratorConfig(
        users=7000, avg_degree=2.5, supernodes=2, supernode_degree=300, seed=9
    )


def test_the_benches_defaults_name_the_instances_they_built_before():
    # The instance is found again by name: a renamed default would rebuild a graph for minutes.
    assert instance_name(parse(analytics.DEFAULT_GRAPH)) == "graph-100000-20-2x10000-s1"
    assert instance_name(parse(pages.DEFAULT_GRAPH)) == "graph-200000-10-1x100000-s1"
