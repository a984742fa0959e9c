"""Readiness: Neo4j answers and every index the API relies on is ONLINE (cached per worker)."""

from __future__ import annotations

import time
from collections.abc import Callable

from service.domain.errors import NotReady
from service.domain.ports import HealthReads


class Readiness:
    """Asks the graph for its index states at most once per `ttl` seconds per worker.

    An index that is not ONLINE (populating after a crash, or missing) would make the
    planner scan, so the API refuses with 503 at once instead of running a slow query.
    Failures to reach Neo4j are not cached: the graph layer's breaker already answers them
    fast, and recovery must not wait for a cache to expire.
    """

    def __init__(
        self,
        graph: HealthReads,
        ttl: float = 1.0,
        not_ready_ttl: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.graph = graph
        self.ttl = ttl
        self.not_ready_ttl = not_ready_ttl
        self.clock = clock
        self._report: dict | None = None
        self._expires = 0.0

    def report(self) -> dict:
        """`{"status": "ok"}`, or `{"status": "unavailable", "detail", "indexes"}`."""
        now = self.clock()
        if self._report is not None and now < self._expires:
            return self._report
        states = self.graph.index_states()  # GraphUnavailable propagates: 503 from its handler
        pending = {
            name: {"state": st["state"], "population": round(float(st["population"] or 0), 1)}
            for name, st in sorted(states.items())
            if st["state"] != "ONLINE"
        }
        if pending:
            names = ", ".join(f"{n} {s['state']} {s['population']}%" for n, s in pending.items())
            report = {
                "status": "unavailable",
                "detail": f"Indexes not online yet: {names}.",
                "indexes": pending,
            }
            self._expires = now + self.not_ready_ttl
        else:
            report = {"status": "ok"}
            self._expires = now + self.ttl
        self._report = report
        return report

    def require(self) -> None:
        """Raise NotReady unless every index the API relies on is ONLINE."""
        report = self.report()
        if report["status"] != "ok":
            raise NotReady(report)
