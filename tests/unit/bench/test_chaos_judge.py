"""The soak's verdict (bench/chaos/judge.py): it can fail, and only for what issue 13 forbids."""

from bench.chaos import judge, load

S = load.Sample
OUTAGE = judge.Outage(killed=100.0, answered=130.0)


def test_2xx_4xx_and_503_during_an_outage_pass():
    samples = [
        S(90, 0.01, 200, "r"),
        S(101, 0.001, 503, "r"),
        S(139, 0.01, 503, "r"),
        S(95, 0, 404, "r"),
    ]
    assert judge.judge(samples, [OUTAGE], [], end=200, grace=10) == []


def test_503_outside_an_outage_or_after_the_grace_fails():
    samples = [S(50, 0.01, 503, "r"), S(141, 0.01, 503, "r")]
    problems = judge.judge(samples, [OUTAGE], [], end=200, grace=10)
    assert len(problems) == 2 and all("503 outside" in p for p in problems)


def test_500_and_timeouts_always_fail_and_resets_only_at_a_worker_kill():
    samples = [S(10, 0.1, 500, "r"), S(20, 30, "timeout", "r"), S(60, 0.1, "reset", "r")]
    assert len(judge.judge(samples, [], [], end=200)) == 3
    assert judge.judge([S(60, 0.1, "reset", "r")], [], [60.05], end=200) == []


def test_last_503_after_answer_is_measured_per_outage():
    samples = [S(101, 0, 503, "r"), S(134.5, 0, 503, "r"), S(150, 0, 200, "r")]
    assert judge.last_503_after(samples, [OUTAGE]) == [4.5]


def test_a_503_answered_after_the_next_kill_belongs_to_the_next_outage():
    # Started 0.1 s before the second kill, answered after it: not a 503 of the first outage.
    second = judge.Outage(killed=300.0, answered=320.0)
    samples = [S(132, 0, 503, "r"), S(299.9, 0.2, 503, "r"), S(321, 0, 503, "r")]
    assert judge.last_503_after(samples, [OUTAGE, second]) == [2.0, 1.0]


def test_write_bookkeeping_skips_pairs_with_an_unknown_outcome():
    writes = load.Writes(threads=1, pairs_per_thread=1)
    kind, method, path, _ = writes.next_call(0)
    assert (kind, method, path) == (
        "write-request",
        "POST",
        "/api/v2/user/1002/connection/request/",
    )
    writes.record(0, 201)
    kind, _, path, _ = writes.next_call(0)
    assert kind == "write-accept" and path == "/api/v2/user/1001/connection/accept/"
    writes.record(0, 503)
    assert writes.state[(1001, 1002)] == ("request", True)  # unknown: not checked later
    assert writes.acknowledged == 1


def test_timeouts_outside_outages_can_be_reported_apart_but_fast_503s_cannot():
    samples = [S(50, 5.2, 503, "r"), S(60, 0.001, 503, "r")]
    slow: list[str] = []
    problems = judge.judge(samples, [], [], end=200, slow=slow)
    assert len(slow) == 1 and "5200 ms" in slow[0]
    assert len(problems) == 1 and "1 ms" in problems[0]
    assert len(judge.judge(samples, [], [], end=200)) == 2  # strict, as in `make soak`
