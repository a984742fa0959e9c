"""GET /api/v2/suggestion/user/ against the real Neo4j: ranking, exclusions, paging, auth."""

from __future__ import annotations

import dataclasses

import pytest
from falcon import testing

from service.api.app import create_app
from service.graph.runner import Runner, Tuning
from service.graph.suggestions import Suggestions
from tests.integration.api.tokens import SECRET, bearer
from tests.integration.seed import BASE, connect, create_users, request, user_props

HOST = "http://falconframework.org"  # Falcon's TestClient default host
PATH = "/api/v2/suggestion/user/"

# User 1 is connected to 2..5. Friends of friends: 6 (3 mutuals), 7 and 8 (2 each), 9 and 10
# (1 each); 11 and 12 are excluded by pending requests (sent and received), 20 and 21 by their
# status, 2 and 3 by being connected to 1 already. 30 has no connections at all.
EDGES = [
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (2, 3),
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
    (4, 12),
    (2, 20),
    (3, 20),
    (5, 21),
]
REQUESTS = [(1, 11), (12, 1), (7, 9)]
ACTIVE = list(range(1, 13)) + [30]
INACTIVE = {20: "b", 21: "d"}


def friends_and_pending() -> tuple[dict[int, set[int]], set[frozenset[int]]]:
    """Each user's friends by EDGES, and the pending pairs of REQUESTS (the models' input)."""
    friends: dict[int, set[int]] = {}
    for a, b in EDGES:
        friends.setdefault(a, set()).add(b)
        friends.setdefault(b, set()).add(a)
    return friends, {frozenset(pair) for pair in REQUESTS}


def ranked_suggestions(user: int) -> list[int]:
    """The ground truth, computed in Python from EDGES/REQUESTS/statuses."""
    friends, pending = friends_and_pending()
    mine = friends.get(user, set())
    candidates = {s for f in mine for s in friends[f]} - mine - {user}
    candidates = {
        s for s in candidates if s not in INACTIVE and frozenset((user, s)) not in pending
    }
    return sorted(candidates, key=lambda s: (-len(friends[s] & mine), s))


@pytest.fixture
def settings(neo4j_settings):
    return dataclasses.replace(neo4j_settings, jwt_secret=SECRET, settings_refresh_seconds=1e-9)


@pytest.fixture
def seeded(graph):
    """The graph described above; returns the graph layer."""
    driver, database = graph.driver, graph.database
    create_users(
        driver,
        database,
        [user_props(i) for i in ACTIVE] + [user_props(i, status=s) for i, s in INACTIVE.items()],
    )
    connect(driver, database, [(a, b, BASE) for a, b in EDGES])
    request(driver, database, REQUESTS)
    return graph


@pytest.fixture
def client(settings, seeded):
    return testing.TestClient(create_app(settings, graph=seeded))


def ids(body) -> list[int]:
    return [u["id"] for u in body["results"]]


def test_ranked_by_mutual_count_then_id():
    # The fixture's own expectation, stated by hand so the ground truth cannot drift.
    assert ranked_suggestions(1) == [6, 7, 8, 9, 10]


def test_full_ranking_matches_ground_truth_for_every_user(client):
    for user in ACTIVE:
        resp = client.simulate_get(PATH, query_string="limit=100", headers=bearer(user))
        assert resp.status_code == 200, user
        assert ids(resp.json) == ranked_suggestions(user), user
        assert resp.json["count"] == len(ranked_suggestions(user)), user


def test_excludes_connections_requests_both_ways_and_inactive_users(client):
    got = set(ids(client.simulate_get(PATH, headers=bearer(1)).json))
    assert got.isdisjoint({1, 2, 3, 4, 5, 11, 12, 20, 21})


def test_results_are_full_user_objects_with_private_fields_hidden(client):
    user = client.simulate_get(PATH, query_string="limit=1", headers=bearer(1)).json["results"][0]
    assert user["id"] == 6 and user["username"] == "user6" and user["real_name"] == "User 6"
    assert user["tags"] == [{"id": 1, "name": "tag"}] and user["date_joined"]
    assert user["connection_status"] is None  # suggestions are never connected or requested
    assert user["email"] is None and user["email_isvalid"] is None
    assert user["connections_counter"] == 3


def test_staff_viewer_sees_email(client, seeded):
    seeded.driver.execute_query(
        "MATCH (u:User {id: 1}) SET u.is_staff = true", database_=seeded.database
    )
    user = client.simulate_get(PATH, query_string="limit=1", headers=bearer(1)).json["results"][0]
    assert user["email"] == "user6@example.com"


def test_paging_through_next_links_and_back(client):
    expected = ranked_suggestions(1)
    seen, url, pages = [], PATH + "?limit=2", []
    while url:
        body = client.simulate_get(url.replace(HOST, ""), headers=bearer(1)).json
        assert body["count"] == len(expected)
        seen += ids(body)
        pages.append(body)
        url = body["next"]
    assert seen == expected and len(pages) == 3
    assert pages[0]["previous"] is None
    assert pages[1]["previous"] == HOST + PATH + "?limit=2"
    assert pages[2]["previous"] == HOST + PATH + "?limit=2&offset=2"
    assert pages[1]["next"] == HOST + PATH + "?limit=2&offset=4"


@pytest.mark.parametrize("offset", [5, 6, 2**63 - 1])
def test_offset_past_the_end_is_an_empty_page(client, offset):
    resp = client.simulate_get(PATH, query_string=f"offset={offset}", headers=bearer(1))
    assert resp.status_code == 200
    assert resp.json["count"] == 5 and resp.json["results"] == [] and resp.json["next"] is None


def test_user_without_connections_gets_an_empty_page(client):
    assert client.simulate_get(PATH, headers=bearer(30)).json == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_anonymous_is_401_with_bearer_challenge(client):
    resp = client.simulate_get(PATH)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("user_id", [20, 21, 999])
def test_token_of_inactive_or_unknown_user_is_401(client, user_id):
    assert client.simulate_get(PATH, headers=bearer(user_id)).status_code == 401


def test_follow_mode_is_403(client, seeded):
    seeded.community.set_community_settings({"follow_enabled": True})
    resp = client.simulate_get(PATH, headers=bearer(1))
    assert resp.status_code == 403 and "follow mode" in resp.json["detail"]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", f"offset={2**63}"])
def test_bad_params_are_400(client, query):
    resp = client.simulate_get(PATH, query_string=query, headers=bearer(1))
    assert resp.status_code == 400 and query.split("=")[0] in resp.json["errors"]


def bounded_suggestions(user: int, friend_cap: int, fanout: int, seeks: bool) -> list[int]:
    """The bounded ranking in Python: newest `friend_cap` friends, newest `fanout` of each.

    Every connection here has the same created_at, so "newest" means lowest id first. With
    seeks (a budget far above this graph's paths), a big friend's mutuals count exactly;
    without, through its sampled paths only.
    """
    friends, pending = friends_and_pending()
    mine = friends.get(user, set())
    considered = sorted(mine)[:friend_cap]
    reached = {s for f in considered for s in sorted(friends[f])[:fanout]}
    mutual = {
        s: sum(
            1
            for f in considered
            if s
            in (friends[f] if seeks and len(friends[f]) > fanout else sorted(friends[f])[:fanout])
        )
        for s in reached
    }
    keep = [
        s
        for s in reached
        if s != user and s not in mine and s not in INACTIVE and frozenset((user, s)) not in pending
    ]
    return sorted(keep, key=lambda s: (-mutual[s], s))


@pytest.mark.parametrize("seeks", [0, 3000])
@pytest.mark.parametrize("friend_cap,fanout", [(1, 1), (2, 3), (3, 2), (4, 100), (100, 4)])
def test_bounded_neighbourhood_ranks_and_counts_within_the_bound(seeded, friend_cap, fanout, seeks):
    tuning = Tuning(suggestion_friends=friend_cap, suggestion_fanout=fanout, suggestion_seeks=seeks)
    graph = Suggestions(Runner(seeded.driver, seeded.database, tuning))
    for user in ACTIVE:
        expected = bounded_suggestions(user, friend_cap, fanout, seeks=seeks > 0)
        count, page = graph.suggest_users(user, 0, 100)
        assert (count, [u["id"] for u in page]) == (len(expected), expected), user
        paged = [
            u["id"]
            for offset in range(0, count + 2, 2)
            for u in graph.suggest_users(user, offset, 2)[1]
        ]
        assert paged == expected, user  # pages slice the same ranking; count matches them


def test_default_bound_is_exact_on_small_graphs(seeded):
    # at most SUGGESTION_FRIENDS friends with at most SUGGESTION_FANOUT each: nothing is cut
    for user in ACTIVE:
        assert [
            u["id"] for u in seeded.suggestions.suggest_users(user, 0, 100)[1]
        ] == ranked_suggestions(user)
