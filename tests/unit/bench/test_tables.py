"""Benchmarks' tables from made-up figures: measuring, tabulating and recording are apart."""

from __future__ import annotations

from bench import cache, cost_curves, deep, lifecycle, overhead
from bench.toolkit.harness import Result, results_table, rotated
from bench.toolkit.results import command_line, json_block


def result(name: str, rps: float, p50: float, errors: int = 0) -> Result:
    return Result(name, int(rps * 10), errors, 10.0, p50, p50 * 2, p50 * 3)


def test_rotated_starts_each_round_one_further():
    assert [rotated("abc", n) for n in range(4)] == [
        list("abc"),
        list("bca"),
        list("cab"),
        list("abc"),
    ]


def test_results_table_has_a_row_per_result():
    table = results_table([result("x", 100, 1.5), result("y", 50, 3, errors=2)])
    assert table.splitlines()[2] == "| x | 100.0 | 1.50 | 3.00 | 4.50 | 0 |"
    assert table.splitlines()[3].endswith("| 2 |")


def test_overhead_ratios_come_from_the_median_rounds():
    rounds = {
        "a": [result("a", 100, 2), result("a", 120, 2), result("a", 80, 2)],
        "b": [result("b", 200, 1)],
        "c": [result("c", 60, 4), result("c", 90, 3), result("c", 30, 5)],
    }
    table = overhead.table(rounds)
    assert "(c)/(a) throughput = **0.60**" in table  # 60 / 100: the median rounds
    assert "(c)/(b) throughput = **0.30**" in table


def test_lifecycle_compares_reads_under_writes_with_alone_and_the_control():
    measured = {
        "alone": [result("reads alone", 100, 2)],
        "during writes": [result("reads + writes", 50, 4)],
        "writes": [result("writes", 20, 10)],
        "control": [result("reads + extra reads", 80, 2.5)],
    }
    table = lifecycle.table(measured)
    assert "p50 **10.0 ms**" in table  # the writes' own latency
    assert "vs alone: p50 **2.00×**" in table
    assert "(the control): p50 **1.60×**" in table


def test_cost_curves_worst_ratio_is_against_the_100_connection_user():
    figures = {
        "degree": {d: (1.0, 2.0, 0.5) for d in cost_curves.DEGREES},
        "offset": {0: (1.0, 2.0), 50_000: (3.0, 5.0)},
    }
    assert "**2.50×** (goal ≤ 3×)" in cost_curves.table(figures)


def test_recording_helpers():
    assert command_line("bench.x", ["--seconds", "2"]) == "python -m bench.x --seconds 2"
    block = json_block({"violations": list(range(30)), "ok": True}, keep=3)
    assert '"... 30 in all"' in block and block.startswith("```json")


def test_deep_throughput_is_against_the_baseline_ref_round_by_round_median():
    results = {}
    for name, rps in (("this branch", 300.0), ("main (sync workers)", 200.0)):
        for conns in (2, 4, 8):
            results[name, conns] = [(rps, 5.0, 9.0), (rps * 2, 4.0, 8.0), (rps / 2, 6.0, 10.0)]
    table = deep.throughput_table(results, "main (sync workers)")
    assert "| this branch | 2 | 300 | 5.0 | 9.0 | 1.50× |" in table
    assert "| main (sync workers) | 8 | 200 | 5.0 | 9.0 | 1.00× |" in table


def cache_figures() -> dict:
    figures: dict = {"graph users": 100_000, "sampled users": 4000}
    for c in (2, 8):
        figures[f"page 1 {cache.CACHED} c={c}"] = (1200, 1.5, 4.0)
        figures[f"page 1 {cache.UNCACHED} c={c}"] = (300, 6.0, 20.0)
        figures[f"page 1 {cache.BARE} c={c}"] = (3000, 0.6, 2.0)
    figures.update(
        {
            "one client p50 ms, cached": 1.2,
            "one client p50 ms, cached miss": 5.0,
            "one client p50 ms, uncached": 4.5,
            "write p50 ms, cached": 8.0,
            "write p50 ms, uncached": 7.5,
            "redis memory": "6M",
            "redis keys": 100,
            "page hits in the rounds served kept": 0.97,
        }
    )
    for label in ("uniform", "zipf 1.1"):
        for phase in ("cold", "warm"):
            for name in (cache.CACHED, cache.UNCACHED):
                figures[f"mix {label} {phase}, {name}"] = {
                    "req/s": 100,
                    "p50": 1.0,
                    "p99": 2.0,
                    "hit ratio": 0.5,
                }
    return figures


def test_cache_table_sets_the_peer_beside_cached_and_uncached_at_two_clients():
    figures = cache_figures()
    figures[f"page 1 {cache.PEER} c=2"] = (500, 1.3, 6.0)
    table = cache.figures_table(figures, rounds=3, seconds=8)
    row = next(line for line in table.splitlines() if cache.PEER in line)
    assert "500 pages/s, p50 1.30 / p99 6.00 ms" in row
    assert "**2.40×** the peer, uncached 0.60×" in row  # 1200 / 500 and 300 / 500
    assert "median of 3 rotating rounds of 8 s" in table


def test_cache_table_without_the_peer_has_no_peer_row():
    table = cache.figures_table(cache_figures(), rounds=1, seconds=8)
    assert cache.PEER not in table
    assert "cached = **4.0×** uncached, **0.40×** bare" in table
    assert (
        "served from a worker's kept copy (service/cache/near.py, CACHE_NEAR_MB default) | 0.97 |"
        in table
    )
