"""Neo4j killed (-9) in the middle of lifecycle writes: writes fail as GraphUnavailable (503),
and after recovery every change is whole and has exactly its event.

Runs on its own throwaway managed instance (`crashtest`, on the test ports + 300), never the
shared test one; only that instance's own PID (from its PID file) is killed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
import threading
import time

import pytest

from service.domain.errors import ActionNotAllowed
from service.domain.lifecycle import Action, apply_change
from service.graph import db
from service.graph.errors import GraphUnavailable
from service.graph.runner import Runner, Tuning
from tests import lifecycle_model as model
from tests.conftest import throwaway_instance
from tests.integration.seed import create_users, user_props

USERS = (1, 2, 3, 4)
WRITERS = 6

# Two Neo4j starts (~1.5-2 min on the shared machines): deselect with `-m "not crash"`.
pytestmark = pytest.mark.crash


@pytest.fixture(scope="module")
def crash_server(neo4j_settings):
    server, settings = throwaway_instance(neo4j_settings, "crashtest", 300)
    server.start()
    settings = dataclasses.replace(settings, neo4j_connection_timeout=2.0)
    try:
        yield server, settings
    finally:
        # Its data is deleted next, so no graceful shutdown (saves ~10 s): our own PID only.
        server.kill()
        shutil.rmtree(settings.server.home, ignore_errors=True)


def test_kill_9_mid_writes_leaves_whole_changes_with_their_events(crash_server):
    server, settings = crash_server
    with db.create_driver(settings) as driver:
        db.init_schema(driver, "neo4j")
        create_users(driver, "neo4j", [user_props(i) for i in USERS])
    actions = [Action.REQUEST, Action.ACCEPT, Action.REMOVE, Action.CANCEL_REQUEST, Action.REJECT]
    stop = threading.Event()
    outcomes: list[tuple[float, str]] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        with db.create_driver(settings) as drv:
            graph = Runner(drv, "neo4j", Tuning(query_timeout=5.0))
            while not stop.is_set():
                actor, other = rng.sample(USERS, 2)
                try:
                    graph.write(
                        apply_change, actor, other, rng.choice(actions), dt.datetime.now(dt.UTC)
                    )
                    result = "ok"
                except ActionNotAllowed:
                    result = "refused"
                except GraphUnavailable:
                    result = "unavailable"
                except BaseException as exc:  # noqa: BLE001 - anything else would be a 500
                    with lock:
                        unexpected.append(exc)
                    return
                with lock:
                    outcomes.append((time.monotonic(), result))

    threads = [threading.Thread(target=writer, args=(s,)) for s in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30

    def count(result: str, since: float = 0.0) -> int:
        with lock:
            return sum(1 for at, r in outcomes if r == result and at >= since)

    while time.monotonic() < deadline and count("ok") < 30:
        time.sleep(0.05)
    killed_at = time.monotonic()
    server.kill()  # our throwaway instance, by its own PID file
    while time.monotonic() - killed_at < 20 and not count("unavailable", killed_at):
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert unexpected == []
    assert count("ok") >= 30
    assert count("unavailable", killed_at), "writes to a dead server must raise GraphUnavailable"

    server.start()  # recovery
    with db.create_driver(settings) as driver:
        final = model.graph_states(driver, "neo4j")  # asserts the pair invariants
        assert model.replayed_event_log(driver, "neo4j") == final
