"""Closing the runner (a gunicorn worker's `worker_exit`) never pulls the driver from under work.

A fresh clone's CI once ended with `BufferError: Existing exports of data` in the driver's
goodbye: `worker_exit` closed the driver while another thread (a request, the breaker's probe,
the warm-up) still used one of its connections. These tests hold a transaction open in another
thread at the moment `close` is called, which reproduces that race on every run.
"""

from __future__ import annotations

import threading

import pytest

from service.graph import db
from service.graph.breaker import CircuitBreaker
from service.graph.errors import GraphUnavailable
from service.graph.runner import Runner, WarmUpCall


@pytest.fixture
def runner(neo4j_settings, clean_db):
    return Runner(db.create_driver(neo4j_settings), neo4j_settings.neo4j_database)


def hold_a_transaction(runner: Runner) -> tuple[threading.Event, threading.Thread, dict]:
    """A read in another thread that is inside its transaction until `release` is set.

    `outcome["attempts"]` counts the runs of the transaction function: the driver retries one
    whose connection was closed under it (on a new connection), so a retry is the race's mark.
    """
    inside, release, outcome = threading.Event(), threading.Event(), {"attempts": 0}

    def held(tx):
        outcome["attempts"] += 1
        tx.run("RETURN 1").consume()
        inside.set()
        release.wait(10)
        return tx.run("RETURN 2 AS two").single()["two"]

    def request():
        try:
            outcome["value"] = runner.read(held)
        except Exception as exc:  # noqa: BLE001 - the test asserts there is none
            outcome["error"] = exc

    thread = threading.Thread(target=request)
    thread.start()
    assert inside.wait(10), "the transaction never started"
    return release, thread, outcome


def slow_warm_up(runner: Runner) -> tuple[threading.Event, threading.Event, list[str]]:
    """Two warm-up calls: "slow" sets `started` and holds until `release`, then "after".
    `ran` lists the calls that finished."""
    started, release, ran = threading.Event(), threading.Event(), []

    def slow():
        started.set()
        release.wait(10)
        ran.append("slow")

    runner.add_warm_up(
        [WarmUpCall("slow", slow, hot=True), WarmUpCall("after", lambda: ran.append("after"))]
    )
    return started, release, ran


def test_closing_without_waiting_breaks_the_transaction_in_flight(runner):
    # The race itself: what `close` did before it waited (and what it still does after `wait`).
    release, thread, outcome = hold_a_transaction(runner)
    runner.close(wait=0)
    release.set()
    thread.join(10)
    assert "error" in outcome or outcome["attempts"] > 1, outcome


def test_close_lets_the_transaction_in_flight_finish_first(runner):
    release, thread, outcome = hold_a_transaction(runner)
    threading.Timer(0.3, release.set).start()
    runner.close()
    thread.join(10)
    assert outcome == {"attempts": 1, "value": 2}
    with pytest.raises(GraphUnavailable, match="closed"):
        runner.ping()  # nothing new starts on a closed runner


def test_close_stops_the_probe_and_the_warm_up_threads(runner):
    breaker = CircuitBreaker(probe_interval=0.05, recover=runner.recover)
    runner.breaker = breaker
    started, release, ran = slow_warm_up(runner)
    breaker.record_failure(False, "connection reset")  # the probe pings, then warms up
    assert started.wait(10), "the warm-up never started"
    threading.Timer(0.3, release.set).start()
    runner.close()
    assert ran == ["slow"]  # the call under way finished; the next one never started
    assert not runner._warming.is_alive()
    assert not breaker._prober.is_alive()


def test_close_waits_for_the_workers_first_warm_up(runner):
    # gunicorn's post_worker_init starts it; worker_exit's close must not leave it running.
    started, release, ran = slow_warm_up(runner)
    runner.start_warm_up()
    assert started.wait(10), "the warm-up never started"
    threading.Timer(0.3, release.set).start()
    runner.close()
    assert ran == ["slow"]
    assert not runner._starting.is_alive() and not runner._warming.is_alive()
