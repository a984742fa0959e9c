"""The circuit breaker: one failure opens it, calls then fail at once, one probe per interval."""

import time

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


def test_with_recover_no_request_probes_and_it_closes_only_when_recover_succeeds():
    import threading

    attempts = []
    recovered = threading.Event()

    def recover():
        attempts.append(1)
        if len(attempts) < 3:
            raise GraphUnavailable("still down")
        recovered.set()

    breaker = CircuitBreaker(probe_interval=0.01, recover=recover)
    breaker.record_failure(False, "connection refused")
    assert breaker.is_open
    # Requests never probe: they all fail fast while the background probe runs.
    for _ in range(5):
        with pytest.raises(BreakerOpen):
            breaker.before_call()
    # A request that started before the breaker opened and succeeds does not close it early.
    breaker.record_success(False)
    assert recovered.wait(5)
    deadline = time.monotonic() + 5
    while breaker.is_open and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not breaker.is_open and len(attempts) == 3
    assert breaker.before_call() is False


def test_stop_ends_the_background_probe():
    attempts = []

    def recover():
        attempts.append(1)
        raise GraphUnavailable("down")

    breaker = CircuitBreaker(probe_interval=0.05, recover=recover)
    breaker.record_failure(False, "down")
    time.sleep(0.2)
    breaker.stop()
    time.sleep(0.1)
    seen = len(attempts)
    time.sleep(0.2)
    assert seen > 0 and len(attempts) == seen and breaker.is_open
