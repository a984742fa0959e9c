"""The pure state machine, checked against the independent model of the rules."""

from __future__ import annotations

import pytest

from service.domain.errors import ActionNotAllowed
from service.domain.lifecycle import (
    Action,
    Effect,
    PairState,
    classify,
    decide,
    status_of,
)
from service.graph import cypher
from tests import lifecycle_model as model

ME, THEM = 1, 2
# The model's state for each PairState, as seen by ME.
MODEL_STATE = {
    PairState.NONE: None,
    PairState.CONNECTED: model.CONNECTED,
    PairState.SENT: model.Request(ME, THEM, False),
    PairState.SENT_REJECTED: model.Request(ME, THEM, True),
    PairState.RECEIVED: model.Request(THEM, ME, False),
    PairState.RECEIVED_REJECTED: model.Request(THEM, ME, True),
}
# What each effect does to the pair, in the model's terms.
EFFECT_RESULT = {
    Effect.CREATE_REQUEST: lambda s: model.Request(ME, THEM, False),
    Effect.CONNECT: lambda s: model.CONNECTED,
    Effect.REJECT_REQUEST: lambda s: model.Request(THEM, ME, True),
    Effect.RESTORE_REQUEST: lambda s: model.Request(THEM, ME, False),
    Effect.CANCEL_REQUEST: lambda s: None,
    Effect.DISCONNECT: lambda s: None,
    Effect.MARK_SEEN: lambda s: s,
}


@pytest.mark.parametrize("state", list(PairState))
@pytest.mark.parametrize("action", list(Action))
def test_decide_agrees_with_the_model(state, action):
    expected = model.step(MODEL_STATE[state], ME, THEM, action.value)
    if expected.code == 400:
        with pytest.raises(ActionNotAllowed):
            decide(state, action)
        return
    decision = decide(state, action)
    after = EFFECT_RESULT[decision.effect](MODEL_STATE[state]) if decision.effect else None
    assert (after if decision.effect else MODEL_STATE[state]) == expected.state
    if decision.event is None:
        assert expected.event is None
    else:
        first, second = (ME, THEM) if decision.event_from_actor else (THEM, ME)
        assert (decision.event, first, second) == expected.event


@pytest.mark.parametrize("state", list(PairState))
def test_status_agrees_with_the_model(state):
    assert status_of(state) == model.status(MODEL_STATE[state], ME, THEM)


def test_classify_reads_the_graph_facts():
    pending, rejected = {"rejected": None}, {"rejected": "2026-01-01"}
    facts = {"connected": False, "sent": None, "received": None}
    assert classify(facts) is PairState.NONE
    assert classify({**facts, "sent": pending}) is PairState.SENT
    assert classify({**facts, "sent": rejected}) is PairState.SENT_REJECTED
    assert classify({**facts, "received": pending}) is PairState.RECEIVED
    assert classify({**facts, "received": rejected}) is PairState.RECEIVED_REJECTED
    # Only imported data can hold more than one; the order matches user_rows.cypher.
    assert classify({**facts, "connected": True, "sent": pending}) is PairState.CONNECTED
    both = {**facts, "sent": pending, "received": rejected}
    assert classify(both) is PairState.RECEIVED_REJECTED


def test_every_effect_has_its_query():
    for effect in Effect:
        assert cypher.query(f"lifecycle/{effect.value}")
