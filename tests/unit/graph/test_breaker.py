"""The circuit breaker: one failure opens it, calls then fail at once, one probe per interval."""

import pytest

from service.graph.breaker import BreakerOpen, CircuitBreaker
from service.graph.errors import GraphUnavailable


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_closed_lets_everything_through():
    breaker = CircuitBreaker(clock=Clock())
    assert [breaker.before_call() for _ in range(3)] == [False, False, False]


def test_one_failure_opens_and_calls_fail_fast_until_the_probe_interval():
    clock = Clock()
    breaker = CircuitBreaker(probe_interval=0.5, clock=clock)
    breaker.record_failure(False, "connection refused")
    assert breaker.is_open
    with pytest.raises(BreakerOpen, match="connection refused") as caught:
        breaker.before_call()
    assert isinstance(caught.value, GraphUnavailable)  # the API's 503 handler catches it
    clock.now += 0.5
    assert breaker.before_call() is True  # the probe
    with pytest.raises(BreakerOpen):
        breaker.before_call()  # one probe at a time


def test_failed_probe_reopens_for_another_interval_and_a_good_one_closes():
    clock = Clock()
    breaker = CircuitBreaker(probe_interval=0.5, clock=clock)
    breaker.record_failure(False, "down")
    clock.now += 0.6
    probe = breaker.before_call()
    breaker.record_failure(probe, "still down")
    with pytest.raises(BreakerOpen):
        breaker.before_call()
    clock.now += 0.5
    probe = breaker.before_call()
    breaker.record_success(probe)
    assert not breaker.is_open and breaker.before_call() is False
