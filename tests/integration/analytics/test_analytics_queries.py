"""Every catalogue query against the real Neo4j, checked against networkx on the same edges."""

import random
from collections import Counter
from itertools import pairwise

import networkx as nx
import pytest

from service.analytics import catalogue as analytics
from service.analytics.catalogue import Catalogue
from service.analytics.runner import AnalyticsRunner
from tests.conftest import delete_everything
from tests.integration.analytics.analytics_graphs import friends_of_friends, known_graph, seed

GRAPH = known_graph()
CLUB = sorted(n for n in GRAPH if n <= 34)
USERS = sorted(GRAPH)
# Pending requests both ways around user 1's best suggestions, to prove they are excluded.
_RANKED = sorted(
    friends_of_friends(GRAPH, 1), key=lambda s: (-len(list(nx.common_neighbors(GRAPH, 1, s))), s)
)
REQUESTS = [(1, _RANKED[0]), (_RANKED[2], 1), (5, 7)]
PENDING = {frozenset(pair) for pair in REQUESTS}
# Pairs to check two-user queries on: a fixed sample (each run is a transaction), plus a == b,
# unreachable users and the ends of the chain.
PAIRS = sorted(
    set(random.Random(6).sample([(a, b) for a in USERS for b in USERS], 90))
    | {(1, 1), (1, 34), (34, 1), (1, 100), (100, 101), (1, 300), (300, 308)}
)


@pytest.fixture(scope="module")
def ask(driver, neo4j_settings):
    """Run a catalogue query by name with CLI-style string params; returns the rows."""
    database = neo4j_settings.neo4j_database
    delete_everything(driver, database)
    seed(driver, database, GRAPH, REQUESTS)
    catalogue = Catalogue.load()
    runner = AnalyticsRunner(driver, database, timeout=30)

    def ask(name: str, **params) -> list[dict]:
        query = catalogue.get(name)
        return runner.run(query, query.bind({k: str(v) for k, v in params.items()})).rows

    yield ask
    delete_everything(driver, database)


def expected_suggestions(user: int) -> list[dict]:
    candidates = [s for s in friends_of_friends(GRAPH, user) if frozenset((user, s)) not in PENDING]
    rows = [
        {"id": s, "mutual_count": len(list(nx.common_neighbors(GRAPH, user, s)))}
        for s in candidates
    ]
    return sorted(rows, key=lambda r: (-r["mutual_count"], r["id"]))


def test_mutual_connections(ask):
    checked = 0
    for a, b in PAIRS:
        expected = sorted(nx.common_neighbors(GRAPH, a, b))
        rows = ask("mutual_connections", a=a, b=b)
        assert [r["id"] for r in rows] == expected, (a, b)
        assert all(r["username"] == f"user{r['id']}" for r in rows)
        checked += bool(expected)
    assert checked > 10  # the sample exercises non-empty answers, not just empty ones


def test_shortest_path_length_and_a_real_path(ask):
    distances = dict(nx.all_pairs_shortest_path_length(GRAPH))
    lengths = Counter()
    for a, b in PAIRS:
        rows = ask("shortest_path", a=a, b=b)
        if distances[a].get(b, 7) > 6:  # unreachable, or beyond the 6-hop cap
            assert rows == [], (a, b)
            continue
        [row] = rows
        assert row["length"] == distances[a][b], (a, b)
        path = row["path"]
        assert path[0] == a and path[-1] == b and len(path) == row["length"] + 1
        assert all(GRAPH.has_edge(x, y) for x, y in pairwise(path)), path
        lengths[row["length"]] += 1
    assert {0, 1, 2, 3} <= set(lengths)


def test_shortest_path_depth_bound(ask):
    assert ask("shortest_path", a=300, b=306)[0]["length"] == 6  # the default and the cap
    assert ask("shortest_path", a=300, b=307) == []  # 7 hops: beyond the cap, no row
    assert ask("shortest_path", a=300, b=303, max_depth=3)[0]["path"] == [300, 301, 302, 303]
    assert ask("shortest_path", a=300, b=304, max_depth=3) == []


def test_suggestions_ranking_for_every_user(ask):
    for user in USERS:
        rows = ask("suggestions", user=user, limit=10000)
        assert rows == expected_suggestions(user), user
        assert ask("suggestions_count", user=user) == [{"total": len(rows)}]


def test_suggestions_exclude_pending_requests_both_ways(ask):
    ids = [r["id"] for r in ask("suggestions", user=1, limit=10000)]
    assert _RANKED[0] not in ids and _RANKED[2] not in ids  # 1 asked one, the other asked 1
    assert _RANKED[1] in ids


def test_suggestions_default_limit_and_paging(ask):
    full = expected_suggestions(1)
    assert len(full) > 5
    assert ask("suggestions", user=1, limit=3, skip=2) == full[2:5]
    assert len(ask("suggestions", user=34)) == min(20, len(expected_suggestions(34)))


def test_khop_sizes(ask):
    for user in USERS:
        within = nx.single_source_shortest_path_length(GRAPH, user, cutoff=3)
        expected = [
            {"k": k, "size": sum(1 for d in within.values() if 1 <= d <= k)} for k in (1, 2, 3)
        ]
        assert ask("khop_size", user=user, k=3) == expected, user
        assert ask("khop_size", user=user, k=1) == expected[:1]


def test_top_connected(ask):
    ranked = sorted(GRAPH.degree, key=lambda nd: (-nd[1], nd[0]))
    assert ask("top_connected") == [
        {"id": n, "username": f"user{n}", "degree": d} for n, d in ranked[:10]
    ]
    assert [(r["id"], r["degree"]) for r in ask("top_connected", n=10000)] == ranked


def test_degree_distribution(ask):
    histogram = Counter(d for _, d in GRAPH.degree)
    assert ask("degree_distribution") == [
        {"degree": d, "users": histogram[d]} for d in sorted(histogram)
    ]


def test_clustering_coefficient(ask):
    expected = nx.clustering(GRAPH)
    for user in USERS:
        [row] = ask("clustering_coefficient", user=user)
        assert row["coefficient"] == pytest.approx(expected[user]), user


def test_triangles(ask):
    expected = nx.triangles(GRAPH)
    assert sum(expected.values()) > 0
    for user in USERS:
        assert ask("triangles", user=user) == [{"triangles": expected[user]}], user


def test_unknown_user_is_named(ask):
    with pytest.raises(analytics.UnknownUsers, match=r"no user with id 999 \(parameter b\)"):
        ask("mutual_connections", a=1, b=999)
