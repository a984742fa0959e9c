"""A per-worker circuit breaker: after Neo4j is seen unreachable, fail fast until a probe answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from service.graph.errors import GraphUnavailable
from service.observability import metrics


class BreakerOpen(GraphUnavailable):
    """Neo4j was unreachable moments ago; this call was refused without trying."""


class CircuitBreaker:
    """Closed: calls go through. Open: calls fail at once, except one probe per interval.

    The first failure opens it (Neo4j down is all-or-nothing for a worker), so the requests
    behind it get 503 in microseconds instead of each waiting for the driver's timeouts. A
    probe is a real call let through every `probe_interval` seconds; when it succeeds the
    breaker closes, so recovery takes at most one interval after Neo4j answers again.
    """

    def __init__(self, probe_interval: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.probe_interval = probe_interval
        self.clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._probing = False
        self._next_probe = 0.0
        self.reason = ""
        metrics.NEO4J_BREAKER_OPEN.set(0)

    @property
    def is_open(self) -> bool:
        return self._open

    def before_call(self) -> bool:
        """Raise BreakerOpen while open; True when this call is the probe."""
        if not self._open:
            return False
        with self._lock:
            if not self._open:
                return False
            now = self.clock()
            if not self._probing and now >= self._next_probe:
                self._probing = True
                return True
        raise BreakerOpen(f"Neo4j is unreachable (circuit open: {self.reason})")

    def record_success(self, probe: bool) -> None:
        """Neo4j answered (any answer, errors included): close."""
        if not self._open and not probe:
            return
        with self._lock:
            if probe:
                self._probing = False
            if self._open:
                self._open = False
                self.reason = ""
                metrics.NEO4J_BREAKER_OPEN.set(0)
                metrics.NEO4J_BREAKER_TRANSITIONS.labels("closed").inc()

    def record_failure(self, probe: bool, reason: str) -> None:
        """Neo4j could not be reached: open (again) and schedule the next probe."""
        with self._lock:
            if probe:
                self._probing = False
            self._next_probe = self.clock() + self.probe_interval
            self.reason = reason
            if not self._open:
                self._open = True
                metrics.NEO4J_BREAKER_OPEN.set(1)
                metrics.NEO4J_BREAKER_TRANSITIONS.labels("open").inc()
