"""Load harnesses: closed loop (P processes call one function back to back for D seconds) and
open loop (calls started at a fixed rate, `run_at_rate`).

The same harness drives every variant of a benchmark (raw driver, bare HTTP, the real endpoint),
so client overhead is identical across them and ratios between them are fair on a noisy box.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from bench.toolkit.stats import percentile

T = TypeVar("T")


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
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
    )


def median_of(runs: list[Result], key: Callable[[Result], float] = lambda r: r.rps) -> Result:
    """The run with the median throughput (or `key`): repeated rounds, one honest figure."""
    ordered = sorted(runs, key=key)
    return ordered[len(ordered) // 2]


def run_at_rate(
    name: str,
    make_call: Callable[[int], Callable[[int], object]],
    *,
    rate: float,
    seconds: float,
    warmup: float = 1.0,
    threads: int = 64,
) -> Result:
    """Open loop: start `make_call(0)(i)` `rate` times a second, evenly spaced, for `seconds`
    after `warmup`, whether or not earlier calls have answered (threads, not processes: a few
    dozen requests a second). Latency counts from each call's scheduled start, so a server that
    falls behind shows its queue instead of slowing the client down (no coordinated omission);
    `rps` is the achieved rate: calls answered over the time until the last one answered."""
    call = make_call(0)
    interval = 1.0 / rate
    start = time.perf_counter() + 0.05
    measure_from = start + warmup
    count = round((warmup + seconds) * rate)
    done: list[tuple[float, float, bool]] = []  # (scheduled, finished, ok); append is atomic

    def one(i: int, scheduled: float) -> None:
        try:
            call(i)
            ok = True
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            ok = False
        done.append((scheduled, time.perf_counter(), ok))

    with ThreadPoolExecutor(threads) as pool:
        for i in range(count):
            scheduled = start + i * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i, scheduled)
    measured = [d for d in done if d[0] >= measure_from]
    latencies = sorted(
        (finished - scheduled) * 1000.0 for scheduled, finished, ok in measured if ok
    )
    last = max((finished for _, finished, _ in measured), default=measure_from + seconds)
    return Result(
        name=name,
        requests=len(latencies),
        errors=sum(1 for *_, ok in measured if not ok),
        seconds=max(seconds, last - measure_from),
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
    )


def rotated(items: Sequence[T], round_no: int) -> list[T]:
    """`items` starting at `round_no` (mod their number): no variant always runs first or last,
    so the machine's drift within a round hits them alike."""
    shift = round_no % len(items)
    return [*items[shift:], *items[:shift]]


def results_table(results: Iterable[Result]) -> str:
    """A Markdown table of results: throughput, p50/p95/p99 and errors per variant."""
    lines = ["| variant | req/s | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r.name} | {r.rps:.1f} | {r.p50_ms:.2f} | {r.p95_ms:.2f} | {r.p99_ms:.2f} | "
        f"{r.errors} |"
        for r in results
    ]
    return "\n".join(lines)
