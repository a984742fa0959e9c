"""The explorer's endpoints through create_app() with the FakeGraph: rules, caps, errors."""

from __future__ import annotations

import pytest

from service.domain.explore import FANOUT, MAX_EDGES
from service.domain.schemas import MAX_INT64
from service.graph.explore import NetworkBounds
from tests.unit.api.client import bearer, make_client
from tests.unit.fakes import FakeGraph

NETWORK = "/api/v2/explore/user/1/network/"
READS = [
    NETWORK,
    "/api/v2/explore/users/?q=user",
    "/api/v2/explore/path/?from=1&to=3",
    "/api/v2/explore/mutual/?a=1&b=2",
]
SUGGESTIONS = "/api/v2/explore/suggestions/"


def get(client, url: str, **kwargs):
    path, _, query = url.partition("?")
    return client.simulate_get(path, query_string=query, **kwargs)


def test_the_network_is_drawn_with_the_domain_caps():
    graph = FakeGraph(connections={1: [2, 3, 5], 2: [3, 4]})
    resp = get(make_client(graph), NETWORK + "?hops=2&limit=2")
    assert resp.status_code == 200
    body = resp.json
    assert body["user_id"] == 1 and body["degree"] == 3 and body["truncated"] is False
    assert [(n["id"], n["hop"]) for n in body["nodes"]] == [(1, 0), (2, 1), (3, 1), (4, 2)]
    edges = {(e["source"], e["target"]) for e in body["edges"]}
    assert edges == {(1, 2), (1, 3), (2, 3), (2, 4)}
    bounds = NetworkBounds(
        first_limit=2, hops=2, fanout=FANOUT, second_limit=4, max_edges=MAX_EDGES
    )
    assert graph.calls == [("ego", 1, bounds)]


@pytest.mark.parametrize("url", READS + [SUGGESTIONS])
def test_no_explore_answer_carries_an_email(url):
    graph = FakeGraph(connections={1: [2, 3], 2: [3]}, suggestions={1: [3]})
    resp = get(make_client(graph), url, headers=bearer(1))
    assert resp.status_code == 200, resp.json
    assert "email" not in resp.text and "@example.com" not in resp.text


@pytest.mark.parametrize("url", READS)
def test_anonymous_only_where_content_availability_allows(url):
    closed = make_client(content_availability=False)
    assert get(closed, url).status_code == 401
    assert get(closed, url, headers=bearer(1)).status_code == 200
    assert get(make_client(), url).status_code == 200


@pytest.mark.parametrize("url", [NETWORK, READS[2], READS[3], SUGGESTIONS])
def test_connection_data_is_not_shown_in_follow_mode(url):
    assert get(make_client(follow_enabled=True), url, headers=bearer(1)).status_code == 403


def test_suggestions_are_for_a_signed_in_viewer_with_mutual_counts():
    graph = FakeGraph(connections={1: [2, 3], 2: [4], 3: [4]}, suggestions={1: [4]})
    client = make_client(graph)
    assert get(client, SUGGESTIONS).status_code == 401
    resp = get(client, SUGGESTIONS, headers=bearer(1))
    assert [(u["id"], u["mutual"]) for u in resp.json["results"]] == [(4, 2)]


def test_search_pages_and_puts_the_id_first():
    graph = FakeGraph(connections={i: [] for i in range(1, 15)})
    client = make_client(graph)
    body = get(client, "/api/v2/explore/users/?q=user1&limit=2&offset=2").json
    assert body["count"] == 6 and [u["id"] for u in body["results"]] == [11, 12]
    assert "offset=4" in body["next"] and body["previous"]
    assert [u["id"] for u in get(client, "/api/v2/explore/users/?q=3").json["results"]] == [3]


def test_the_path_is_null_beyond_reach():
    client = make_client(FakeGraph(connections={1: [2], 3: [4]}))
    assert get(client, "/api/v2/explore/path/?from=1&to=2").json["length"] == 1
    assert get(client, "/api/v2/explore/path/?from=1&to=3").json == {"path": None, "length": None}


@pytest.mark.parametrize(
    "url,param",
    [
        (NETWORK + "?hops=3", "hops"),
        (NETWORK + "?limit=201", "limit"),
        (NETWORK + "?limit=0", "limit"),
        (NETWORK + "?limit=x", "limit"),
        ("/api/v2/explore/users/", "q"),
        ("/api/v2/explore/users/?q=", "q"),
        ("/api/v2/explore/users/?q=" + "a" * 101, "q"),
        ("/api/v2/explore/path/?to=2", "from"),
        ("/api/v2/explore/path/?from=1&to=0", "to"),
        ("/api/v2/explore/path/?from=1&to=99999999999999999999", "to"),
        ("/api/v2/explore/mutual/?a=1&b=-2", "b"),
        ("/api/v2/explore/mutual/?a=1&b=2&offset=-1", "offset"),
        (SUGGESTIONS + "?limit=51", "limit"),
    ],
)
def test_bad_parameters_are_400_naming_them(url, param):
    resp = get(make_client(), url, headers=bearer(1))
    assert resp.status_code == 400, resp.text
    assert param in resp.json["errors"], resp.json


@pytest.mark.parametrize(
    "url,param,message",
    [
        (NETWORK + "?hops=3", "hops", "Must be 1 or 2."),
        (NETWORK + "?limit=x", "limit", "Must be an integer from 1 to 200."),
        (SUGGESTIONS + "?limit=51", "limit", "Must be an integer from 1 to 50."),
        ("/api/v2/explore/path/?to=2", "from", "A user id is required."),
        ("/api/v2/explore/path/?from=1&to=0", "to", f"Must be a user id (1 to {MAX_INT64})."),
        ("/api/v2/explore/mutual/?a=1&b=x", "b", f"Must be a user id (1 to {MAX_INT64})."),
        (
            "/api/v2/explore/mutual/?a=1&b=2&offset=x",
            "offset",
            f"Must be an integer from 0 to {MAX_INT64}.",
        ),
    ],
)
def test_a_bad_parameter_says_its_range(url, param, message):
    # One message for out-of-range and not-an-integer alike (api/schemas.ranged_query_integer).
    assert get(make_client(), url, headers=bearer(1)).json["errors"] == {param: [message]}


@pytest.mark.parametrize(
    "url", [NETWORK.replace("/1/", "/99/"), "/api/v2/explore/mutual/?a=1&b=99"]
)
def test_an_unknown_user_is_404(url):
    assert get(make_client(), url).status_code == 404


def test_the_explorer_endpoints_are_documented():
    document = make_client().simulate_get("/api/v2/openapi.json").json
    paths = {p for p in document["paths"] if p.startswith("/api/v2/explore/")}
    assert paths == {
        "/api/v2/explore/user/{id}/network/",
        "/api/v2/explore/users/",
        "/api/v2/explore/path/",
        "/api/v2/explore/mutual/",
        "/api/v2/explore/suggestions/",
    }
