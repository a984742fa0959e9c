"""Stateful property test: random action sequences through the API on the real Neo4j agree,
step by step, with the independent model of the rules in tests/lifecycle_model.py."""

from __future__ import annotations

import dataclasses

from falcon import testing
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from service.api.app import create_app
from service.domain import auth
from tests import lifecycle_model as model
from tests.conftest import delete_everything
from tests.integration.seed import create_users, user_props

SECRET = "stateful-test-secret-0123456789abcdef"
USERS = (1, 2, 3)
ACTIONS = (
    "request",
    "accept",
    "reject",
    "cancel_reject",
    "cancel_request",
    "remove",
    "mark_seen",
)


def test_the_service_follows_the_model(graph, neo4j_settings):
    database = neo4j_settings.neo4j_database
    driver = graph.driver
    client = testing.TestClient(
        create_app(dataclasses.replace(neo4j_settings, jwt_secret=SECRET), graph=graph)
    )
    tokens = {u: {"Authorization": "Bearer " + auth.mint_token(u, SECRET)} for u in USERS}

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            delete_everything(driver, database)
            create_users(driver, database, [user_props(i) for i in USERS])
            self.pairs: dict = {}
            self.events: list = []

        def pair_state(self, a: int, b: int):
            return self.pairs.get((min(a, b), max(a, b)))

        @rule(
            actor=st.sampled_from(USERS),
            other=st.sampled_from(USERS),
            action=st.sampled_from(ACTIONS),
        )
        def act(self, actor, other, action):
            resp = client.simulate_post(model.path(action, other), headers=tokens[actor])
            if actor == other:
                assert resp.status_code == 400
                return
            expected = model.step(self.pair_state(actor, other), actor, other, action)
            assert resp.status_code == expected.code, (actor, action, other, resp.text)
            if expected.code == 200:
                assert resp.json == {"connection_status": expected.status}
            self.pairs[(min(actor, other), max(actor, other))] = expected.state
            if expected.event:
                self.events.append(expected.event)

        @invariant()
        def log_and_statuses_agree(self):
            logged = graph.events.read_events(0)
            assert [(e["type"], e["from_user_id"], e["to_user_id"]) for e in logged] == self.events
            assert [e["event_id"] for e in logged] == list(range(1, len(logged) + 1))
            for viewer in USERS:
                others = [u for u in USERS if u != viewer]
                resp = client.simulate_post(
                    "/api/v2/user/connection/statuses/",
                    json={"users": others},
                    headers=tokens[viewer],
                )
                assert resp.json["connection_statuses"] == {
                    str(o): model.status(self.pair_state(viewer, o), viewer, o) for o in others
                }

        def teardown(self):
            final = model.graph_states(driver, database)
            assert final == {p: s for p, s in self.pairs.items() if s is not None}

    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=15,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
