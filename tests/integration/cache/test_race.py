"""The classic race, with real threads on real Neo4j and Redis.

A reader that read Neo4j before a write committed must not fill the cache after the write's
invalidation; a writer's next read, on the cached app, must see its own write while readers
race to fill the same entries.
"""

from __future__ import annotations

import threading

from prometheus_client import REGISTRY

from tests.integration.cache.conftest import token
from tests.integration.seed import BASE, connect, create_users, user_props


def seed(graph, database):
    create_users(graph.driver, database, [user_props(i) for i in range(1, 9)])
    connect(graph.driver, database, [(1, 5, BASE), (2, 5, BASE), (3, 6, BASE), (4, 6, BASE)])


class PausingPages:
    """The graph's pages, but a read waits after Neo4j answered until it is let go (our own
    stand-in around the real DAO, to hold a reader exactly inside the race window)."""

    def __init__(self, inner):
        self.inner = inner
        self.read_done = threading.Event()
        self.release = threading.Event()

    def list_user_connections(self, *args):
        result = self.inner.list_user_connections(*args)
        self.read_done.set()
        assert self.release.wait(30)
        return result


def refused() -> float:
    return REGISTRY.get_sample_value("connections_cache_fills_total", {"outcome": "refused"}) or 0.0


def ids(page) -> list[int]:
    return [user["id"] for user in page["results"]]


def test_a_reader_that_read_before_a_write_does_not_fill_after_it(
    graph, neo4j_settings, cached, client
):
    seed(graph, neo4j_settings.neo4j_database)
    pausing = PausingPages(cached.connections.inner)
    cached.connections.inner = pausing  # type: ignore[misc]
    before = refused()
    slow: dict = {}
    reader = threading.Thread(
        target=lambda: slow.update(page=client.simulate_get("/api/v2/user/1/connections/").json)
    )
    reader.start()
    # The reader has read Neo4j (user 1 has one connection) and is held before its fill ...
    assert pausing.read_done.wait(30)
    # ... while a write commits and invalidates.
    for actor, action, other in ((1, "request", 2), (2, "accept", 1)):
        path = f"/api/v2/user/{other}/connection/{action}/"
        assert client.simulate_post(path, headers=token(actor)).status_code == 200
    pausing.release.set()
    reader.join(30)
    assert ids(slow["page"]) == [5]  # what it read, before the write
    assert refused() > before  # its fill was refused ...
    page = client.simulate_get("/api/v2/user/1/connections/").json
    assert page["count"] == 2 and ids(page) == [2, 5]  # ... so the next read is the new list


def test_writers_see_their_writes_while_readers_race_to_fill(graph, neo4j_settings, client):
    """Two writers, each owning a pair, flip it connected / not connected; after every write
    response the writer reads both users through the cache and must see exactly its state,
    while four readers fill the same entries as fast as they can."""
    seed(graph, neo4j_settings.neo4j_database)
    stop = threading.Event()
    failures: list = []
    reads = [0]

    def read_loop(n: int) -> None:
        paths = [f"/api/v2/user/{u}/connections/" for u in (1, 2, 3, 4)]
        paths += [f"/api/v2/user/{u}/" for u in (1, 2, 3, 4)]
        i = n
        while not stop.is_set():
            viewer = (None, token(1), token(3), token(5))[i % 4]
            resp = client.simulate_get(paths[i % len(paths)], headers=viewer)
            if resp.status_code != 200:
                failures.append(("read", resp.status_code, resp.text))
            reads[0] += 1
            i += 1

    def write_loop(a: int, b: int) -> None:
        for round_no in range(12):
            for actor, action, other in ((a, "request", b), (b, "accept", a)):
                path = f"/api/v2/user/{other}/connection/{action}/"
                client.simulate_post(path, headers=token(actor))
            check(a, b, connected=True, where=round_no)
            client.simulate_post(f"/api/v2/user/{b}/connection/remove/", headers=token(a))
            check(a, b, connected=False, where=round_no)

    def check(a: int, b: int, connected: bool, where: int) -> None:
        for me, them in ((a, b), (b, a)):
            page = client.simulate_get(f"/api/v2/user/{me}/connections/", headers=token(them)).json
            user = client.simulate_get(f"/api/v2/user/{me}/", headers=token(them)).json
            status = client.simulate_get(
                f"/api/v2/user/{me}/connection_status/", headers=token(them)
            ).json
            seen = (
                them in ids(page),
                page["count"],
                user["connections_counter"],
                status["connection_status"],
            )
            want = (connected, 1 + connected, 1 + connected, "connected" if connected else None)
            if seen != want:
                failures.append((where, me, them, seen, want))

    threads = [threading.Thread(target=read_loop, args=(n,)) for n in range(4)]
    writers = [threading.Thread(target=write_loop, args=pair) for pair in ((1, 2), (3, 4))]
    for thread in threads + writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert reads[0] > 50  # the readers really raced
