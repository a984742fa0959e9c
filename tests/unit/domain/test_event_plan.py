"""Every received connection event moves any pair state to the state the event describes."""

import pytest

from service.domain.lifecycle import EVENT_OF, TARGETS, plan
from service.domain.lifecycle import PairState as S

SENT = (S.SENT, S.SENT_REJECTED)
RECEIVED = (S.RECEIVED, S.RECEIVED_REJECTED)


def run(state: S, effect: str, by_from: bool) -> S:
    """An independent model of each lifecycle effect, seen from the event's `from` user."""
    if effect == "create_request":
        assert state is S.NONE
        return S.SENT if by_from else S.RECEIVED
    if effect == "reject_request":  # the actor rejects the other's request
        assert state is (S.RECEIVED if by_from else S.SENT)
        return S.RECEIVED_REJECTED if by_from else S.SENT_REJECTED
    if effect == "restore_request":
        assert state is (S.RECEIVED_REJECTED if by_from else S.SENT_REJECTED)
        return S.RECEIVED if by_from else S.SENT
    if effect == "cancel_request":  # the actor withdraws their own request
        assert state in (SENT if by_from else RECEIVED)
        return S.NONE
    if effect == "connect":
        return S.CONNECTED
    if effect == "disconnect":
        assert state is S.CONNECTED
        return S.NONE
    raise AssertionError(effect)


@pytest.mark.parametrize("event", sorted(TARGETS))
@pytest.mark.parametrize("state", list(S))
def test_the_plan_reaches_the_events_state_from_any_state(state, event):
    target = TARGETS[event]
    steps = plan(state, target)
    current = state
    for effect, by_from in steps:
        current = run(current, effect.value, by_from)
    assert current is target
    assert (steps == []) == (state is target)  # nothing to do exactly when it already holds
    assert len(steps) <= 3


# A state each effect applies from, as the event's `from` user sees it.
START = {
    "create_request": S.NONE,
    "reject_request": S.SENT,
    "restore_request": S.SENT_REJECTED,
    "cancel_request": S.SENT,
    "connect": S.SENT,
    "disconnect": S.CONNECTED,
}


@pytest.mark.parametrize("effect", list(EVENT_OF))
def test_the_event_an_effect_logs_describes_the_state_it_makes(effect):
    event, from_is_actor = EVENT_OF[effect]
    after = run(START[effect.value], effect.value, from_is_actor)
    assert TARGETS[event] is after  # a mirror receiving the event reaches the same state
