"""What is done to the system under load, and when: one crash, rolling restarts, the soak."""

from __future__ import annotations

import dataclasses
import random
import time

from bench.chaos.judge import (
    RECOVERY_GRACE,
    Outage,
    check_event_log,
    crash_figures,
    soak_figures,
    summarize,
)
from bench.chaos.load import Load, Writes, write_phase_available
from bench.chaos.system import Neo4jUnderTest, log
from bench.chaos.webhook_chain import WebhookChain
from bench.toolkit.launcher import Gunicorn
from service.graph import db


def scenario_crash(
    neo: Neo4jUnderTest,
    app: Gunicorn,
    before: float = 5.0,
    down: float = 5.0,
    grace: float | None = None,
    tolerate_timeouts: bool = False,
) -> dict:
    """kill -9 Neo4j under load: 503 latency, recovery after it answers, index states."""
    counts_before = neo.counts()
    load = Load(app.base, threads=4).start()
    time.sleep(before)
    killed = neo.kill9()
    log("Neo4j SIGKILLed")
    time.sleep(down)
    answered = neo.restart()
    log(f"Neo4j answers again after {answered - killed:.1f}s")
    states = neo.index_states()
    report = neo.server.recovery_report()
    # Observe until the service answers 200 again (at most a minute), then a little longer.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        s.started >= answered and s.outcome in (200, 404) for s in list(load.samples)
    ):
        time.sleep(0.2)
    time.sleep(3)
    samples = load.stop()
    return {
        "restart_answer_seconds": round(answered - killed - down, 1),
        "indexes_after_restart": {n: s["state"] for n, s in states.items()},
        "rebuilt_indexes": report["rebuilt_indexes"],
        "recovery_ran": report["recovery"],
        "counts_equal": neo.counts() == counts_before,
        **crash_figures(samples, Outage(killed, answered), grace, tolerate_timeouts),
    }


def scenario_restarts(app: Gunicorn, hups: int = 3, gap: float = 4.0) -> dict:
    """Rolling restarts (kill -HUP of the master) under load drop nothing; then SIGTERM drains."""
    load = Load(app.base, threads=4).start()
    time.sleep(2)
    for _ in range(hups):
        app.hup()
        log("gunicorn master HUPed")
        time.sleep(gap)
    samples = load.stop()
    hup = summarize(samples, 0)
    dropped = [s for s in samples if not isinstance(s.outcome, int) or s.outcome >= 500]
    load = Load(app.base, threads=4).start()
    time.sleep(2)
    terminated = time.monotonic()
    code = app.stop()
    samples_term = load.stop()
    cut = [s for s in samples_term if s.outcome in ("reset", "timeout") or s.outcome == 500]
    after = [s for s in samples_term if s.started >= terminated]
    return {
        "hup_count": hups,
        "hup_requests": hup["requests"],
        "hup_dropped_or_5xx": len(dropped),
        "hup_outcomes": hup["outcomes"],
        "sigterm_exit_code": code,
        "sigterm_in_flight_cut": len(cut),
        "sigterm_outcomes_after_signal": summarize(after, 0)["outcomes"],
    }


@dataclasses.dataclass
class Kills:
    """What the soak did, in order: a timeline to print, and the moments the judge needs."""

    start: float
    outages: list[Outage] = dataclasses.field(default_factory=list)
    worker_kills: list[float] = dataclasses.field(default_factory=list)
    timeline: list[str] = dataclasses.field(default_factory=list)

    def note(self, at: float, what: str) -> None:
        self.timeline.append(f"+{at - self.start:.1f}s {what}")
        log(self.timeline[-1])


def kill_at_random(
    neo: Neo4jUnderTest,
    app: Gunicorn,
    chain: WebhookChain | None,
    kills: Kills,
    until: float,
    gaps: tuple[float, float],
    rng: random.Random,
) -> None:
    """SIGKILL a gunicorn worker, the webhook worker or Neo4j in turn, at random gaps, until
    10 s before `until`; Neo4j is restarted at once and its recovery noted."""
    events = ["worker", "webhook", "neo4j"] if chain is not None else ["worker", "neo4j"]
    n = 0
    while True:
        wait = rng.uniform(*gaps)
        if time.monotonic() + wait > until - 10:
            return
        time.sleep(wait)
        # Rotate, starting with a worker, so a short soak still sees one of each.
        event = events[n % len(events)]
        n += 1
        if event == "worker":
            pid = app.kill_worker()
            kills.worker_kills.append(time.monotonic())
            kills.note(kills.worker_kills[-1], f"SIGKILL gunicorn worker {pid}")
        elif event == "webhook" and chain is not None:
            pid = chain.kill9()
            kills.note(time.monotonic(), f"SIGKILL webhook worker {pid}")
        else:
            outage = Outage(neo.kill9())
            kills.outages.append(outage)
            kills.note(outage.killed, "SIGKILL Neo4j")
            outage.answered = neo.restart()
            rebuilt = neo.server.recovery_report()["rebuilt_indexes"]
            kills.note(
                outage.answered,
                f"Neo4j answers again ({outage.answered - outage.killed:.1f}s down; "
                f"indexes rebuilt: {rebuilt or 'none'})",
            )


def scenario_soak(
    neo: Neo4jUnderTest,
    app: Gunicorn,
    seconds: float,
    min_gap: float = 15.0,
    max_gap: float = 45.0,
    threads: int = 4,
    seed: int = 7,
    grace: float | None = None,
    tolerate_timeouts: bool = False,
) -> dict:
    """Mixed load for `seconds` while Neo4j and workers are SIGKILLed at random moments."""
    grace = RECOVERY_GRACE if grace is None else grace
    available, write_phase = write_phase_available(app.base)
    writes = Writes(threads) if available else None
    log(f"write phase {write_phase}")
    chain = WebhookChain(app, neo.settings) if available else None
    if chain is not None:
        chain.start()
    kills = Kills(time.monotonic())
    load = Load(app.base, threads=threads, writes=writes).start()
    end = kills.start + seconds
    kill_at_random(neo, app, chain, kills, end, (min_gap, max_gap), random.Random(seed))
    # Keep the load on past the last recovery's grace, so recovery itself is observed.
    last_answer = max((o.answered for o in kills.outages if o.answered), default=kills.start)
    remaining = max(end, last_answer + grace + 5) - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    samples = load.stop()
    missing = []
    if writes is not None:
        with db.create_driver(neo.settings) as driver:
            missing = writes.missing_writes(driver, neo.settings.neo4j_database)
    events_ok, events_note = check_event_log(neo.settings)
    webhooks_ok, webhooks_note = chain.finish() if chain is not None else (None, "skipped")
    return {
        "seconds": round(seconds),
        "threads": threads,
        "timeline": kills.timeline,
        "write_phase": write_phase,
        "writes_acknowledged": writes.acknowledged if writes else 0,
        "writes_missing": missing,
        "event_log": events_note,
        "event_log_ok": events_ok,
        "webhooks": webhooks_note,
        "webhooks_ok": webhooks_ok,
        **soak_figures(
            samples, kills.outages, kills.worker_kills, kills.start, grace, tolerate_timeouts
        ),
    }
