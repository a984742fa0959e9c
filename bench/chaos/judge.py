"""The verdict: what the samples of a run say against issue 13's rules, and its figures."""

from __future__ import annotations

import dataclasses
import os

from bench.chaos.load import Sample
from bench.toolkit.stats import percentile
from service.config import Settings
from service.graph import db
from service.graph.events import EventLog
from service.graph.runner import Runner, Tuning

# 503 is allowed from a kill until this long after Neo4j answers again (issue 13's rule;
# SOAK_RECOVERY_GRACE overrides it, e.g. on a saturated shared machine where the cold server
# times out its first queries for longer: the measured figure is `last_503_after_answer_s`).
RECOVERY_GRACE = float(os.environ.get("SOAK_RECOVERY_GRACE", "10"))
# A 503 that took this long waited out NEO4J_QUERY_TIMEOUT (5 s): a timeout, not an outage.
QUERY_TIMEOUT_SIGNATURE = 4.5
# A worker killed mid-request drops that request's connection; allowed this long after.
WORKER_KILL_GRACE = 2.0


def check_event_log(settings: Settings) -> tuple[bool | None, str]:
    """The lifecycle's event log has no gap: ids 1, 2, ... n, read through the graph layer."""
    with db.create_driver(settings) as driver:
        graph = EventLog(Runner(driver, settings.neo4j_database, Tuning(query_timeout=60)))
        ids, after = [], 0
        while batch := graph.read_events(after, limit=10_000):
            ids += [event["event_id"] for event in batch]
            after = ids[-1]
    gaps = [(x, y) for x, y in zip([0, *ids], ids, strict=False) if y != x + 1]
    return (not gaps), f"{len(ids)} events, gaps: {gaps[:10]}"


@dataclasses.dataclass
class Outage:
    killed: float
    answered: float | None = None


def judge(
    samples: list[Sample],
    outages: list[Outage],
    worker_kills: list[float],
    end: float,
    origin: float = 0.0,
    grace: float | None = None,
    slow: list[str] | None = None,
) -> list[str]:
    """Violations of issue 13's rules; an empty list passes. Times are seconds from `origin`.

    With a `slow` list, a 503 outside the outages that waited the full query timeout (an
    overloaded machine, not an unavailable Neo4j) goes there instead of being a violation.
    """
    grace = RECOVERY_GRACE if grace is None else grace
    problems = []
    for s in samples:
        if isinstance(s.outcome, int) and (200 <= s.outcome < 300 or 400 <= s.outcome < 500):
            continue
        done = s.started + s.seconds
        if s.outcome == 503:
            ok = any(o.killed <= done and s.started <= (o.answered or end) + grace for o in outages)
            if not ok and slow is not None and s.seconds >= QUERY_TIMEOUT_SIGNATURE:
                slow.append(f"+{s.started - origin:.1f}s ({s.kind}, {s.seconds * 1000:.0f} ms)")
            elif not ok:
                problems.append(
                    f"503 outside any outage at +{s.started - origin:.1f}s "
                    f"({s.kind}, {s.seconds * 1000:.0f} ms)"
                )
            continue
        if s.outcome == "reset" and any(
            k - 0.5 <= done <= k + WORKER_KILL_GRACE for k in worker_kills
        ):
            continue  # in flight on the worker that was SIGKILLed: counted, reported
        problems.append(
            f"{s.outcome} at +{s.started - origin:.1f}s ({s.kind}, {s.seconds * 1000:.0f} ms)"
        )
    return problems


def last_503_after(samples: list[Sample], outages: list[Outage]) -> list[float]:
    """Per outage: seconds from Neo4j answering again to the start of its last 503.

    A 503 belongs to the outage during which it was answered: one that started just before
    the next kill and was answered after it is the next outage's, not a late one of this.
    """
    figures = []
    for i, outage in enumerate(outages):
        if outage.answered is None:
            continue
        until = outages[i + 1].killed if i + 1 < len(outages) else float("inf")
        last = max(
            (
                s.started
                for s in samples
                if s.outcome == 503 and outage.killed <= s.started + s.seconds < until
            ),
            default=None,
        )
        figures.append(round(last - outage.answered, 1) if last is not None else 0.0)
    return figures


def summarize(samples: list[Sample], t0: float) -> dict:
    by = {}
    for s in samples:
        key = str(s.outcome)
        by[key] = by.get(key, 0) + 1
    return {"requests": len(samples), "outcomes": dict(sorted(by.items()))}


def crash_figures(
    samples: list[Sample], outage: Outage, grace: float | None, tolerate_timeouts: bool
) -> dict:
    """One SIGKILL's figures: how fast the 503s came, how soon requests got through again."""
    killed, answered = outage.killed, outage.answered or outage.killed
    after_kill = [s for s in samples if s.started >= killed]
    first_fail = next((s for s in after_kill if s.outcome != 200 and s.outcome != 404), None)
    fast = [
        s.seconds
        for s in after_kill
        if s.outcome == 503
        and first_fail
        and s.started > first_fail.started + first_fail.seconds
        and s.started + s.seconds < answered
    ]
    slow: list[str] | None = [] if tolerate_timeouts else None
    first_ok = next((s for s in samples if s.started >= answered and s.outcome in (200, 404)), None)
    # The breaker's part of recovery: the first request after Neo4j answered that was let
    # through to it (a 200, or a 503 that waited on Neo4j rather than the breaker's 0.1 ms).
    first_through = next(
        (
            s
            for s in samples
            if s.started >= answered and (s.outcome in (200, 404) or s.seconds > 0.05)
        ),
        None,
    )
    end = max((s.started + s.seconds for s in samples), default=answered)
    return {
        "first_failure_ms": round(first_fail.seconds * 1000, 1) if first_fail else None,
        "fast_503": len(fast),
        "fast_503_p50_ms": round(percentile(fast, 0.5) * 1000, 2),
        "fast_503_p99_ms": round(percentile(fast, 0.99) * 1000, 2),
        "fast_503_max_ms": round(max(fast, default=float("nan")) * 1000, 2),
        "first_request_through_after_answer_s": round(first_through.started - answered, 2)
        if first_through
        else None,
        "recovered_after_answer_s": round(first_ok.started + first_ok.seconds - answered, 2)
        if first_ok
        else None,
        "last_503_after_answer_s": last_503_after(samples, [outage]),
        "query_timeouts_outside_outages": slow,
        "violations": judge(samples, [outage], [], end, killed, grace, slow),
        **summarize(samples, killed),
    }


def soak_figures(
    samples: list[Sample],
    outages: list[Outage],
    worker_kills: list[float],
    start: float,
    grace: float,
    tolerate_timeouts: bool,
) -> dict:
    """The soak's figures and violations from its samples and what it killed when."""
    last_answer = max((o.answered for o in outages if o.answered), default=start)
    slow: list[str] | None = [] if tolerate_timeouts else None
    end = max((s.started + s.seconds for s in samples), default=start)
    violations = judge(samples, outages, worker_kills, end, start, grace, slow)
    return {
        "dropped_by_worker_kills": sum(1 for s in samples if s.outcome == "reset"),
        "responses_503": sum(1 for s in samples if s.outcome == 503),
        "recovery_grace_s": grace,
        "last_503_after_answer_s": last_503_after(samples, outages),
        "ok_after_last_recovery": sum(
            1 for s in samples if s.started > last_answer and s.outcome in (200, 404) and outages
        ),
        "query_timeouts_outside_outages": slow,
        "violations": violations,
        **summarize(samples, start),
    }
