"""bench.cache's rounds: one where a worker did less than its share is run again, each HTTP
variant alike; after BALANCE_TRIES the last round stands."""

from __future__ import annotations

from bench import cache


class TwoWorkers:
    def worker_pids(self) -> list[int]:
        return [1, 2]


def with_work(monkeypatch, rounds: list[tuple[float, float]]):
    """cpu_seconds reads as if each round's workers spent these CPU seconds."""
    clock = {1: 0.0, 2: 0.0}
    results = iter(range(len(rounds)))
    spending = iter(rounds)

    def measure():
        first, second = next(spending)
        clock[1] += first
        clock[2] += second
        return next(results)

    monkeypatch.setattr(cache, "cpu_seconds", lambda pids: sum(clock[p] for p in pids))
    return measure


def test_a_round_on_one_worker_is_run_again(monkeypatch):
    measure = with_work(monkeypatch, [(4.0, 0.1), (3.9, 0.0), (2.0, 1.8)])
    assert cache.balanced(TwoWorkers(), measure, "cached c=2") == 2


def test_a_balanced_round_stands_at_once(monkeypatch):
    measure = with_work(monkeypatch, [(2.0, 1.0)])
    assert cache.balanced(TwoWorkers(), measure, "bare c=2") == 0


def test_after_every_try_the_last_round_stands(monkeypatch):
    measure = with_work(monkeypatch, [(4.0, 0.0)] * cache.BALANCE_TRIES)
    assert cache.balanced(TwoWorkers(), measure, "uncached c=2") == cache.BALANCE_TRIES - 1
