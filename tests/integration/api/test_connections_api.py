"""GET /api/v2/user/{id}/connections/ against the real Neo4j: every rule of issue 3."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import warnings

import jwt
import pytest
from falcon import testing

from service.api.app import create_app
from service.domain import auth
from service.graph.connections import ConnectionPages
from service.graph.layer import GraphLayer
from service.graph.runner import Runner, Tuning
from tests.integration.api.tokens import SECRET, bearer
from tests.integration.seed import BASE, connect, create_users, reject, request, user_props

HOST = "http://falconframework.org"  # Falcon's TestClient default host
PATH = "/api/v2/user/1/connections/"


@pytest.fixture
def settings(neo4j_settings):
    # No caching of community options, so a test sees its own `settings set` at once.
    return dataclasses.replace(neo4j_settings, jwt_secret=SECRET, settings_refresh_seconds=1e-9)


@pytest.fixture
def db(graph, neo4j_settings):
    """(driver, database) on an empty graph."""
    return graph.driver, neo4j_settings.neo4j_database


@pytest.fixture
def client(settings, graph):
    return testing.TestClient(create_app(settings, graph=graph))


def ids(body) -> list[int]:
    return [u["id"] for u in body["results"]]


def set_options(graph: GraphLayer, **values) -> None:
    graph.community.set_community_settings(values)


@pytest.fixture
def star(db):
    """User 1 with 23 active connections (ties on created_at), then 3 older inactive ones."""
    driver, database = db
    users = [user_props(i) for i in range(1, 25)]
    users += [user_props(90, status="b"), user_props(91, status="d"), user_props(92, status="u")]
    create_users(driver, database, users)
    pairs = []
    for i in range(2, 25):
        # groups of three share one timestamp, so the id tie-break decides inside each group
        pairs.append((1, i, BASE + dt.timedelta(hours=(i - 2) // 3)))
    older = BASE - dt.timedelta(days=1)
    pairs += [(1, 90, older), (1, 91, older), (92, 1, older)]
    connect(driver, database, pairs)
    expected = sorted(range(2, 25), key=lambda i: (-((i - 2) // 3), i)) + [90, 91, 92]
    return expected


# --- paging, links and order ------------------------------------------------------------


def test_full_page_through_equals_ground_truth(client, star):
    seen, url, pages = [], PATH + "?limit=5", 0
    while url:
        resp = client.simulate_get(url.replace(HOST, ""))
        assert resp.status_code == 200
        assert resp.json["count"] == 26
        seen += ids(resp.json)
        url, pages = resp.json["next"], pages + 1
    assert seen == star  # every connection exactly once, newest first, ties by id
    assert pages == 6


@pytest.mark.parametrize("oldest_from", [0, 1000])
def test_every_offset_and_limit_matches_the_ground_truth(db, star, oldest_from):
    # Pages in the older half of long lists are read from the other end of the index (here
    # every list is long with oldest_from=0): check every boundary both ways.
    graph = ConnectionPages(Runner(*db, Tuning(oldest_from=oldest_from)))
    for limit in (1, 2, 7, 13, 26, 30):
        for offset in range(0, len(star) + 2):
            count, page = graph.list_user_connections(1, None, offset, limit)
            assert count == len(star)
            assert [u["id"] for u in page] == star[offset : offset + limit], (offset, limit)


def test_anchored_deep_pages_match_the_ground_truth_and_follow_writes(graph, star, db):
    # Big users' deep pages start from cached anchors (here: every 4th entry, from 10
    # connections); every page must equal the plain read, before and after the list changes.
    driver, database = db
    anchored = ConnectionPages(Runner(driver, database, Tuning(anchor_every=4, anchor_min=10)))
    for limit in (1, 3, 7):
        for offset in range(0, len(star) + 2):
            count, page = anchored.list_user_connections(1, 7, offset, limit)
            assert (count, [u["id"] for u in page]) == (len(star), star[offset : offset + limit])
    assert 1 in anchored._anchors  # the deep pages above used (and built) anchors
    # a newer connection shifts every position by one; the anchors must not serve stale pages
    create_users(driver, database, [user_props(30)])
    connect(driver, database, [(1, 30, BASE + dt.timedelta(days=30))])
    for offset in range(0, len(star) + 2):
        _, page = anchored.list_user_connections(1, None, offset, 3)
        assert [u["id"] for u in page] == ([30] + star)[offset : offset + 3], offset


def test_order_is_newest_first_with_id_tie_break(client, star):
    body = client.simulate_get(PATH, params={"limit": 6}).json
    assert ids(body) == [23, 24, 20, 21, 22, 17]


def test_exact_links_with_other_params_in_sorted_order(client, star):
    body = client.simulate_get(PATH, query_string="zeta=z&offset=7&limit=5&alpha=a").json
    assert body["next"] == f"{HOST}{PATH}?alpha=a&limit=5&offset=12&zeta=z"
    assert body["previous"] == f"{HOST}{PATH}?alpha=a&limit=5&offset=2&zeta=z"


def test_previous_drops_offset_when_it_would_be_zero_or_less(client, star):
    body = client.simulate_get(PATH, query_string="offset=3&limit=5").json
    assert body["previous"] == f"{HOST}{PATH}?limit=5"
    assert body["next"] == f"{HOST}{PATH}?limit=5&offset=8"
    body = client.simulate_get(PATH, query_string="offset=5&limit=5").json
    assert body["previous"] == f"{HOST}{PATH}?limit=5"


def test_first_page_has_no_previous_and_default_limit(client, star):
    body = client.simulate_get(PATH).json
    assert body["previous"] is None
    assert len(body["results"]) == 20
    assert body["next"] == f"{HOST}{PATH}?limit=20&offset=20"


def test_last_page_has_no_next(client, star):
    body = client.simulate_get(PATH, query_string="offset=21&limit=5").json
    assert body["next"] is None and len(body["results"]) == 5
    assert body["previous"] == f"{HOST}{PATH}?limit=5&offset=16"


def test_offset_past_the_end_gives_empty_results(client, star):
    body = client.simulate_get(PATH, query_string="offset=500&limit=5").json
    assert body == {
        "count": 26,
        "next": None,
        "previous": f"{HOST}{PATH}?limit=5&offset=495",
        "results": [],
    }


def test_limit_above_maximum_is_capped_and_links_carry_it(client, star):
    body = client.simulate_get(PATH, query_string="limit=1000&offset=3").json
    assert len(body["results"]) == 23  # 26 connections from offset 3, under the cap of 100
    assert body["previous"] == f"{HOST}{PATH}?limit=100"
    body = client.simulate_get(PATH, query_string=f"limit={10**30}").json
    assert len(body["results"]) == 26


def test_huge_offset_is_400_not_500(client, star):
    resp = client.simulate_get(PATH, query_string=f"offset={10**30}")
    assert resp.status_code == 400 and "offset" in resp.json["errors"]


def test_largest_valid_offset_is_empty_page(client, star):
    resp = client.simulate_get(PATH, query_string=f"offset={2**63 - 1}")
    assert resp.status_code == 200 and resp.json["results"] == []


def test_url_without_trailing_slash_answers_the_same(client, star):
    slash = client.simulate_get(PATH, query_string="limit=3").json
    bare = client.simulate_get(PATH.rstrip("/"), query_string="limit=3").json
    assert ids(slash) == ids(bare) and bare["count"] == 26
    assert bare["next"] == f"{HOST}{PATH.rstrip('/')}?limit=3&offset=3"


def test_forwarded_headers_only_when_trusted(settings, graph, star):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com"}
    plain = testing.TestClient(create_app(settings, graph=graph))
    assert (
        plain.simulate_get(PATH, query_string="limit=5", headers=headers)
        .json["next"]
        .startswith(f"{HOST}/")
    )
    trusted = testing.TestClient(
        create_app(
            dataclasses.replace(
                settings,
                trust_forwarded=True,
                # The forwarded host is the one checked against ALLOWED_HOSTS.
                allowed_hosts=(*settings.allowed_hosts, "api.example.com"),
            ),
            graph=graph,
        )
    )
    assert (
        trusted.simulate_get(PATH, query_string="limit=5", headers=headers).json["next"]
        == f"https://api.example.com{PATH}?limit=5&offset=5"
    )


# --- the User objects ------------------------------------------------------------------

SEED_FIELDS = [
    "id",
    "username",
    "real_name",
    "email",
    "email_isvalid",
    "date_joined",
    "bio",
    "location",
    "location_lat_lng",
    "position_lat_lng",
    "date_of_birth",
    "description",
    "gender",
    "status",
    "website",
    "avatar",
    "cover",
    "ext_id",
    "tags",
    "reputation",
    "connection_status",
    "connection_requests_sent_counter",
    "connection_requests_received_counter",
    "connections_counter",
    "posts_counter",
    "discussions_counter",
    "statuses_counter",
    "polls_counter",
]


def test_every_seed_field_with_documented_types(client, db):
    driver, database = db
    create_users(
        driver,
        database,
        [user_props(1), user_props(2), {"id": 3, "username": "sparse", "status": "a"}],
    )
    connect(driver, database, [(1, 2, BASE), (1, 3, BASE)])
    body = client.simulate_get(PATH, headers=bearer(1)).json
    full, sparse = body["results"]
    assert set(full) == set(sparse) == set(SEED_FIELDS)
    assert full["date_joined"] == "2024-01-03T00:00:00Z"
    assert full["date_of_birth"] == "1990-01-03"
    assert full["tags"] == [{"id": 1, "name": "tag"}]
    assert (full["gender"], full["status"], full["ext_id"]) == ("Female", "a", 1002)
    for name in ("reputation", "posts_counter", "connections_counter"):
        assert isinstance(full[name], int)
    # a user with only the required properties still has every field, with defaults
    assert sparse["date_of_birth"] is None and sparse["tags"] == []
    assert sparse["gender"] == "Unspecified" and sparse["posts_counter"] == 0


def test_counters_are_computed_from_the_graph(client, db):
    driver, database = db
    create_users(driver, database, [user_props(i) for i in range(1, 7)])
    connect(driver, database, [(1, 2, BASE), (2, 3, BASE), (2, 4, BASE)])
    request(driver, database, [(2, 5), (2, 6), (6, 2)])
    (two,) = client.simulate_get(PATH).json["results"]
    assert two["connections_counter"] == 3
    assert two["connection_requests_sent_counter"] == 2
    assert two["connection_requests_received_counter"] == 1


def test_connection_status_is_relative_to_the_requester(client, db):
    driver, database = db
    create_users(driver, database, [user_props(i) for i in range(1, 8)])
    connect(driver, database, [(1, i, BASE + dt.timedelta(minutes=i)) for i in range(2, 8)])
    connect(driver, database, [(7, 3, BASE)])  # viewer 7 is connected to 3
    request(driver, database, [(7, 4), (5, 7)])  # 7 sent to 4, 5 sent to 7
    statuses = {
        u["id"]: u["connection_status"]
        for u in client.simulate_get(PATH, headers=bearer(7)).json["results"]
    }
    assert statuses == {
        7: None,
        6: None,
        5: "received_connection_request",
        4: "sent_connection_request",
        3: "connected",
        2: None,
    }
    anonymous = client.simulate_get(PATH).json["results"]
    assert [u["connection_status"] for u in anonymous] == [None] * 6
    own = client.simulate_get(PATH, headers=bearer(1)).json["results"]
    assert [u["connection_status"] for u in own] == ["connected"] * 6


def test_rejected_requests_read_as_sent_to_the_sender_only(client, db):
    # issue 10: a rejected request stays "sent" for its sender and vanishes for its receiver;
    # the received counter skips it, the sent counter does not. Pages from either end agree.
    driver, database = db
    create_users(driver, database, [user_props(i) for i in range(1, 8)])
    connect(driver, database, [(1, i, BASE + dt.timedelta(minutes=i)) for i in range(2, 7)])
    request(driver, database, [(7, 2), (3, 7), (4, 2), (5, 6)])
    reject(driver, database, [(7, 2), (3, 7)])
    first = client.simulate_get(PATH, headers=bearer(7)).json["results"]
    older_half = client.simulate_get(PATH, query_string="offset=3&limit=2", headers=bearer(7))
    pages = ConnectionPages(Runner(driver, database, Tuning(oldest_from=0)))
    _, from_oldest = pages.list_user_connections(1, 7, 3, 2)
    assert [u["connection_status"] for u in from_oldest] == [None, "sent_connection_request"]
    by_id = {u["id"]: u for u in first}
    assert [u["id"] for u in first] == [6, 5, 4, 3, 2]
    assert older_half.json["results"] == first[3:5]
    assert by_id[2]["connection_status"] == "sent_connection_request"  # 7's rejected request
    assert by_id[3]["connection_status"] is None  # 7 rejected 3's request
    assert by_id[2]["connection_requests_received_counter"] == 1  # 4's, not 7's rejected one
    assert by_id[3]["connection_requests_sent_counter"] == 1  # rejected, still sent
    assert by_id[6]["connection_requests_received_counter"] == 1


def test_email_is_private_to_the_user_and_staff(client, db):
    driver, database = db
    create_users(
        driver,
        database,
        [user_props(1), user_props(2), user_props(3), user_props(4, is_staff=True)],
    )
    connect(driver, database, [(1, 2, BASE), (1, 3, BASE + dt.timedelta(hours=1))])

    def emails(headers=None):
        body = client.simulate_get(PATH, headers=headers).json
        return {u["id"]: (u["email"], u["email_isvalid"]) for u in body["results"]}

    assert emails() == {3: (None, None), 2: (None, None)}
    assert emails(bearer(2)) == {3: (None, None), 2: ("user2@example.com", True)}
    assert emails(bearer(4)) == {3: ("user3@example.com", True), 2: ("user2@example.com", True)}


def test_blocked_and_deleted_users_are_listed_with_their_status(client, star):
    body = client.simulate_get(PATH, query_string="limit=100").json
    assert body["count"] == len(body["results"]) == 26
    assert [(u["id"], u["status"]) for u in body["results"][-3:]] == [
        (90, "b"),
        (91, "d"),
        (92, "u"),
    ]
    # count is the user's own connections_counter, as any other page shows it
    other = client.simulate_get("/api/v2/user/2/connections/").json["results"]
    assert [u["connections_counter"] for u in other if u["id"] == 1] == [26]


def test_blocked_user_list_is_404(client, db):
    driver, database = db
    create_users(driver, database, [user_props(1, status="b"), user_props(2)])
    connect(driver, database, [(1, 2, BASE)])
    assert client.simulate_get(PATH).status_code == 404
    body = client.simulate_get("/api/v2/user/2/connections/").json
    assert body["count"] == 1 and body["results"][0]["status"] == "b"


# --- access rules -----------------------------------------------------------------------


def test_follow_mode_is_403(client, graph, star):
    set_options(graph, follow_enabled=True)
    resp = client.simulate_get(PATH)
    assert resp.status_code == 403 and "follow" in resp.json["detail"]
    assert client.simulate_get(PATH, headers=bearer(2)).status_code == 403


def test_content_availability_false_requires_authentication(client, graph, star):
    set_options(graph, content_availability=False)
    resp = client.simulate_get(PATH)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.json["detail"] == "Authentication credentials were not provided."
    assert client.simulate_get(PATH, headers=bearer(2)).status_code == 200


def test_content_availability_true_allows_anonymous(client, graph, star):
    set_options(graph, content_availability=True)
    assert client.simulate_get(PATH).status_code == 200


def _hs512(claims: dict) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns that the key is short for SHA-512
        return jwt.encode(claims, SECRET, algorithm="HS512")


def _tokens() -> dict:
    now = int(time.time())
    good = {"user_id": 2, "token_type": "access", "jti": "x", "iat": now, "exp": now + 600}
    tokens = {
        "expired": jwt.encode({**good, "exp": now - 1}, SECRET, algorithm="HS256"),
        "wrong secret": jwt.encode(good, "another-secret-another-secret-000", algorithm="HS256"),
        "alg none": jwt.encode(good, None, algorithm="none"),
        "HS512": _hs512(good),
        "refresh type": jwt.encode({**good, "token_type": "refresh"}, SECRET, algorithm="HS256"),
        "string user_id": jwt.encode({**good, "user_id": "2"}, SECRET, algorithm="HS256"),
        "unknown user": jwt.encode({**good, "user_id": 999}, SECRET, algorithm="HS256"),
        "blocked user": jwt.encode({**good, "user_id": 90}, SECRET, algorithm="HS256"),
        "huge user_id": jwt.encode({**good, "user_id": 10**30}, SECRET, algorithm="HS256"),
        "garbage": "not.a.jwt",
    }
    for claim in good:
        tokens[f"missing {claim}"] = jwt.encode(
            {k: v for k, v in good.items() if k != claim}, SECRET, algorithm="HS256"
        )
    return tokens


@pytest.mark.parametrize("content_availability", [True, False])
def test_every_token_failure_is_401(client, graph, star, content_availability):
    set_options(graph, content_availability=content_availability)
    for name, token in _tokens().items():
        resp = client.simulate_get(PATH, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 401, name
        assert resp.headers["WWW-Authenticate"].startswith("Bearer"), name
        assert resp.json["detail"], name
    resp = client.simulate_get(PATH, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert resp.status_code == 401


def test_invalid_token_is_401_even_in_follow_mode(client, graph, star):
    set_options(graph, follow_enabled=True)
    resp = client.simulate_get(PATH, headers={"Authorization": "Bearer " + _tokens()["expired"]})
    assert resp.status_code == 401


def test_minted_token_is_accepted(client, star):
    token = auth.mint_token(2, SECRET, ttl_seconds=60)
    resp = client.simulate_get(PATH, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,param",
    [
        ("limit=0", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("limit=1e3", "limit"),
        ("offset=-1", "offset"),
        ("offset=abc", "offset"),
        ("offset=1.5", "offset"),
        (f"offset={10**30}", "offset"),
    ],
)
def test_each_invalid_parameter_is_400_naming_it(client, star, query, param):
    resp = client.simulate_get(PATH, query_string=query)
    assert resp.status_code == 400
    assert list(resp.json["errors"]) == [param]
    assert param in resp.json["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/user/999/connections/",
        "/api/v2/user/abc/connections/",
        "/api/v2/user/1.5/connections/",
        "/api/v2/user/-1/connections/",
        f"/api/v2/user/{10**30}/connections/",
        "/api/v2/user/0/connections/",
        "/api/v2/nope",
    ],
)
def test_unknown_user_or_route_is_404_json(client, star, path):
    resp = client.simulate_get(path)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json == {"detail": "Not found."}


def test_wrong_method_is_405_with_allow(client, star):
    resp = client.simulate_post(PATH)
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]
    assert resp.json == {"detail": 'Method "POST" not allowed.'}


def test_graph_layer_returns_count_and_page(graph, star):
    count, page = graph.connections.list_user_connections(1, None, 0, 100)
    assert count == len(page) == 26
