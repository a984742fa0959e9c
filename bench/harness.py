"""A closed-loop load harness: P processes call one function back to back for D seconds.

The same harness drives every variant of a benchmark (raw driver, bare HTTP, the real endpoint),
so client overhead is identical across them and ratios between them are fair on a noisy box.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        return (
            f"{self.name:<28} {self.rps:>9.1f} req/s  p50 {self.p50_ms:>7.2f} ms  "
            f"p95 {self.p95_ms:>7.2f} ms  p99 {self.p99_ms:>7.2f} ms  errors {self.errors}"
        )


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def _worker(make_call, seed: int, seconds: float, warmup: float, queue) -> None:
    call = make_call(seed)
    latencies, errors = [], 0
    start = time.perf_counter()
    measure_from = start + warmup
    deadline = measure_from + seconds
    i = 0
    while True:
        t0 = time.perf_counter()
        if t0 >= deadline:
            break
        try:
            call(i)
            ok = True
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            ok = False
        t1 = time.perf_counter()
        if t0 >= measure_from:
            if ok:
                latencies.append((t1 - t0) * 1000.0)
            else:
                errors += 1
        i += 1
    queue.put((latencies, errors))


def run(
    name: str,
    make_call: Callable[[int], Callable[[int], object]],
    *,
    processes: int,
    seconds: float,
    warmup: float = 1.0,
) -> Result:
    """Run `make_call(seed)(i)` in `processes` processes for `seconds` after `warmup`."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(make_call, seed, seconds, warmup, queue))
        for seed in range(processes)
    ]
    for worker in workers:
        worker.start()
    parts = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(x for lat, _ in parts for x in lat)
    errors = sum(e for _, e in parts)
    return Result(
        name=name,
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
        p95_ms=_percentile(latencies, 0.95),
        p99_ms=_percentile(latencies, 0.99),
    )


def median_of(runs: list[Result]) -> Result:
    """The run with the median throughput: repeated rounds, one honest figure."""
    ordered = sorted(runs, key=lambda r: r.rps)
    return ordered[len(ordered) // 2]
