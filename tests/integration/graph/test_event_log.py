"""The event log: gap-free ids in the change's own transaction, and `connections events`."""

from __future__ import annotations

import datetime as dt
import json
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.cli import main
from service.domain.lifecycle import Action, apply_change
from service.graph import lifecycle as lifecycle_tx
from tests.conftest import point_the_cli_at
from tests.integration.seed import create_users, user_props

ROOT = Path(__file__).resolve().parents[3]
NOW = dt.datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=dt.UTC)


@pytest.fixture
def users(graph, neo4j_settings):
    create_users(graph.driver, neo4j_settings.neo4j_database, [user_props(i) for i in (1, 2, 3)])
    return graph


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings):
    return point_the_cli_at(monkeypatch, neo4j_settings)


class Boom(Exception):
    pass


def test_a_rolled_back_change_leaves_neither_change_nor_event(users):
    def change_then_fail(tx):
        outcome = apply_change(tx, 1, 2, Action.REQUEST, NOW)
        assert outcome.event_id == 1
        raise Boom  # e.g. issue 11's dedupe record failing in the same transaction

    with pytest.raises(Boom):
        users.runner.write(change_then_fail)
    assert users.events.read_events(0) == []
    assert users.users.read_pair_states(1, [2])[2]["sent"] is None
    outcome = users.runner.write(apply_change, 1, 2, Action.REQUEST, NOW)
    assert (outcome.changed, outcome.event_id, outcome.status) == (
        True,
        1,
        "sent_connection_request",
    )


def test_several_changes_in_one_transaction_compose(users):
    def two_changes(tx):
        first = apply_change(tx, 1, 2, Action.REQUEST, NOW)
        second = apply_change(tx, 2, 1, Action.ACCEPT, NOW)
        third = apply_change(tx, 3, 1, Action.REQUEST, NOW)
        return first, second, third

    outcomes = users.runner.write(two_changes)
    assert [o.event_id for o in outcomes] == [1, 2, 3]
    assert [o.status for o in outcomes] == [
        "sent_connection_request",
        "connected",
        "sent_connection_request",
    ]
    assert [e["type"] for e in users.events.read_events(0)] == [
        "connection_request.created",
        "connection.created",
        "connection_request.created",
    ]
    assert [e["event_id"] for e in users.events.read_events(1, limit=1)] == [2]


def test_events_cli_prints_json_lines_after_an_id(users, cli_env, capsys):
    users.runner.write(apply_change, 1, 2, Action.REQUEST, NOW)
    users.runner.write(apply_change, 2, 1, Action.ACCEPT, NOW + dt.timedelta(seconds=1))
    users.runner.write(apply_change, 1, 2, Action.REMOVE, NOW + dt.timedelta(seconds=2))
    assert main(["events"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == {
        "event_id": 1,
        "type": "connection_request.created",
        "created": NOW.timestamp(),
        "from_user_id": 1,
        "to_user_id": 2,
    }
    assert [e["type"] for e in lines] == [
        "connection_request.created",
        "connection.created",
        "connection.deleted",
    ]
    assert main(["events", "--after", "2", "--batch", "1"]) == 0
    assert [json.loads(x)["event_id"] for x in capsys.readouterr().out.splitlines()] == [3]


def test_events_cli_follows_new_events(users, cli_env):
    users.runner.write(apply_change, 1, 2, Action.REQUEST, NOW)
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "events", "--after", "1", "--follow"]
        + ["--interval", "0.2"],
        cwd=ROOT,
        env=cli_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # started and polling: nothing after id 1 yet
        users.runner.write(apply_change, 2, 1, Action.ACCEPT, NOW)
        ready, _, _ = select.select([proc.stdout], [], [], 15)
        assert ready, "no event printed within 15 s"
        line = json.loads(proc.stdout.readline())
        assert (line["event_id"], line["type"]) == (2, "connection.created")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_log_change_appends_events_in_order_and_records_the_pair(users, neo4j_settings):
    def log(tx, events):
        return lifecycle_tx.log_change(tx, 2, 1, NOW, events)

    assert users.runner.write(log, [("connection_request.cancelled", 2, 1)]) == [1]
    two = [("connection_request.cancelled", 1, 2), ("connection_request.created", 2, 1)]
    assert users.runner.write(log, two) == [2, 3]
    assert [(e["event_id"], e["type"], e["from_user_id"]) for e in users.events.read_events(0)] == [
        (1, "connection_request.cancelled", 2),
        (2, "connection_request.cancelled", 1),
        (3, "connection_request.created", 2),
    ]
    assert users.runner.read(lifecycle_tx.read_pair_change, 1, 2) == {
        "changed_at": NOW,
        "event_id": 3,
    }


def test_log_change_without_events_only_records_the_pair(users, neo4j_settings):
    assert users.runner.write(lifecycle_tx.log_change, 1, 2, NOW, []) == []
    assert users.events.read_events(0) == []
    assert users.runner.read(lifecycle_tx.read_pair_change, 2, 1) == {
        "changed_at": NOW,
        "event_id": None,
    }
    records, _, _ = users.driver.execute_query(
        "MATCH (log:EventLog) RETURN count(log) AS n", database_=neo4j_settings.neo4j_database
    )
    assert records[0]["n"] == 0  # not created, so not locked either


def test_a_pairs_change_times_never_go_back(users):
    # A writer that waited on the users' locks holds an older clock reading than the change
    # that committed meanwhile; its event must not be older, or a mirror drops it as stale
    # (seen in the two-service e2e test: B kept a request that A had accepted).
    later, earlier = NOW + dt.timedelta(seconds=5), NOW
    users.runner.write(apply_change, 1, 2, Action.REQUEST, later)
    outcome = users.runner.write(apply_change, 2, 1, Action.ACCEPT, earlier)
    assert outcome.changed
    created = [event["created"] for event in users.events.read_events(0)]
    assert created == [later, later]
    assert users.runner.read(lambda tx: lifecycle_tx.read_pair(tx, 1, 2))["changed_at"] == later
    # and a clock that moved on is used as it is
    users.runner.write(apply_change, 1, 2, Action.REMOVE, later + dt.timedelta(seconds=1))
    assert users.events.read_events(0)[-1]["created"] == later + dt.timedelta(seconds=1)
