"""sync/claim_event's pair facts are lifecycle/pair_states' and read_pair_change's, in one read."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.lifecycle import Action, apply_change
from service.graph import lifecycle, sync
from tests.integration.seed import create_users, user_props

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=dt.UTC)


@pytest.fixture
def users(graph, neo4j_settings):
    create_users(graph.driver, neo4j_settings.neo4j_database, [user_props(i) for i in (1, 2)])
    return graph


def claimed(graph, event_id: int, from_id: int, to_id: int):
    def work(tx):
        claim = sync.claim_event(tx, event_id, "test", 1.0, 1.0, [], (from_id, to_id))
        sync.finish_event(tx, event_id, "ignored")
        return claim.pair

    return graph.runner.write(work)


def read_directly(graph, from_id: int, to_id: int) -> dict:
    def work(tx):
        facts = lifecycle.read_pair(tx, from_id, to_id)
        del facts["active"]
        last = lifecycle.read_pair_change(tx, from_id, to_id)
        return {"changed_at": last and last["changed_at"], **facts}

    return graph.runner.read(work)


@pytest.mark.parametrize(
    "actions",
    [
        [],
        [(1, 2, Action.REQUEST)],
        [(1, 2, Action.REQUEST), (2, 1, Action.MARK_SEEN), (2, 1, Action.REJECT)],
        [(2, 1, Action.REQUEST)],
        [(1, 2, Action.REQUEST), (2, 1, Action.ACCEPT)],
        [(1, 2, Action.REQUEST), (2, 1, Action.ACCEPT), (2, 1, Action.REMOVE)],
    ],
)
def test_the_claim_reads_the_pair_as_the_lifecycle_does(users, actions):
    for step, (actor, other, action) in enumerate(actions):
        users.runner.write(apply_change, actor, other, action, NOW + dt.timedelta(seconds=step))
    for event_id, (a, b) in enumerate([(1, 2), (2, 1)], start=1):
        assert claimed(users, event_id, a, b) == read_directly(users, a, b)


def test_a_duplicate_reads_and_upserts_nothing(users):
    assert claimed(users, 7, 1, 2) is not None
    row = {"id": 3, "props": {"username": "late"}, "date_joined": None}
    claim = users.runner.write(sync.claim_event, 7, "test", 1.0, 1.0, [row], (1, 3))
    assert claim is None  # a duplicate
    assert users.users.read_pair_states(1, [3]) == {}  # user 3 was not created
