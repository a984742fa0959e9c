"""bench.toolkit.harness's open loop: calls start on schedule however slowly the server answers."""

import time

from bench.toolkit import harness


def sleeping(seconds: float, fail_every: int = 0):
    def make(seed: int):
        def call(i: int) -> None:
            time.sleep(seconds)
            if fail_every and i % fail_every == 0:
                raise RuntimeError("refused")

        return call

    return make


def test_the_rate_holds_when_answers_take_longer_than_the_interval():
    # A closed loop with one client would manage 5 a second here; the open loop keeps 40.
    result = harness.run_at_rate("slow", sleeping(0.2), rate=40, seconds=1.5, warmup=0.25)
    assert result.requests + result.errors == 60
    assert 30 <= result.rps <= 40
    assert 200 <= result.p50_ms < 400


def test_failures_are_counted_not_timed():
    result = harness.run_at_rate("flaky", sleeping(0.01, 2), rate=40, seconds=1, warmup=0)
    assert result.errors == 20 and result.requests == 20
