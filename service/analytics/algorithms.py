"""Whole-graph algorithms over a LoadedGraph, through igraph's C core.

Each returns an AlgorithmResult: one value per user (in `ids` order) under the column name the
output and `--write` use, and a few figures about the whole (modularity, average, counts).
Definitions follow networkx's, so the values can be compared (tests do, on real graphs):
PageRank with uniform teleport and dangling users spread uniformly; betweenness normalized by
(n-1)(n-2)/2 (undirected), sampled over K random sources scaled by n/K; clustering 0 where the
degree is below 2, the average over every user.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from service.analytics.loaded_graph import LoadedGraph

ALGORITHMS = ("pagerank", "components", "communities", "kcore", "betweenness", "clustering")
# The value's column in outputs, and the :User property `--write` stores it in.
COLUMNS = {
    "pagerank": "pagerank",
    "components": "component",
    "communities": "community",
    "kcore": "core",
    "betweenness": "betweenness",
    "clustering": "clustering",
}
PROPERTIES = {
    "pagerank": "pagerank",
    "components": "component_id",
    "communities": "community_id",
    "kcore": "core_number",
    "betweenness": "betweenness",
    "clustering": "clustering",
}
DEFAULT_DAMPING = 0.85
DEFAULT_SAMPLES = 1000
# Leiden (modularity objective) refinement passes: 2 is igraph's default; each further pass
# adds little modularity at a large cost on big graphs (measured in the commit that chose it).
LEIDEN_ITERATIONS = 2


class AlgorithmError(ValueError):
    """An algorithm cannot run with these options; one line naming the option."""


@dataclass
class AlgorithmResult:
    algorithm: str
    column: str
    values: np.ndarray  # one per user, in LoadedGraph.ids order
    summary: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    damping: float = DEFAULT_DAMPING
    samples: int = DEFAULT_SAMPLES  # betweenness sources; 0 = exact
    seed: int = 1


def _smallest_member(ids: np.ndarray, membership: list[int]) -> np.ndarray:
    """Each group labelled by its smallest user id: stable across runs and engines."""
    groups = np.asarray(membership, dtype=np.int64)
    if not len(groups):
        return groups
    smallest = np.full(groups.max() + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, groups, ids)
    return smallest[groups]


def pagerank(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    if not 0 < options.damping < 1:
        raise AlgorithmError(f"--damping must be between 0 and 1, got {options.damping}")
    values = np.asarray(loaded.graph.pagerank(damping=options.damping, directed=False))
    return AlgorithmResult("pagerank", "pagerank", values, {"damping": options.damping})


def _grouped(loaded: LoadedGraph, clusters, counted: str) -> tuple[np.ndarray, dict]:
    """Each user's group by its smallest member, and how many groups (as `counted`) and the
    largest's size."""
    sizes = clusters.sizes()
    values = _smallest_member(loaded.ids, clusters.membership)
    return values, {counted: len(sizes), "largest": max(sizes, default=0)}


def components(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    values, stats = _grouped(loaded, loaded.graph.connected_components(), "components")
    return AlgorithmResult("components", "component", values, stats)


def communities(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    # igraph draws from Python's `random`; seeding it makes a run repeatable.
    random.seed(options.seed)
    clusters = loaded.graph.community_leiden(
        objective_function="modularity", n_iterations=LEIDEN_ITERATIONS
    )
    values, stats = _grouped(loaded, clusters, "communities")
    modularity = loaded.graph.modularity(clusters.membership)
    stats = {"modularity": modularity, **stats, "seed": options.seed}
    return AlgorithmResult("communities", "community", values, stats)


def kcore(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    values = np.asarray(loaded.graph.coreness(), dtype=np.int64)
    return AlgorithmResult("kcore", "core", values, {"max_core": int(values.max(initial=0))})


def betweenness(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    n = loaded.users
    if options.samples < 0:
        raise AlgorithmError(f"--samples must be >= 0, got {options.samples}")
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if options.samples == 0 or options.samples >= n:
        raw = np.asarray(loaded.graph.betweenness(directed=False))
        return AlgorithmResult("betweenness", "betweenness", raw * scale, {"samples": "exact"})
    sources = random.Random(options.seed).sample(range(n), options.samples)
    # Subset betweenness from the sampled sources to every user (igraph halves it, as the
    # undirected exact figure is halved), scaled up by n/K: networkx's `k` estimator.
    raw = np.asarray(loaded.graph.betweenness(directed=False, sources=sources, targets=None))
    values = raw * (n / options.samples) * scale
    return AlgorithmResult(
        "betweenness", "betweenness", values, {"samples": options.samples, "seed": options.seed}
    )


def clustering(loaded: LoadedGraph, options: Options) -> AlgorithmResult:
    values = np.asarray(loaded.graph.transitivity_local_undirected(mode="zero"))
    average = float(values.mean()) if len(values) else 0.0
    return AlgorithmResult("clustering", "clustering", values, {"average": average})


RUN: dict[str, Callable[[LoadedGraph, Options], AlgorithmResult]] = {
    "pagerank": pagerank,
    "components": components,
    "communities": communities,
    "kcore": kcore,
    "betweenness": betweenness,
    "clustering": clustering,
}


def run(algorithm: str, loaded: LoadedGraph, options: Options | None = None) -> AlgorithmResult:
    """Run one algorithm by name; AlgorithmError for an unknown one."""
    try:
        work = RUN[algorithm]
    except KeyError:
        raise AlgorithmError(
            f"unknown algorithm {algorithm!r} (one of {', '.join(ALGORITHMS)})"
        ) from None
    return work(loaded, options or Options())
