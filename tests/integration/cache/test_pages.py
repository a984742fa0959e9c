"""A cached page is one Redis round trip, spliced from users' JSON, and still exact per viewer.

The page's script checks every entry's epoch and versions inside Redis (service/cache/
store.py), so these tests check what that check must catch, what a viewer-independent
object must not leak (private fields, another viewer's connection_status), and how a page
whose users were evicted is completed.
"""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from redis.connection import Connection

from tests.integration.cache.conftest import token
from tests.integration.seed import BASE, connect, create_users, request, user_props

STAFF, PLAIN, LISTED = 9, 8, 2


@pytest.fixture
def db(graph, neo4j_settings):
    driver, database = graph.driver, neo4j_settings.neo4j_database
    users = [user_props(i) for i in range(1, 8)]
    users += [user_props(PLAIN), user_props(STAFF, is_staff=True)]
    create_users(driver, database, users)
    connect(driver, database, [(1, 2, BASE), (1, 3, BASE), (1, 4, BASE), (PLAIN, 3, BASE)])
    request(driver, database, [(PLAIN, 2), (4, PLAIN)])
    return driver, database


def round_trips(monkeypatch, redis_client, read) -> tuple[int, int]:
    """(requests the app sent to Redis, scripts Redis ran) while `read()` runs."""
    sent = []
    real = Connection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return real(self, command, check_health)

    before = redis_client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0)
    with monkeypatch.context() as patch:
        patch.setattr(Connection, "send_packed_command", counted)
        read()
    after = redis_client.info("commandstats")["cmdstat_evalsha"]["calls"]
    return len(sent), after - before


def outcome(kind: str, name: str) -> float:
    sample = {"kind": kind, "outcome": name}
    return REGISTRY.get_sample_value("connections_cache_requests_total", sample) or 0.0


PAGE = "/api/v2/user/1/connections/"


def test_a_warm_page_is_one_round_trip(db, client, redis_client, monkeypatch):
    assert client.simulate_get(PAGE).status_code == 200  # the miss fills it
    hits = outcome("page", "hit")
    assert round_trips(monkeypatch, redis_client, lambda: client.simulate_get(PAGE)) == (1, 1)
    assert outcome("page", "hit") == hits + 1
    # Signed in: the token's viewer is one more (its own entry), the page still one.
    client.simulate_get(PAGE, headers=token(PLAIN))
    signed_in = round_trips(
        monkeypatch, redis_client, lambda: client.simulate_get(PAGE, headers=token(PLAIN))
    )
    assert signed_in == (2, 2)


def test_each_viewer_sees_their_own_private_fields_and_statuses(db, client, truth):
    client.simulate_get(PAGE)  # the objects are filled by an anonymous read
    viewers = (None, STAFF, PLAIN, LISTED, 4)
    for _ in range(2):  # the second pass is all hits
        for viewer in viewers:
            headers = token(viewer) if viewer else None
            got = client.simulate_get(PAGE, headers=headers).json
            assert got == truth.simulate_get(PAGE, headers=headers).json, viewer
    staff = {u["id"]: u for u in client.simulate_get(PAGE, headers=token(STAFF)).json["results"]}
    plain = {u["id"]: u for u in client.simulate_get(PAGE, headers=token(PLAIN)).json["results"]}
    own = {u["id"]: u for u in client.simulate_get(PAGE, headers=token(LISTED)).json["results"]}
    assert staff[3]["email"] == "user3@example.com" and plain[3]["email"] is None
    assert own[LISTED]["email"] == "user2@example.com" and own[3]["email"] is None
    assert [plain[i]["connection_status"] for i in (2, 3, 4)] == [
        "sent_connection_request",
        "connected",
        "received_connection_request",
    ]
    assert staff[3]["connection_status"] is None and own[LISTED]["connection_status"] is None


def test_an_entry_whose_user_moved_on_is_not_served(db, client, redis_client):
    """Redis checks the versions: a listed user's object filled before their version moved
    is refused, even though nothing deleted it."""
    driver, database = db
    client.simulate_get(PAGE)
    driver.execute_query("MATCH (u:User {id: 3}) SET u.username = 'renamed'", database_=database)
    names = [u["username"] for u in client.simulate_get(PAGE).json["results"]]
    assert "renamed" not in names  # cached: the write above told nobody
    redis_client.incr("c:v:3")  # what an invalidation of user 3 does to their version
    partial = outcome("page", "partial")
    names = [u["username"] for u in client.simulate_get(PAGE).json["results"]]
    assert "renamed" in names
    assert outcome("page", "partial") == partial + 1  # the page was current, user 3 was not


def test_an_evicted_user_is_read_again_and_filled(db, client, truth, redis_client):
    client.simulate_get(PAGE, headers=token(PLAIN))
    redis_client.delete("c:uj:3", f"c:ps:{PLAIN}:4")  # eviction: an object, a status
    partial = outcome("page", "partial")
    got = client.simulate_get(PAGE, headers=token(PLAIN)).json
    assert got == truth.simulate_get(PAGE, headers=token(PLAIN)).json
    assert outcome("page", "partial") == partial + 1
    assert redis_client.exists("c:uj:3", f"c:ps:{PLAIN}:4") == 2  # filled again
    hits = outcome("page", "hit")
    client.simulate_get(PAGE, headers=token(PLAIN))
    assert outcome("page", "hit") == hits + 1


def test_a_miss_fills_after_its_response_is_sent(db, client, redis_client):
    """The WSGI server closes the response once the body is written: only then is it filled."""
    from falcon import testing

    started = []
    environ = testing.create_environ(PAGE)
    body = client.app(environ, lambda status, headers: started.append(status))
    assert started == ["200 OK"] and b'"count":3' in b"".join(body)
    assert not redis_client.exists("c:cl:1", "c:uj:2")  # the answer is out, nothing filled
    body.close()
    assert redis_client.exists("c:cl:1", "c:uj:2") == 2


def test_the_dict_rows_of_a_cached_page_are_the_graphs(db, graph, cached):
    """`ConnectionPageReads` through the cache (the API reads the JSON form): the same rows."""
    from service.domain.schemas import UserSchema, compile_dumper

    dump = compile_dumper(UserSchema())
    expected = graph.connections.list_user_connections(1, PLAIN, 0, 20)
    for _ in range(2):  # a miss, then a hit
        total, rows = cached.connections.list_user_connections(1, PLAIN, 0, 20)
        assert (total, dump(rows)) == (expected[0], dump(expected[1]))
