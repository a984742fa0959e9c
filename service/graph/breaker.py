"""A per-worker circuit breaker: after Neo4j is seen unreachable, fail fast until a probe answers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from service.graph.errors import GraphUnavailable
from service.observability import metrics

log = logging.getLogger(__name__)


class BreakerOpen(GraphUnavailable):
    """Neo4j was unreachable moments ago; this call was refused without trying."""


class CircuitBreaker:
    """Closed: calls go through. Open: calls fail at once while a probe checks every interval.

    The first failure opens it (Neo4j down is all-or-nothing for a worker), so the requests
    behind it get 503 in microseconds instead of each waiting for the driver's timeouts.

    With `recover` (the web app's: ping, then warm up the API's queries) the probe runs in a
    background thread, never in a request: a sync worker is never held by a connect attempt
    to a host that is down or still starting. The breaker closes when `recover` returns (Neo4j
    answered and the hottest queries are planned, or a short gate passed: on a cold JVM that
    takes seconds per query, bench/RESULTS.md, issue 13). Without `recover`, one real call per
    interval is the probe.
    """

    def __init__(
        self,
        probe_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        recover: Callable[[], object] | None = None,
    ):
        self.probe_interval = probe_interval
        self.clock = clock
        self.recover = recover
        self._lock = threading.Lock()
        self._open = False
        self._probing = False
        self._next_probe = 0.0
        self._closed_for_good = threading.Event()
        self._prober: threading.Thread | None = None
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
            if self.recover is None and not self._probing and now >= self._next_probe:
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
            if self._open and (probe or self.recover is None):
                self._close()

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
            start_prober = self.recover is not None and not self._probing
            if start_prober:
                self._probing = True
        if start_prober:
            prober = threading.Thread(target=self._probe_loop, name="neo4j-probe", daemon=True)
            self._prober = prober
            prober.start()

    def stop(self, timeout: float = 0.0) -> None:
        """End the background probe (the driver is being closed); wait up to `timeout` for it."""
        self._closed_for_good.set()
        prober = self._prober
        if prober is not None and timeout > 0 and prober is not threading.current_thread():
            prober.join(timeout)

    def _close(self) -> None:
        self._open = False
        self.reason = ""
        metrics.NEO4J_BREAKER_OPEN.set(0)
        metrics.NEO4J_BREAKER_TRANSITIONS.labels("closed").inc()

    def _probe_loop(self) -> None:
        # One per open breaker: `recover` raises GraphUnavailable while Neo4j does not answer.
        while True:
            wait = max(0.0, self._next_probe - self.clock())
            if self._closed_for_good.wait(wait):
                return
            recover = self.recover
            if recover is None:  # only started with a `recover`
                return
            try:
                recover()
            except GraphUnavailable as exc:
                with self._lock:
                    self._next_probe = self.clock() + self.probe_interval
                    self.reason = str(exc)
                continue
            except Exception:  # noqa: BLE001 - Neo4j answered; a bug here must not keep 503s on
                log.exception("recovery probe failed after Neo4j answered; closing the breaker")
            with self._lock:
                self._probing = False
                if self._open:
                    self._close()
            return
